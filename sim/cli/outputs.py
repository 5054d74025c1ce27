"""The commands' output options: checked before any work, written together or not at all.

Every output option takes a file path (its suffix must suit the format), an existing directory
(the default file name is used inside it) or ``-`` for standard output; see
:func:`sim.files.plan_output`. Two outputs may not share a place, nor overwrite an input. When an
output goes to standard output, the text meant for people goes to standard error instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from sim.analysis.stamp import Stamp
from sim.cli.common import console, error_console, print_stamped
from sim.files import Format, Output, Staging, check_distinct, plan_output


@dataclass
class Outputs:
    """The outputs one command will write, checked as they are added."""

    inputs: Sequence[Path] = ()
    """Files the command reads, which no output may replace."""
    force: bool = False
    planned: list[Output] = field(default_factory=list)
    json: bool = False
    """``--json``: the payload goes to standard output."""

    def add(self, given: Path | None, option: str, kind: Format, default: Path) -> Output:
        """Check one output option (see :func:`sim.files.plan_output`) and keep it."""
        output = plan_output(given, option=option, kind=kind, default=default, force=self.force)
        self.planned.append(output)
        check_distinct(self._with_json(), self.inputs)
        return output

    def _with_json(self) -> list[Output]:
        return [*self.planned, Output("--json", None)] if self.json else list(self.planned)

    def check(self) -> None:
        """Refuse two outputs to one place, including ``--json`` and a ``-`` output."""
        check_distinct(self._with_json(), self.inputs)

    @property
    def to_stdout(self) -> bool:
        """True when data (a ``-`` output or ``--json``) goes to standard output."""
        return self.json or any(o.path is None for o in self.planned)

    def people(self) -> Console:
        """Where tables and messages for people go: stdout, or stderr when stdout carries data."""
        return error_console() if self.to_stdout else console()

    def staging(self) -> Staging:
        """Reserve every output now (see :class:`sim.files.Staging`)."""
        return Staging(self.planned)

    def written(self) -> list[tuple[str, str]]:
        """(option, where) of every output, for the closing lines and the JSON payload."""
        return [(o.option, o.shown) for o in self.planned]

    def close(
        self,
        command: str,
        stamp: Stamp,
        payload: Mapping[str, Any],
        table: Callable[[int], str],
        names: Mapping[str, str],
    ) -> None:
        """End a command: print its ``--json`` *payload*, or else its *table* for people.

        The payload gains every output under ``outputs``; the table is drawn at the people's
        console width. Then one line says where each output went, in the words of *names*
        (option → what it holds).
        """
        people = self.people()
        if self.json:
            print_stamped(command, stamp, **payload, outputs=dict(self.written()))
        else:
            people.file.write(table(people.width))
        for option, where in self.written():
            people.print(f"{names[option]}: {where}", markup=False)
