"""Writing output files safely (inputs are read by :mod:`sim.inputs`).

Outputs are checked before any work is done, reserved as temporary files in their folders, and
put in place together by renames, or not at all: an existing file is replaced only when asked
(``--force``), and only if it is a regular file. Every operating-system error on the way becomes
a one-line :class:`OutputError` naming the path.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

from sim.errors import NegsimError
from sim.inputs import file_kind

STDIO = "-"
"""The path that means standard output (and, where an input allows it, standard input)."""


class OutputError(NegsimError):
    """An output path that cannot be written, or a write that failed."""


@dataclass(frozen=True)
class Format:
    """A kind of output file and the suffixes its paths may end in."""

    name: str
    suffixes: tuple[str, ...]


HTML = Format("HTML", (".html", ".htm"))
CSV = Format("CSV", (".csv",))
JSON = Format("JSON", (".json",))
PARQUET = Format("Parquet", (".parquet",))


@dataclass(frozen=True, eq=False)
class Output:
    """A checked destination: a file written atomically, or standard output (``path`` None)."""

    option: str
    """The option that named it, for messages (``--output``)."""
    path: Path | None
    replace: bool = False
    """An existing regular file at *path* may be replaced (``--force``)."""

    @property
    def shown(self) -> str:
        """The destination as messages show it."""
        return "standard output" if self.path is None else str(self.path)


def next_free_path(path: Path) -> Path:
    """Return *path*, or the first of ``name-2.ext``, ``name-3.ext``… that does not exist yet."""
    if not os.path.lexists(path):
        return path
    counter = 2
    while True:
        candidate = path.with_name(f"{path.stem}-{counter}{path.suffix}")
        if not os.path.lexists(candidate):
            return candidate
        counter += 1


def _check_place(path: Path, option: str) -> None:
    """Refuse a path whose folder cannot be made or whose name is too long, before any work."""
    ancestor = path.parent
    while not os.path.lexists(ancestor) and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(f"{option} {path}: {ancestor} is not a directory")
    try:
        name_max = os.pathconf(ancestor, "PC_NAME_MAX")
        path_max = os.pathconf(ancestor, "PC_PATH_MAX")
    except (OSError, ValueError):
        name_max, path_max = 255, 4096
    for part in path.parts:
        if len(os.fsencode(part)) > name_max:
            message = f"a name of {len(os.fsencode(part))} bytes; at most {name_max} are allowed"
            raise OutputError(f"{option} {part[:40]}…: {message}")
    if len(os.fsencode(Path(path).absolute())) >= path_max:
        raise OutputError(f"{option} {path}: the path is longer than {path_max} bytes")


def plan_output(
    given: Path | str | None, *, option: str, kind: Format, default: Path, force: bool
) -> Output:
    """Check an output option before any work and say where it will write.

    * ``-``: standard output;
    * nothing: *default*, or the first free ``-2``, ``-3``… name beside it (*force*: *default*);
    * an existing directory: *default*'s file name inside it, chosen the same way;
    * anything else is a file path whose suffix must suit *kind*; an existing one is refused
      unless *force*, and *force* replaces only a regular file (never a device, FIFO, link or
      directory).

    The folder must exist or be creatable, and every name must fit the file system.

    Raises:
        OutputError: with the reason, in one line.
    """
    if given is not None and str(given) == STDIO:
        return Output(option, None)
    if given is None or os.path.isdir(given):  # noqa: PTH112 (False, not an error, for a bad name)
        target = (default.parent if given is None else Path(given)) / default.name
        if not force:
            target = next_free_path(target)
    else:
        target = Path(given)
        if target.suffix.lower() not in kind.suffixes:
            wanted = " or ".join(kind.suffixes)
            raise OutputError(
                f"{option} {target}: writes {kind.name}, so the name must end in {wanted} "
                f"(or name an existing directory, or be {STDIO} for standard output)"
            )
    _check_place(target, option)
    try:
        info: os.stat_result | None = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise OutputError(f"{option} {target}: {error.strerror}") from None
    if info is not None and not force:
        raise OutputError(f"{target}: already exists; choose another path or pass --force")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise OutputError(
            f"{option} {target}: is {file_kind(info.st_mode)}; --force replaces only regular files"
        )
    return Output(option, target, replace=force)


def _identity(path: Path) -> object:
    try:
        info = path.stat()
    except OSError:
        return str(Path(path).absolute())
    return (info.st_dev, info.st_ino)


def check_distinct(outputs: Sequence[Output], inputs: Sequence[Path] = ()) -> None:
    """Refuse two outputs to one place (two to standard output too) or an output onto an input.

    Raises:
        OutputError: naming both.
    """
    seen: dict[object, str] = {_identity(Path(p)): f"the input file {p}" for p in inputs}
    for output in outputs:
        key = STDIO if output.path is None else _identity(output.path)
        if key in seen:
            raise OutputError(
                f"{output.option} {output.shown}: also given as {seen[key]}; "
                "every output needs a place of its own"
            )
        seen[key] = f"{output.option}"


def _cannot(path: Path, error: OSError) -> OutputError:
    return OutputError(f"{path}: cannot write: {error.strerror or error}")


@dataclass
class _Reserved:
    path: Path
    temp: Path
    handle: BinaryIO
    replace: bool


@dataclass
class Staging:
    """Temporary files for a set of outputs, filled, then installed together or all removed.

    Entering reserves every file output at once (its folders made and a temporary file created
    beside it), so an unwritable place fails before any work. Leaving without :meth:`install`
    (an error, Ctrl-C, a termination signal turned into an exception) removes every temporary
    file and every folder it made. Standard output is held back and written after the files.
    """

    outputs: Sequence[Output]
    stdout: BinaryIO | None = None
    _files: dict[int, _Reserved] = field(default_factory=dict)
    _held: dict[int, io.BytesIO] = field(default_factory=dict)
    _texts: list[io.TextIOWrapper] = field(default_factory=list)
    _made: list[Path] = field(default_factory=list)
    _done: bool = False

    def __enter__(self) -> Staging:
        try:
            for output in self.outputs:
                if output.path is None:
                    self._held[id(output)] = io.BytesIO()
                else:
                    self._files[id(output)] = self._reserve(output.path, output.replace)
        except BaseException:
            self._discard()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._done:
            self._discard()

    def _reserve(self, path: Path, replace: bool) -> _Reserved:
        missing = []
        folder = path.parent
        while not os.path.lexists(folder) and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        try:
            for made in reversed(missing):
                made.mkdir()
                self._made.append(made)
            fd, temp = tempfile.mkstemp(prefix=".negsim-", suffix=".tmp", dir=path.parent)
        except OSError as error:
            raise _cannot(path, error) from None
        os.fchmod(fd, 0o644)
        return _Reserved(path, Path(temp), os.fdopen(fd, "wb"), replace)

    def handle(self, output: Output) -> BinaryIO:
        """Where *output*'s bytes go: its temporary file, or a buffer held for standard output."""
        if id(output) in self._held:
            return self._held[id(output)]
        return self._files[id(output)].handle

    def text(self, output: Output) -> TextIO:
        """A UTF-8 text stream into *output* (for a large output written while it is made)."""
        stream = io.TextIOWrapper(self.handle(output), encoding="utf-8", newline="")
        self._texts.append(stream)
        return stream

    def write(self, output: Output, data: str | bytes) -> None:
        """Add *data* to *output*: to its temporary file, or held back for standard output."""
        payload = data.encode("utf-8") if isinstance(data, str) else data
        if id(output) in self._held:
            self._held[id(output)].write(payload)
            return
        reserved = self._files[id(output)]
        try:
            reserved.handle.write(payload)
        except OSError as error:
            raise _cannot(reserved.path, error) from None

    def install(self) -> None:
        """Put every output in place, all or none.

        Files are synced and renamed into place; if one fails, those already placed are taken
        back (a replaced file is restored). Standard output is written last, so nothing reaches
        it when a file fails.

        Raises:
            OutputError: when any output cannot be written.
        """
        placed: list[tuple[_Reserved, Path | None]] = []
        for stream in self._texts:
            stream.flush()
            stream.detach()  # the file itself is closed below, once synced
        self._texts.clear()
        try:
            for reserved in self._files.values():
                _finish(reserved)
            for reserved in self._files.values():
                placed.append((reserved, _place(reserved)))
        except BaseException:
            for reserved, backup in reversed(placed):
                with suppress(OSError):
                    if backup is None:
                        reserved.path.unlink()
                    else:
                        backup.replace(reserved.path)
            raise
        finally:
            for reserved in self._files.values():
                with suppress(OSError):
                    reserved.temp.unlink()
        self._done = True
        for _, backup in placed:
            if backup is not None:
                with suppress(OSError):
                    backup.unlink()
        if self._held:
            out = self.stdout if self.stdout is not None else sys.stdout.buffer
            for held in self._held.values():
                out.write(held.getvalue())
            out.flush()

    def _discard(self) -> None:
        for stream in self._texts:
            with suppress(OSError, ValueError):
                stream.detach()
        self._texts.clear()
        for reserved in self._files.values():
            with suppress(OSError):
                reserved.handle.close()
            with suppress(OSError):
                reserved.temp.unlink()
        for made in reversed(self._made):
            with suppress(OSError):
                made.rmdir()
        self._files.clear()


def _finish(reserved: _Reserved) -> None:
    try:
        reserved.handle.flush()
        os.fsync(reserved.handle.fileno())
        reserved.handle.close()
    except OSError as error:
        raise _cannot(reserved.path, error) from None


def _place(reserved: _Reserved) -> Path | None:
    """Rename one temporary file into place; return the backup of a file it replaced."""
    path, temp = reserved.path, reserved.temp
    try:
        if reserved.replace and os.path.lexists(path):
            mode = os.lstat(path).st_mode
            if not stat.S_ISREG(mode):
                kind = file_kind(mode)
                raise OutputError(f"{path}: is now {kind}; --force replaces only regular files")
            backup = temp.with_suffix(".old")
            os.link(path, backup)
            temp.replace(path)
            return backup
        try:
            os.link(temp, path)  # fails if the name was taken meanwhile: never clobbers
        except FileExistsError:
            raise OutputError(
                f"{path}: already exists; choose another path or pass --force"
            ) from None
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.EOPNOTSUPP):
                raise
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL))  # no hard links here
            temp.replace(path)
    except OSError as error:
        raise _cannot(path, error) from None
    return None


@contextmanager
def atomic_stream(path: Path, *, overwrite: bool = False) -> Iterator[TextIO]:
    """A text file written as a stream into a temporary file beside *path*, renamed at the end.

    Why: a large output (the per-run export of a million runs) is written while it is made and
    never held in memory, yet an error or an interrupt before the end leaves nothing behind, and
    an existing file is replaced only when *overwrite* is true (and only if it is regular).
    """
    path = Path(path)
    kind = Format(path.suffix.lower() or "this", (path.suffix.lower(),))
    output = plan_output(path, option="path", kind=kind, default=path, force=overwrite)
    with Staging([output]) as staging:
        yield staging.text(output)
        staging.install()


def write_outputs(contents: Sequence[tuple[Output, str | bytes]]) -> None:
    """Write each output its content, all together or none (see :class:`Staging`)."""
    with Staging([output for output, _ in contents]) as staging:
        for output, data in contents:
            staging.write(output, data)
        staging.install()


def write_output(path: Path | None, default: Path, data: str | bytes, *, force: bool) -> Path:
    """Write one file: to *path* if given, else to a free *default* name; return where it went.

    *path* may be an existing directory (the default's name is used inside it) or ``-``
    (standard output). An existing file is replaced only with *force*, and only if regular.
    """
    suffix = (default if path is None or Path(path).is_dir() else Path(path)).suffix.lower()
    output = plan_output(
        path, option="path", kind=Format(suffix or "this", (suffix,)), default=default, force=force
    )
    write_outputs([(output, data)])
    return Path(STDIO) if output.path is None else output.path


def atomic_write(path: Path, data: str | bytes, *, overwrite: bool = False) -> Path:
    """Write *data* to the file *path* through a temporary file and a rename.

    Why: a crash or an interrupt never leaves a half-written file, and an existing file is
    replaced only when *overwrite* is true (and only if it is a regular file).
    """
    return write_output(Path(path), Path(path), data, force=overwrite)
