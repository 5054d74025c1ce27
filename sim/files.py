"""Writing output files safely: atomically, and never over an earlier file unless asked."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from sim.errors import NegsimError


def next_free_path(path: Path) -> Path:
    """Return *path*, or the first of ``name-2.ext``, ``name-3.ext``… that does not exist yet."""
    if not path.exists():
        return path
    counter = 2
    while True:
        candidate = path.with_name(f"{path.stem}-{counter}{path.suffix}")
        if not candidate.exists():
            return candidate
        counter += 1


def atomic_write(path: Path, data: str | bytes, *, overwrite: bool = False) -> Path:
    """Write *data* to *path* through a temporary file and a rename.

    Why: a crash or an interrupt never leaves a half-written report, and an existing file is
    replaced only when *overwrite* is true.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_stream(path, overwrite=overwrite) as handle:
        handle.buffer.write(payload)
    return Path(path)


@contextmanager
def atomic_stream(path: Path, *, overwrite: bool = False) -> Iterator[TextIO]:
    """A text file written as a stream into a temporary file beside *path*, renamed at the end.

    Why: a large output (the per-run export of a million runs) is written while it is made and
    never held in memory, yet an error or an interrupt before the end leaves nothing behind, and
    an existing file is replaced only when *overwrite* is true.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise NegsimError(f"{path}: already exists; choose another path or pass --force")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            Path(tmp).replace(path)
        else:
            # link() fails if the target appeared meanwhile: a concurrent writer is never clobbered.
            try:
                os.link(tmp, path)
            except FileExistsError:
                message = f"{path}: already exists; choose another path or pass --force"
                raise NegsimError(message) from None
            Path(tmp).unlink()
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_output(path: Path | None, default: Path, data: str | bytes, *, force: bool) -> Path:
    """Write to *path* if given (replacing it only with *force*), else to a free *default* name."""
    if path is not None:
        return atomic_write(path, data, overwrite=force)
    target = default if force else next_free_path(default)
    return atomic_write(target, data, overwrite=force)
