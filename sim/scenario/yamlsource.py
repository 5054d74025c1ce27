"""Read YAML into plain data plus the line and column of every key path.

This is the only module that imports the YAML parser. Parsing is ``yaml.SafeLoader``-level safe:
nothing constructs Python objects beyond plain scalars, lists and mappings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from sim.errors import Problem, ScenarioError
from sim.inputs import MIB, InputFileError, read_input
from sim.vocabulary import control_characters, printable

KeyPath = tuple[str | int, ...]

MAX_SCENARIO_BYTES = MIB
"""A scenario file is a regular file of at most 1 MiB (the flagship is 40 KB)."""


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its plain data and where each key path starts."""

    file: str
    """The path as it is shown in messages."""
    source_path: Path
    """Where the file is on disk (relative paths inside it resolve against its folder)."""
    data: Any
    """The document as dicts, lists and scalars."""
    marks: dict[KeyPath, Mark] = field(repr=False)
    """Key path → where that key (or sequence item) starts."""

    def locate(self, path: KeyPath) -> Mark:
        """Mark of *path*, or of its nearest ancestor present in the file."""
        while path and path not in self.marks:
            path = path[:-1]
        return self.marks.get(path, Mark(1, 1))

    def origin(self, path: KeyPath) -> Path:
        """The file the value at *path* was read from (always this one for a plain document)."""
        del path
        return self.source_path

    def problem(self, path: KeyPath, message: str) -> Problem:
        """A problem located at *path* in this document."""
        mark = self.locate(path)
        return Problem(self.file, mark.line, mark.column, dotted(path), message)


def dotted(path: KeyPath) -> str:
    """Render a key path as ``a.0.b``."""
    return ".".join(str(part) for part in path)


_MAX_VALUES = 200_000
"""More values than this after alias expansion is an error (no scenario comes near it)."""


_YAML_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = frozenset(("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge"))
"""The YAML types a scenario may hold; ``!!binary``, ``!!set``, ``!!omap``… are refused."""


class _AliasError(Exception):
    """An alias makes the data infinite or explosively large."""

    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.mark = Mark(node.start_mark.line + 1, node.start_mark.column + 1)


@dataclass
class _Index:
    """Walks a composed YAML node graph once, recording where every key path starts."""

    marks: dict[KeyPath, Mark] = field(default_factory=dict)
    duplicates: list[Problem] = field(default_factory=list)
    """Repeated keys (located at the repetition), refused tags and control characters; the
    file name is filled in later."""
    values: dict[tuple[int, int], KeyPath] = field(default_factory=dict)
    """0-based (line, column) of each value node → its key path, to locate constructor errors."""
    visited: int = 0
    active: set[int] = field(default_factory=set)
    """Nodes on the path being walked: meeting one again means an alias contains itself."""

    def check(self, node: yaml.Node, path: KeyPath) -> None:
        """Refuse tags beyond text, numbers, dates, lists and mappings, and control characters.

        Why: ``!!binary`` would pass as text, and a terminal obeys control characters.
        """
        tag = str(node.tag)
        where = (node.start_mark.line + 1, node.start_mark.column + 1)
        if tag.startswith(_YAML_TAG) and tag[len(_YAML_TAG) :] not in _PLAIN_TAGS:
            message = (
                f"the tag !!{tag[len(_YAML_TAG) :]} is not allowed; write plain text or numbers"
            )
            self.duplicates.append(Problem("", *where, printable(dotted(path)), message))
        elif isinstance(node, yaml.ScalarNode) and tag == _YAML_TAG + "str":
            found = control_characters(node.value)
            if found:
                message = f"the text holds the control character {found}; remove it"
                self.duplicates.append(Problem("", *where, printable(dotted(path)), message))

    def walk(self, node: yaml.Node, path: KeyPath) -> None:
        self.check(node, path)
        if id(node) in self.active:
            raise _AliasError(node, "an alias refers to a node that contains it")
        self.visited += 1
        if self.visited > _MAX_VALUES:
            raise _AliasError(node, f"the document expands to more than {_MAX_VALUES} values")
        self.marks.setdefault(path, Mark(node.start_mark.line + 1, node.start_mark.column + 1))
        self.values.setdefault((node.start_mark.line, node.start_mark.column), path)
        self.active.add(id(node))
        if isinstance(node, yaml.MappingNode):
            self._walk_mapping(node, path)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.walk(item, (*path, index))
        self.active.discard(id(node))

    def _walk_mapping(self, node: yaml.MappingNode, path: KeyPath) -> None:
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.value)
            child = (*path, name)
            self.check(key, child)
            line = key.start_mark.line + 1
            if name in seen:
                message = f"duplicate key {name!r} (first given on line {seen[name]})"
                column = key.start_mark.column + 1
                self.duplicates.append(Problem("", line, column, dotted(child), message))
                continue
            seen[name] = line
            self.marks[child] = Mark(line, key.start_mark.column + 1)
            self.walk(value, child)


def _syntax_problem(file: str, text: str, error: yaml.YAMLError, index: _Index) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if isinstance(error, yaml.reader.ReaderError):
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        code = error.character if isinstance(error.character, int) else ord(error.character)
        message = f"character U+{code:04X} is not allowed in YAML"
        return Problem(file, line, column, "", message)
    if isinstance(error, yaml.MarkedYAMLError):
        message = " ".join(p for p in (error.context, error.problem) if p) or "invalid YAML"
    else:
        message = str(error) or "invalid YAML"
    if mark is None:
        return Problem(file, 1, 1, "", f"YAML syntax: {message}")
    path = index.values.get((mark.line, mark.column))
    if isinstance(error, yaml.constructor.ConstructorError) and path:
        # A value that parsed but cannot be built (a bad date): name the key, as pydantic would.
        return Problem(file, mark.line + 1, mark.column + 1, dotted(path), message)
    return Problem(file, mark.line + 1, mark.column + 1, "", f"YAML syntax: {message}")


def _construct(loader: yaml.constructor.SafeConstructor, node: yaml.Node, deep: bool) -> Any:
    """Build a value, turning PyYAML's stray exceptions for a bad scalar into a located error.

    Why: PyYAML's own constructors let ValueError, KeyError or AttributeError escape for an
    explicitly tagged value they cannot convert; those are the user's typos, not our bugs.
    """
    try:
        return yaml.constructor.SafeConstructor.construct_object(loader, node, deep=deep)
    except (ValueError, KeyError, AttributeError, TypeError) as error:
        kind = str(node.tag).rsplit(":", 1)[-1]
        message = f"cannot read {node.value!r} as {kind}"
        if kind == "timestamp":
            message = f"invalid date {node.value!r}"
            if isinstance(error, ValueError):
                message += f": {error}"
        raise yaml.constructor.ConstructorError(None, None, message, node.start_mark) from None


class _Loader(yaml.SafeLoader):
    """The pure-Python SafeLoader: it words every syntax error, so errors are reported by it."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        return _construct(self, node, deep)


class _FastLoader(yaml.CSafeLoader):
    """The same SafeLoader over libyaml's parser, about ten times faster on a scenario.

    Why: the pure-Python parser takes about 0.15 s on the flagship, a third of ``negsim
    validate``. Marks (0-based line and column, in characters) are the same; a file it rejects
    is parsed again by :class:`_Loader` so that messages do not depend on libyaml.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        return _construct(self, node, deep)


_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
"""Characters the pure-Python reader rejects; a file with one always takes the slow path."""


def parse_yaml(
    text: str, file: str, source_path: Path | None = None, *, pure_python: bool = False
) -> YamlDocument:
    """Parse *text* (shown as *file* in messages) into a located document.

    Parsing uses libyaml where PyYAML has it, unless *pure_python*; either way the data, the
    marks and the messages are the same.

    Raises:
        ScenarioError: on a syntax error, a duplicate key, a self-containing or explosive alias,
            or an empty document.
    """
    fast = getattr(yaml, "__with_libyaml__", False) and not pure_python
    if fast and not _NON_PRINTABLE.search(text):
        try:
            return _parse(text, file, source_path, _FastLoader)
        except _LibyamlRejectedError:
            pass  # parse again below, so the message is the pure-Python parser's
    return _parse(text, file, source_path, _Loader)


class _LibyamlRejectedError(Exception):
    """libyaml found a syntax error; the pure-Python parser will word it."""


def _parse(
    text: str, file: str, source_path: Path | None, kind: type[_Loader] | type[_FastLoader]
) -> YamlDocument:
    index = _Index()
    loader: _Loader | _FastLoader | None = None
    try:
        loader = kind(text)  # the pure-Python reader rejects unprintable characters here
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError.single(file, "the file is empty; a scenario is a YAML mapping")
        index.walk(node, ())
        if index.duplicates:
            raise ScenarioError(replace(problem, file=file) for problem in index.duplicates)
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        if kind is _FastLoader:
            raise _LibyamlRejectedError from None
        raise ScenarioError([_syntax_problem(file, text, error, index)]) from None
    except _AliasError as error:
        mark = error.mark
        raise ScenarioError.single(file, f"YAML alias: {error}", mark.line, mark.column) from None
    except RecursionError:
        raise ScenarioError.single(file, "the YAML is nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    return YamlDocument(file, source_path or Path(file), data, index.marks)


def read_yaml(path: Path, shown_as: str | None = None) -> YamlDocument:
    """Read and parse the YAML file at *path*.

    Raises:
        ScenarioError: when the file is not a regular file of at most :data:`MAX_SCENARIO_BYTES`,
            cannot be read, is not UTF-8, or is not valid YAML.
    """
    file = shown_as if shown_as is not None else str(path)
    try:
        raw = read_input(path, MAX_SCENARIO_BYTES)
    except InputFileError as error:
        raise ScenarioError.single(file, error.reason) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise ScenarioError.single(file, "the file is not UTF-8 text", line, column) from None
    return parse_yaml(text, file, Path(path))


def dump_yaml(data: Any) -> str:
    """Render plain data as block-style YAML (used for `negsim schema` and merged variants)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
