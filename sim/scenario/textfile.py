"""Reading a data file's text: UTF-8 (with or without a BOM), or a located ScenarioError."""

from __future__ import annotations

from pathlib import Path

from sim.errors import ScenarioError


def read_text(path: str | Path) -> str:
    """The text of the file at *path*.

    Raises:
        ScenarioError: the file cannot be read, or is not UTF-8 (located at the first bad byte).
    """
    file = str(path)
    try:
        data = Path(path).read_bytes()
        return data.decode("utf-8-sig")
    except OSError as error:
        raise ScenarioError.single(file, f"cannot read the file: {error.strerror}") from None
    except UnicodeDecodeError as error:
        at_line = data.count(b"\n", 0, error.start) + 1
        at_column = error.start - data.rfind(b"\n", 0, error.start)
        raise ScenarioError.single(file, "not UTF-8 text", at_line, at_column) from None
