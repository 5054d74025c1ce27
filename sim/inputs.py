"""Reading input files safely: only regular files below a stated size, never blocking.

A FIFO, a device or a directory is refused at once with the reason, and at most the limit plus
one byte is ever read, so neither ``/dev/zero`` nor a named pipe can hang or exhaust the tool.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from sim.errors import NegsimError

MIB = 1 << 20
"""One mebibyte: input limits are stated in it."""


class InputFileError(NegsimError):
    """An input path that is not a readable regular file of acceptable size."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def file_kind(mode: int) -> str:
    """What a file of *mode* (from ``stat``) is, in words."""
    kinds = (
        (stat.S_ISREG, "a regular file"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def size_text(limit: int) -> str:
    """A byte count as people read it: ``4 MiB`` or ``512 bytes``."""
    return f"{limit // MIB} MiB" if limit >= MIB and limit % MIB == 0 else f"{limit} bytes"


def read_input(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file at *path*, which must hold at most *limit* bytes.

    Why: a FIFO would block forever and ``/dev/zero`` would be read until memory runs out. The
    path is checked to be a regular file before it is opened, it is opened without blocking, and
    the open file is checked again (so a swap in between is caught); at most *limit* + 1 bytes
    are ever read.

    Raises:
        InputFileError: the path is missing, unreadable, not a regular file or too large.
    """
    too_large = f"is larger than the {size_text(limit)} limit for this kind of file"
    try:
        before = os.stat(path)  # noqa: PTH116 (the same calls as the fstat below)
        if not stat.S_ISREG(before.st_mode):
            raise InputFileError(path, f"is {file_kind(before.st_mode)}, not a regular file")
        if before.st_size > limit:
            raise InputFileError(path, too_large)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise InputFileError(path, f"cannot read the file: {error.strerror}") from None
    try:
        now = os.fstat(fd)
        if (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
            raise InputFileError(path, "was replaced while it was opened; try again")
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(MIB, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise InputFileError(path, too_large)
    except OSError as error:
        raise InputFileError(path, f"cannot read the file: {error.strerror}") from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_stream(stream: BinaryIO, name: str, limit: int) -> bytes:
    """At most *limit* bytes of an open stream (standard input); more is refused."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputFileError(name, f"is larger than the {size_text(limit)} limit")
    return data
