"""Reading a data file's text: a regular file of at most 1 MiB, UTF-8 (with or without a BOM).

Anything else is a located ScenarioError: a FIFO or a device is refused without being read
(see :func:`sim.inputs.read_input`).
"""

from __future__ import annotations

from pathlib import Path

from sim.errors import ScenarioError
from sim.inputs import MIB, InputFileError, read_input

MAX_DATA_BYTES = MIB
"""A data set is a regular file of at most 1 MiB."""


def read_text(path: str | Path, limit: int = MAX_DATA_BYTES) -> str:
    """The text of the regular file at *path*, at most *limit* bytes.

    Raises:
        ScenarioError: the file is not a regular file, is too large, cannot be read, or is not
            UTF-8 (located at the first bad byte).
    """
    file = str(path)
    try:
        data = read_input(path, limit)
        return data.decode("utf-8-sig")
    except InputFileError as error:
        raise ScenarioError.single(file, error.reason) from None
    except UnicodeDecodeError as error:
        at_line = data.count(b"\n", 0, error.start) + 1
        at_column = error.start - data.rfind(b"\n", 0, error.start)
        raise ScenarioError.single(file, "not UTF-8 text", at_line, at_column) from None
