"""Talk between delegations: private messages within a group and public statements to it.

A message is stored in the session's store (table ``messages``) with the UTC time it was sent
and the number of the group's decision that was waiting then. Who reads what:

- a **private** message (a recipient actor) is read by its sender and its recipient only;
- a **public** statement (no recipient) is read by every seat of the group, and by any seat
  :func:`can_read_public` admits (observer and press seats read the board and public
  statements but make no moves and send no private messages);
- the instructor reads every message of every group.

Message text is data for people, never for the model: nothing here is read by
:mod:`sim.classroom.replay`, so a group's moves are the same with and without talk.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sim.classroom.store import GroupRow, SeatRow, Store

MAX_TEXT = 2000
"""Characters a message may hold (the route answers 422 beyond)."""
RATE_LIMIT = 6
RATE_WINDOW = 60.0
"""At most :data:`RATE_LIMIT` messages per seat in any :data:`RATE_WINDOW` seconds (else 429)."""
PUBLIC = ""
"""The recipient of a public statement."""


@dataclass(frozen=True)
class Message:
    """One message as stored."""

    id: int
    group_id: int
    sender: str
    recipient: str
    """An actor id, or :data:`PUBLIC` for a statement to the whole group."""
    text: str
    sent_at: str
    """UTC, ISO 8601, to the second."""
    decision: int
    """The group's decision that was waiting when it was sent (the last one once play ended)."""

    @property
    def public(self) -> bool:
        """True for a statement to the whole group."""
        return self.recipient == PUBLIC

    def as_dict(self, group: int) -> dict[str, object]:
        """The message for a transcript or the archive, under its group's number."""
        return {
            "group": group,
            "decision": self.decision,
            "sent_at": self.sent_at,
            "from": self.sender,
            "to": self.recipient or "all",
            "text": self.text,
        }


def can_read_public(seat: SeatRow, group: GroupRow) -> bool:
    """Whether *seat* reads *group*'s public statements: any seat of that group does.

    The one rule other seat kinds (observers, press) rely on: a seat row of the group, whatever
    its actor, reads the group's public statements.
    """
    return seat.group_id == group.id


def readable(message: Message, reader: str | None) -> bool:
    """Whether the seat of actor *reader* (None: the instructor) reads *message*."""
    return reader is None or message.public or reader in (message.sender, message.recipient)


def _row(row: tuple[object, ...]) -> Message:
    i, g, sender, recipient, text, sent_at, decision = row
    return Message(
        int(str(i)), int(str(g)), str(sender), str(recipient), str(text), str(sent_at),
        int(str(decision)),
    )  # fmt: skip


def messages(store: Store, group: GroupRow, reader: str | None = None) -> list[Message]:
    """The group's messages *reader* reads (None: the instructor, every one), oldest first."""
    rows = store.db.execute(
        "SELECT id, group_id, sender, recipient, text, sent_at, decision FROM messages "
        "WHERE group_id = ? ORDER BY id",
        (group.id,),
    )
    return [m for m in map(_row, rows.fetchall()) if readable(m, reader)]


def add_message(
    store: Store, group: GroupRow, sender: str, recipient: str, text: str, decision: int
) -> Message:
    """Store a message sent now; it is committed when this returns."""
    sent_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    cursor = store.db.execute(
        "INSERT INTO messages (group_id, sender, recipient, text, sent_at, decision) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (group.id, sender, recipient, text, sent_at, decision),
    )
    return Message(int(cursor.lastrowid or 0), group.id, sender, recipient, text, sent_at, decision)


def mark(store: Store, group: GroupRow, reader: str | None = None) -> str:
    """A short mark of what *reader* reads, for a page's fingerprint: it moves with each message.

    Counted per reader, so that a private message between two other delegations neither reloads
    a third seat's page nor tells it that the two are talking.
    """
    return f"m{len(messages(store, group, reader))}"


class RateLimit:
    """At most *limit* events per key in any *window* seconds (a sliding window).

    *clock* is injectable so that a test can move time on; held in memory: a restarted server
    starts every seat afresh, which only ever lets a message through, never loses one.
    """

    def __init__(
        self,
        limit: int = RATE_LIMIT,
        window: float = RATE_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for *key*; False (and not counted) when its window is full."""
        now = self.clock()
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.limit:
                return False
            seen.append(now)
            return True
