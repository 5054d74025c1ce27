"""Sessions, groups, seats and every move in one SQLite file (the standard library's sqlite3).

Nothing else holds a game: a group's state is its scenario run, its seats and its recorded
moves and injected shocks, replayed on demand (:func:`sim.classroom.replay.advance`). Each
write is one committed transaction, so a server killed at any moment restarts with every move
that was acknowledged.
"""

from __future__ import annotations

import fcntl
import json
import secrets
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO

from sim.classroom.room_code import new_code
from sim.errors import NegsimError

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    scenario TEXT NOT NULL,
    seed INTEGER NOT NULL,
    run_index INTEGER NOT NULL DEFAULT 0,
    runs INTEGER NOT NULL,
    instructor_token TEXT NOT NULL UNIQUE,
    join_token TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    humans TEXT NOT NULL DEFAULT '[]',
    distribution TEXT
);
CREATE TABLE IF NOT EXISTS groups (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    number INTEGER NOT NULL,
    UNIQUE (session_id, number)
);
CREATE TABLE IF NOT EXISTS seats (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id),
    actor TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    claimed INTEGER NOT NULL DEFAULT 0,
    released INTEGER NOT NULL DEFAULT 0,
    UNIQUE (group_id, actor)
);
CREATE TABLE IF NOT EXISTS moves (
    group_id INTEGER NOT NULL REFERENCES groups(id),
    number INTEGER NOT NULL,
    actor TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (group_id, number)
);
CREATE TABLE IF NOT EXISTS injections (
    group_id INTEGER NOT NULL REFERENCES groups(id),
    shock TEXT NOT NULL,
    day REAL NOT NULL,
    after_moves INTEGER NOT NULL,
    PRIMARY KEY (group_id, shock)
);
"""

# --- talk (issue #26 deliverable 3) --------------------------------------------------------------
# Idempotent (IF NOT EXISTS), so a store made before these tables existed gains them on open.
# Its rows are read and written by sim.classroom.messages only; none of them ever reaches a
# replay (message text never enters the model's decisions).
TALK_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id),
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    decision INTEGER NOT NULL
);
"""
# --- end of talk -----------------------------------------------------------------------------


# --- join (issue 26): room codes and projector tokens --------------------------------------
# A separate block so that a store written before it opens unchanged: the table is created when
# missing (idempotent), and a session without a code gets one the first time it is asked for.
JOIN_SCHEMA = """
CREATE TABLE IF NOT EXISTS room_codes (
    session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
    code TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS projector_tokens (
    session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
    token TEXT NOT NULL UNIQUE
);
"""
# --- end of the join block ------------------------------------------------------------------


def _lock_file(path: Path) -> IO[bytes]:
    """An exclusive lock on ``<store>.lock``, held while the store is open.

    Why: two servers on one store would each replay and write the same groups, and each would
    cache states the other's moves make stale; the second is refused instead, with a clear error.
    """
    lock = Path(f"{path}.lock")
    try:
        handle = lock.open("ab")
    except OSError as error:
        raise NegsimError(
            f"{lock}: cannot create the store's lock file ({error.strerror})"
        ) from None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise NegsimError(
            f"{path}: another negsim classroom server is using this store; stop it first, "
            "or give --db another file"
        ) from None
    return handle


def new_token() -> str:
    """An unguessable token: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


class Phase(StrEnum):
    """Where a session is: being set up, open for moves, paused, or over."""

    SETUP = "setup"
    OPEN = "open"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass(frozen=True)
class SessionRow:
    """A class session: one scenario run, its seats and groups, its tokens."""

    id: int
    scenario: str
    """Scenario path relative to the folder the server was started in."""
    seed: int
    run_index: int
    runs: int
    """Monte Carlo runs of the model's distribution for the debrief."""
    instructor_token: str
    join_token: str
    phase: Phase
    humans: tuple[str, ...]


@dataclass(frozen=True)
class GroupRow:
    """One group of students playing the session's run."""

    id: int
    session_id: int
    number: int


@dataclass(frozen=True)
class SeatRow:
    """One human seat: an actor in a group, with its token and whether a student took it."""

    id: int
    group_id: int
    actor: str
    token: str
    name: str
    claimed: bool
    released: bool
    """True when the instructor handed the seat to the model."""


@dataclass(frozen=True)
class InjectionRow:
    """A shock the instructor fired in a group, on a day, after so many moves."""

    shock: str
    day: float
    after_moves: int


class Store:
    """The classroom's SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = _lock_file(path)
        try:
            self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA busy_timeout = 2000")
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.executescript(SCHEMA)
            self.db.executescript(JOIN_SCHEMA)
            self.db.executescript(TALK_SCHEMA)
            self.db.execute("SELECT COUNT(*) FROM sessions").fetchone()
        except sqlite3.Error as error:
            self._lock.close()
            raise NegsimError(
                f"{path}: cannot open the classroom store ({error}); it is corrupt, locked by "
                "another program or not a negsim store: move it away or give --db another file"
            ) from None

    def close(self) -> None:
        """Close the connection and let another server open the store."""
        self.db.close()
        self._lock.close()

    def _one(self, sql: str, *args: object) -> tuple[object, ...] | None:
        row: tuple[object, ...] | None = self.db.execute(sql, args).fetchone()
        return row

    # --- sessions ---------------------------------------------------------------------------

    _SESSION = (
        "SELECT id, scenario, seed, run_index, runs, instructor_token, join_token, state, humans "
        "FROM sessions"
    )

    @staticmethod
    def _session(row: tuple[object, ...]) -> SessionRow:
        i, scenario, seed, run, runs, itok, jtok, state, humans = row
        return SessionRow(
            int(str(i)),
            str(scenario),
            int(str(seed)),
            int(str(run)),
            int(str(runs)),
            str(itok),
            str(jtok),
            Phase(str(state)),
            tuple(json.loads(str(humans))),
        )

    def new_session(self, scenario: str, seed: int, runs: int) -> SessionRow:
        """A new session in set-up, with fresh tokens."""
        cursor = self.db.execute(
            "INSERT INTO sessions (scenario, seed, runs, instructor_token, join_token, state) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (scenario, seed, runs, new_token(), new_token(), Phase.SETUP.value),
        )
        session = self.session(int(cursor.lastrowid or 0))
        assert session is not None
        return session

    def session(self, session_id: int) -> SessionRow | None:
        """The session with this id."""
        row = self._one(f"{self._SESSION} WHERE id = ?", session_id)
        return self._session(row) if row else None

    def latest_session(self, scenario: str) -> SessionRow | None:
        """The newest session of *scenario* that has not ended."""
        row = self._one(
            f"{self._SESSION} WHERE scenario = ? AND state != ? ORDER BY id DESC LIMIT 1",
            scenario,
            Phase.ENDED.value,
        )
        return self._session(row) if row else None

    def open_sessions(self) -> list[SessionRow]:
        """Every session that has not ended."""
        rows = self.db.execute(f"{self._SESSION} WHERE state != ?", (Phase.ENDED.value,))
        return [self._session(r) for r in rows.fetchall()]

    def session_by_token(self, token: str) -> tuple[SessionRow, str] | None:
        """The session whose instructor or join token is *token*, and which of the two."""
        for column, kind in (("instructor_token", "instructor"), ("join_token", "join")):
            row = self._one(f"{self._SESSION} WHERE {column} = ?", token)
            if row:
                return self._session(row), kind
        return None

    def configure(
        self, session: SessionRow, scenario: str, humans: list[str], groups: int, run_index: int
    ) -> SessionRow:
        """Seat *humans* in *groups* groups and open the session (one transaction)."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute(
                "UPDATE sessions SET scenario = ?, humans = ?, run_index = ?, state = ? "
                "WHERE id = ? AND state = ?",
                (
                    scenario,
                    json.dumps(humans),
                    run_index,
                    Phase.OPEN.value,
                    session.id,
                    Phase.SETUP.value,
                ),
            )
            for number in range(1, groups + 1):
                cursor = self.db.execute(
                    "INSERT INTO groups (session_id, number) VALUES (?, ?)", (session.id, number)
                )
                for actor in humans:
                    self.db.execute(
                        "INSERT INTO seats (group_id, actor, token) VALUES (?, ?, ?)",
                        (cursor.lastrowid, actor, new_token()),
                    )
        updated = self.session(session.id)
        assert updated is not None
        return updated

    def set_phase(self, session: SessionRow, phase: Phase) -> None:
        """Move the session to *phase*."""
        self.db.execute("UPDATE sessions SET state = ? WHERE id = ?", (phase.value, session.id))

    def save_distribution(self, session_id: int, payload: str) -> None:
        """Store the model's distribution (JSON) for the debrief."""
        self.db.execute("UPDATE sessions SET distribution = ? WHERE id = ?", (payload, session_id))

    def distribution(self, session_id: int) -> str | None:
        """The stored distribution (JSON), or None while it is being computed."""
        row = self._one("SELECT distribution FROM sessions WHERE id = ?", session_id)
        return None if row is None or row[0] is None else str(row[0])

    # --- groups and seats -------------------------------------------------------------------

    def groups(self, session: SessionRow) -> list[GroupRow]:
        """The session's groups in number order."""
        rows = self.db.execute(
            "SELECT id, session_id, number FROM groups WHERE session_id = ? ORDER BY number",
            (session.id,),
        )
        return [GroupRow(int(a), int(b), int(c)) for a, b, c in rows.fetchall()]

    _SEAT = "SELECT id, group_id, actor, token, name, claimed, released FROM seats"

    @staticmethod
    def _seat(row: tuple[object, ...]) -> SeatRow:
        i, g, actor, token, name, claimed, released = row
        return SeatRow(
            int(str(i)),
            int(str(g)),
            str(actor),
            str(token),
            str(name),
            bool(claimed),
            bool(released),
        )

    def seats(self, group: GroupRow) -> list[SeatRow]:
        """The group's human seats."""
        rows = self.db.execute(f"{self._SEAT} WHERE group_id = ? ORDER BY id", (group.id,))
        return [self._seat(r) for r in rows.fetchall()]

    def seat_by_token(self, token: str) -> SeatRow | None:
        """The seat whose token is *token*."""
        row = self._one(f"{self._SEAT} WHERE token = ?", token)
        return self._seat(row) if row else None

    def seat(self, seat_id: int) -> SeatRow | None:
        """The seat with this id."""
        row = self._one(f"{self._SEAT} WHERE id = ?", seat_id)
        return self._seat(row) if row else None

    def group(self, group_id: int) -> GroupRow | None:
        """The group with this id."""
        row = self._one("SELECT id, session_id, number FROM groups WHERE id = ?", group_id)
        return GroupRow(int(str(row[0])), int(str(row[1])), int(str(row[2]))) if row else None

    def claim(self, seat: SeatRow, name: str) -> bool:
        """Give a free seat to a student; False when someone took it first."""
        cursor = self.db.execute(
            "UPDATE seats SET claimed = 1, name = ? WHERE id = ? AND claimed = 0", (name, seat.id)
        )
        return cursor.rowcount == 1

    def release(self, seat: SeatRow) -> None:
        """Hand the seat to the model for its remaining decisions."""
        self.db.execute("UPDATE seats SET released = 1 WHERE id = ?", (seat.id,))

    # --- moves and injections ---------------------------------------------------------------

    def moves(self, group: GroupRow) -> list[tuple[str, str]]:
        """(actor, move) of every recorded move of the group, in order."""
        rows = self.db.execute(
            "SELECT actor, text FROM moves WHERE group_id = ? ORDER BY number", (group.id,)
        )
        return [(str(a), str(t)) for a, t in rows.fetchall()]

    def add_move(self, group: GroupRow, number: int, actor: str, text: str) -> bool:
        """Record move *number*; False when that number is taken (a concurrent move won)."""
        try:
            self.db.execute(
                "INSERT INTO moves (group_id, number, actor, text) VALUES (?, ?, ?, ?)",
                (group.id, number, actor, text),
            )
        except sqlite3.IntegrityError:
            return False
        return True

    def injections(self, group: GroupRow) -> list[InjectionRow]:
        """The shocks injected in the group, in order."""
        rows = self.db.execute(
            "SELECT shock, day, after_moves FROM injections WHERE group_id = ? ORDER BY day",
            (group.id,),
        )
        return [InjectionRow(str(s), float(d), int(n)) for s, d, n in rows.fetchall()]

    def add_injection(self, group: GroupRow, shock: str, day: float, after_moves: int) -> bool:
        """Record an injected shock; False when it was injected in this group already."""
        try:
            self.db.execute(
                "INSERT INTO injections (group_id, shock, day, after_moves) VALUES (?, ?, ?, ?)",
                (group.id, shock, day, after_moves),
            )
        except sqlite3.IntegrityError:
            return False
        return True

    # --- join (issue 26): room codes --------------------------------------------------------

    def room_code(self, session: SessionRow) -> str:
        """The session's room code, drawn the first time it is asked for (a fresh or old store)."""
        while True:
            row = self._one("SELECT code FROM room_codes WHERE session_id = ?", session.id)
            if row is not None:
                return str(row[0])
            try:
                self.db.execute(
                    "INSERT INTO room_codes (session_id, code) VALUES (?, ?)",
                    (session.id, new_code()),
                )
            except sqlite3.IntegrityError:
                continue  # another session drew this code: draw again

    def session_by_code(self, code: str) -> SessionRow | None:
        """The session whose room code is *code* (already normalized)."""
        row = self._one(
            f"{self._SESSION} WHERE id = (SELECT session_id FROM room_codes WHERE code = ?)", code
        )
        return self._session(row) if row else None

    def projector_token(self, session: SessionRow) -> str:
        """The session's read-only projector token, made the first time it is asked for."""
        row = self._one("SELECT token FROM projector_tokens WHERE session_id = ?", session.id)
        if row is not None:
            return str(row[0])
        token = new_token()
        self.db.execute(
            "INSERT INTO projector_tokens (session_id, token) VALUES (?, ?)", (session.id, token)
        )
        return token

    def session_by_projector(self, token: str) -> SessionRow | None:
        """The session whose projector token is *token*."""
        row = self._one(
            f"{self._SESSION} WHERE id = (SELECT session_id FROM projector_tokens WHERE token = ?)",
            token,
        )
        return self._session(row) if row else None

    def free(self, seat: SeatRow) -> None:
        """Empty *seat* for another student.

        A new token (the old one opens nothing), no name, and back from the model if it had
        been handed to it.
        """
        self.db.execute(
            "UPDATE seats SET token = ?, name = '', claimed = 0, released = 0 WHERE id = ?",
            (new_token(), seat.id),
        )
