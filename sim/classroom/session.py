"""The classroom's rules: who may do what, when, and what each action changes.

:class:`Classroom` sits between the web pages and the store. Every action checks its token,
the session's phase and the group's pending turn before it writes anything; a refusal is a
:class:`RefusedError` with the HTTP status the web layer answers with, and changes nothing.
"""

from __future__ import annotations

import multiprocessing
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from sim.classroom.debrief import Distribution, model_distribution
from sim.classroom.messages import mark as message_mark
from sim.classroom.moves import MoveError
from sim.classroom.replay import (
    GroupState,
    Injection,
    Table,
    advance,
    can_inject,
    injection_day,
    new_table,
    read_move,
)
from sim.classroom.store import GroupRow, Phase, SeatRow, SessionRow, Store
from sim.errors import NegsimError
from sim.report.debrief_figures import warm_up as charts_warm_up
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario

MAX_GROUPS = 12
MAX_NAME = 40
"""Longest name a student may give, once trimmed (spaces inside collapsed to one)."""


class RefusedError(NegsimError):
    """A request the classroom turns down; nothing was changed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class GroupView:
    """A group as the pages show it: its row, seats and replayed state."""

    group: GroupRow
    seats: tuple[SeatRow, ...]
    state: GroupState


def scenario_inside(root: Path, relative: str) -> Path:
    """*relative* resolved inside *root*, or :class:`RefusedError` (400) when it points outside."""
    if "\x00" in relative or not relative.strip():
        raise RefusedError(400, "a scenario path is a file name inside the server's folder")
    try:
        candidate = (root / relative).resolve()
    except (OSError, ValueError, RuntimeError) as error:
        raise RefusedError(400, f"{relative}: not a path ({error})") from None
    if not candidate.is_relative_to(root.resolve()):
        raise RefusedError(400, f"{relative}: scenarios must lie inside {root}")
    if candidate.suffix not in (".yaml", ".yml") or not candidate.is_file():
        raise RefusedError(400, f"{relative}: not a scenario file (.yaml) in {root}")
    return candidate


class Classroom:
    """Sessions of one server: their scenarios, groups' states and background Monte Carlo.

    Args:
        store: the database.
        root: the folder the server was started in; scenarios must lie inside it.
    """

    def __init__(self, store: Store, root: Path) -> None:
        self.store = store
        self.root = root.resolve()
        self.version = 0
        """Bumped on every change: pages listening for updates reload when it moves."""
        self.ready = False
        """True once :meth:`warm_up` has run: every page is then served without a compile."""
        self._scenarios: dict[str, Scenario] = {}
        self._states: dict[tuple[int, int, int], GroupState] = {}
        self._runs: dict[int, tuple[BaseProcess, Connection]] = {}

    # --- lookups ----------------------------------------------------------------------------

    def scenario(self, relative: str) -> Scenario:
        """The scenario at *relative* inside the root (loaded once)."""
        if relative not in self._scenarios:
            path = scenario_inside(self.root, relative)
            try:
                self._scenarios[relative] = load_scenario(path)
            except RefusedError:
                raise
            except NegsimError as error:  # invalid YAML or a scenario that does not validate
                first = str(error).splitlines()[0] if str(error) else "invalid scenario"
                raise RefusedError(422, f"{relative}: not a valid scenario: {first}") from None
        return self._scenarios[relative]

    def warm_up(self, relative: str) -> None:
        """Load *relative*, play one model run of it and draw the debrief's charts once.

        The server calls this before it listens, so that no page pays for compiling the kernel
        (numba, cold on a fresh install) or loading plotly: the first page a student opens is
        as quick as any. :attr:`ready` is true once it has run.
        """
        advance(new_table(self.scenario(relative), 0, 0, ()), [])
        charts_warm_up()
        self.ready = True

    def table(self, session: SessionRow) -> Table:
        """What every group of *session* plays."""
        scenario = self.scenario(session.scenario)
        return new_table(scenario, session.seed, session.run_index, session.humans)

    def by_token(self, token: str, kind: str) -> SessionRow:
        """The session of an instructor or join token, or :class:`RefusedError` (404)."""
        found = self.store.session_by_token(token)
        if found is None or found[1] != kind:
            raise RefusedError(404, "no such session")
        return found[0]

    def seat(self, token: str) -> tuple[SessionRow, GroupRow, SeatRow]:
        """The seat of a seat token, its group and session, or :class:`RefusedError` (404)."""
        seat = self.store.seat_by_token(token)
        group = self.store.group(seat.group_id) if seat else None
        session = self.store.session(group.session_id) if group else None
        if seat is None or group is None or session is None:
            raise RefusedError(404, "no such seat")
        return session, group, seat

    def state(self, session: SessionRow, group: GroupRow) -> GroupState:
        """The group's state: its recorded moves replayed (cached until the next move)."""
        moves = [text for _, text in self.store.moves(group)]
        injections = self.store.injections(group)
        key = (group.id, len(moves), len(injections))
        if key not in self._states:
            table = self.table(session)
            shocks = [Injection(table.arrays.shock_ids.index(i.shock), i.day) for i in injections]
            self._states[key] = advance(table, moves, shocks)
        return self._states[key]

    def group_views(self, session: SessionRow) -> list[GroupView]:
        """Every group of *session* with its seats and state."""
        return [
            GroupView(g, tuple(self.store.seats(g)), self.state(session, g))
            for g in self.store.groups(session)
        ]

    def fingerprint(self, token: str) -> str:
        """What a page of *token* shows, in short: it changes when the page should reload.

        A seat's page follows its own group only, so that another group's move never reloads
        it while its student is typing; the join page does not show the model's Monte Carlo,
        so its end reloads only the instructor's pages.
        """
        found = self.store.session_by_token(token)
        shown = self.store.session_by_projector(token) if found is None else None
        if shown is not None:  # the projector's read-only token: what the join page shows
            found = (shown, "projector")
        talk: dict[int, str] = {}  # what each group's messages add, for pages that show them
        if found is not None:
            session, kind = found
            groups = self.store.groups(session)
            done = (
                kind in ("instructor", "projector")
                and self.store.distribution(session.id) is not None
            )
            marks = [session.phase.value, "mc" if done else ""]
            if kind == "instructor":
                talk = {g.id: ":" + message_mark(self.store, g) for g in groups}
        else:
            session, group, seat = self.seat(token)
            groups = [group]
            marks = [session.phase.value]
            talk = {group.id: ":" + message_mark(self.store, group, seat.actor)}
        for g in groups:
            seats = self.store.seats(g)
            marks.append(
                f"{g.number}:{len(self.store.moves(g))}:{len(self.store.injections(g))}:"
                + "".join(f"{int(s.claimed)}{int(s.released)}" for s in seats)
                + talk.get(g.id, "")
            )
        return "|".join(marks)

    # --- the instructor ---------------------------------------------------------------------

    def set_up(
        self, session: SessionRow, scenario: str, humans: list[str], groups: int, run_index: int
    ) -> SessionRow:
        """Seat *humans* in *groups* groups of run *run_index* and open the session."""
        if session.phase is not Phase.SETUP:
            raise RefusedError(409, "this session is already set up")
        loaded = self.scenario(scenario)
        actors = [a.id for a in loaded.actors]
        unknown = [h for h in humans if h not in actors]
        if unknown or not humans or len(set(humans)) != len(humans):
            raise RefusedError(422, f"choose human seats among {', '.join(actors)}")
        if not 1 <= groups <= MAX_GROUPS or run_index < 0:
            raise RefusedError(422, f"groups must be 1–{MAX_GROUPS} and the run non-negative")
        opened = self.store.configure(session, scenario, humans, groups, run_index)
        self.start_distribution(opened)
        self.version += 1
        return opened

    def set_phase(self, session: SessionRow, action: str) -> None:
        """Pause, resume or end the session."""
        moves = {
            "pause": (Phase.OPEN, Phase.PAUSED),
            "resume": (Phase.PAUSED, Phase.OPEN),
            "end": (None, Phase.ENDED),
        }
        if action not in moves:
            raise RefusedError(422, f"unknown action {action!r}: pause, resume or end")
        before, after = moves[action]
        if session.phase is Phase.SETUP or session.phase is Phase.ENDED:
            raise RefusedError(409, f"the session is {session.phase.value}")
        if before is not None and session.phase is not before:
            raise RefusedError(409, f"the session is {session.phase.value}, not {before.value}")
        self.store.set_phase(session, after)
        self.version += 1

    def inject(self, session: SessionRow, shock_id: str, group_number: int) -> int:
        """Fire *shock_id* now in group *group_number* (0: every group); the groups changed."""
        if session.phase not in (Phase.OPEN, Phase.PAUSED):
            raise RefusedError(409, f"the session is {session.phase.value}")
        table = self.table(session)
        if shock_id not in table.arrays.shock_ids:
            raise RefusedError(422, f"unknown shock {shock_id!r}")
        index = table.arrays.shock_ids.index(shock_id)
        groups = [g for g in self.store.groups(session) if group_number in (0, g.number)]
        if not groups:
            raise RefusedError(422, f"no group {group_number}")
        why = {
            g.number: "it was injected already"
            if any(i.shock == shock_id for i in self.store.injections(g))
            else can_inject(self.state(session, g), index)
            for g in groups
        }
        if all(why.values()):
            reasons = "; ".join(f"group {n}: {w}" for n, w in why.items())
            raise RefusedError(409, f"{shock_id} cannot fire: {reasons}")
        changed = 0
        for g in groups:
            if not why[g.number]:
                state = self.state(session, g)
                moves = len(self.store.moves(g))
                changed += self.store.add_injection(g, shock_id, injection_day(state), moves)
        self.version += 1
        return changed

    def release(self, session: SessionRow, seat_id: int) -> None:
        """Hand a seat to the model for the rest of the game (only while the game is on)."""
        if session.phase not in (Phase.OPEN, Phase.PAUSED):
            raise RefusedError(409, f"the session is {session.phase.value}: no seat changes now")
        seat = self.store.seat(seat_id)
        group = self.store.group(seat.group_id) if seat else None
        if seat is None or group is None or group.session_id != session.id:
            raise RefusedError(404, "no such seat in this session")
        self.store.release(seat)
        self._play_released(session, group)
        self.version += 1

    # --- students ---------------------------------------------------------------------------

    def join(self, session: SessionRow, seat_id: int, name: str) -> SeatRow:
        """Give seat *seat_id* of *session* to a student."""
        if session.phase not in (Phase.OPEN, Phase.PAUSED):
            raise RefusedError(409, f"the session is {session.phase.value}")
        seat = self.store.seat(seat_id)
        group = self.store.group(seat.group_id) if seat else None
        if seat is None or group is None or group.session_id != session.id:
            raise RefusedError(404, "no such seat in this session")
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME:
            raise RefusedError(422, f"give your name: 1–{MAX_NAME} characters")
        if not self.store.claim(seat, name):
            raise RefusedError(409, "someone has taken this seat")
        self.version += 1
        return seat

    def move(self, token: str, number: int, text: str) -> GroupState:
        """Seat *token* makes decision *number* with *text*; the group's new state.

        RefusedError when the session is not open (409), it is not this seat's turn or *number* is
        not the pending decision (409), or the move does not fit the decision (422).
        """
        session, group, seat = self.seat(token)
        if session.phase is not Phase.OPEN:
            raise RefusedError(409, f"the session is {session.phase.value}: no moves now")
        state = self.state(session, group)
        turn = state.pending
        actor = state.table.actor(seat.actor)
        if turn is None or turn.actor != actor or seat.released:
            raise RefusedError(409, "it is not your turn")
        if number != turn.number:
            raise RefusedError(
                409, f"decision {number} is not the one waiting (it is {turn.number})"
            )
        try:
            move, _ = read_move(text, turn.view, state.table.arrays)
        except MoveError as problem:
            raise RefusedError(422, str(problem)) from None
        if not self.store.add_move(group, number, seat.actor, move):
            raise RefusedError(409, "another move was recorded first")
        self._play_released(session, group)
        self.version += 1
        return self.state(session, group)

    def _play_released(self, session: SessionRow, group: GroupRow) -> None:
        """Record ``rest`` for every pending turn of a seat the instructor handed to the model."""
        released = {s.actor for s in self.store.seats(group) if s.released}
        while True:
            state = self.state(session, group)
            turn = state.pending
            if turn is None or state.table.arrays.actor_ids[turn.actor] not in released:
                return
            self.store.add_move(
                group, turn.number, state.table.arrays.actor_ids[turn.actor], "rest"
            )

    # --- the model's distribution -----------------------------------------------------------

    def start_distribution(self, session: SessionRow) -> None:
        """Start the session's Monte Carlo in a worker process, unless it is stored or running.

        Why one short-lived process per session rather than a pool: it ends by itself when the
        runs are done, so a server that is killed leaves nothing waiting behind it. Forked where
        possible, so it inherits the loaded scenario and compiled kernels (see warm_up).
        """
        if session.id in self._runs or self.store.distribution(session.id) is not None:
            return
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        receive, send = context.Pipe(duplex=False)
        path = str(scenario_inside(self.root, session.scenario))
        worker = context.Process(  # type: ignore[attr-defined]
            target=_distribution_worker,
            args=(send, path, session.seed, session.runs),
            daemon=True,
        )
        worker.start()
        send.close()
        self._runs[session.id] = (worker, receive)

    def distribution(self, session: SessionRow) -> Distribution | None:
        """The session's distribution, or None while it is being computed."""
        stored = self.store.distribution(session.id)
        if stored is not None:
            return Distribution.from_json(stored)
        running = self._runs.get(session.id)
        if running is None or not running[1].poll():
            return None
        worker, receive = self._runs.pop(session.id)
        try:
            payload = receive.recv()
        except EOFError:
            return None  # the worker died; the next start of the server tries again
        finally:
            receive.close()
            worker.join(timeout=5)
        self.store.save_distribution(session.id, payload)
        self.version += 1
        return Distribution.from_json(payload)

    def poll(self) -> None:
        """Store any finished Monte Carlo (called by the update stream)."""
        for session_id in list(self._runs):
            session = self.store.session(session_id)
            if session is not None:
                self.distribution(session)

    def close(self) -> None:
        """Stop any Monte Carlo still running."""
        for worker, receive in self._runs.values():
            worker.terminate()
            receive.close()
        self._runs.clear()


def _distribution_worker(send: Connection, path: str, seed: int, runs: int) -> None:
    """Compute the distribution in a worker process and send it back as JSON."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        send.send(model_distribution(path, seed, runs).to_json())
    finally:
        send.close()
