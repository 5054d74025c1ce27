"""The short room code a class types to find its session: 6 characters nobody misreads.

Why a code beside the join link: a 22-character token cannot be read off a projector and typed
on a phone; six characters can. The alphabet leaves out the characters that look alike on a
screen or a board (0/O, 1/I/L), so a code read aloud or copied by hand is typed right. The
code only finds the session's join page: every action still needs the join page's own token
or a seat's, as before.
"""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Upper-case letters and digits without 0, O, 1, I and L (31 characters)."""
LENGTH = 6
"""Characters in a code: 31**6, about 887 million codes."""


def new_code() -> str:
    """A random room code (the system's CSPRNG)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalized(typed: str) -> str | None:
    """*typed* as a code (case, spaces and dashes forgiven), or None when it cannot be one."""
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code
