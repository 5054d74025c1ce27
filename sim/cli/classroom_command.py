"""``negsim classroom``: a local web server where several groups of students play a scenario."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import Runs, Seed, console, user_errors_exit_2
from sim.errors import NegsimError

WEB_PACKAGES = ("fastapi", "uvicorn", "multipart")


def _relative(scenario: Path, root: Path) -> str:
    path = scenario.resolve()
    if not path.is_relative_to(root):
        raise NegsimError(f"{scenario}: the scenario must lie inside the folder {root}")
    return path.relative_to(root).as_posix()


PLAIN_HTTP_WARNING = (
    "warning: --host {host} opens the classroom to the network over plain HTTP: anyone on the "
    "same network (the class Wi-Fi) can read the pages and the tokens in their links. Use it "
    "on a network you trust, and end the session when the class is over."
)


def classroom(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file, inside this folder.")],
    host: Annotated[
        str, typer.Option(help="Address to listen on; give 0.0.0.0 to open it to the network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free port).")] = 8000,
    db: Annotated[
        Path, typer.Option(help="SQLite file of the sessions, groups, seats and moves.")
    ] = Path("negsim-classroom.sqlite"),
    seed: Seed = 0,
    runs: Runs = 1000,
    new: Annotated[
        bool, typer.Option("--new", help="Start a new session even if one is unfinished.")
    ] = False,
) -> None:
    """Serve a class session: the instructor's page, the students' seats, the debrief."""
    missing = [p for p in WEB_PACKAGES if importlib.util.find_spec(p) is None]
    if missing:
        sys.stderr.write(
            "negsim classroom needs the web extra: pip install 'negsim[classroom]' "
            f"(missing: {', '.join(missing)})\n"
        )
        raise typer.Exit(code=2)
    from sim.classroom.address import LOOPBACK, bind, origins_of, shown_host
    from sim.classroom.session import Classroom
    from sim.classroom.store import Store
    from sim.classroom.web import serve

    with user_errors_exit_2():
        root = Path.cwd().resolve()
        relative = _relative(scenario, root)
        classroom = Classroom(Store(db), root)
        classroom.warm_up(relative)  # a bad scenario exits 2 before the server starts
        session = None if new else classroom.store.latest_session(relative)
        if session is None:
            session = classroom.store.new_session(relative, seed, runs)
        else:
            classroom.start_distribution(session)
        try:
            sock = bind(host, port)
        except OSError as error:
            raise NegsimError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    base, origins = origins_of(sock, shown_host(host))
    out = console()
    if host not in LOOPBACK:
        sys.stderr.write(PLAIN_HTTP_WARNING.format(host=host) + "\n")

    def ready() -> None:
        out.print(
            f"negsim classroom: {session.scenario} (session {session.id}, seed {session.seed})"
        )
        out.print(f"instructor: {base}/teach/{session.instructor_token}")
        out.print(f"students:   {base}/join/{session.join_token}")
        out.print("Ctrl-C stops the server; start it again to resume every group.")
        out.file.flush()

    serve(classroom, sock, ready, base=base, origins=origins)
