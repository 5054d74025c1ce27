"""Read YAML into plain data plus the line and column of every key path.

This is the only module that imports the YAML parser. Parsing is ``yaml.SafeLoader``-level safe:
nothing constructs Python objects beyond plain scalars, lists and mappings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.errors import Problem, ScenarioError

KeyPath = tuple[str | int, ...]


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


def _index_marks(
    node: yaml.Node,
    path: KeyPath,
    marks: dict[KeyPath, Mark],
    duplicates: list[tuple[KeyPath, str]],
) -> None:
    marks.setdefault(path, Mark(node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.value)
            child = (*path, name)
            line = key.start_mark.line + 1
            if name in seen:
                duplicates.append(
                    (child, f"duplicate key {name!r} (first given on line {seen[name]})")
                )
                continue
            seen[name] = line
            marks[child] = Mark(line, key.start_mark.column + 1)
            _index_marks(value, child, marks, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_marks(item, (*path, index), marks, duplicates)


def _syntax_problem(file: str, error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if isinstance(error, yaml.MarkedYAMLError):
        message = " ".join(p for p in (error.context, error.problem) if p) or "invalid YAML"
    elif isinstance(error, yaml.reader.ReaderError):
        message = f"character {error.character!r} is not allowed in YAML"
        return Problem(file, 1, error.position + 1, "", message)
    else:
        message = str(error) or "invalid YAML"
    if mark is None:
        return Problem(file, 1, 1, "", f"YAML syntax: {message}")
    return Problem(file, mark.line + 1, mark.column + 1, "", f"YAML syntax: {message}")


class _Loader(yaml.SafeLoader):
    """SafeLoader whose bad timestamps become located errors instead of a bare ValueError."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"invalid date {node.value!r}: {error}", node.start_mark
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def parse_yaml(text: str, file: str, source_path: Path | None = None) -> YamlDocument:
    """Parse *text* (shown as *file* in messages) into a located document.

    Raises:
        ScenarioError: on a syntax error, a duplicate key, or an empty document.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError.single(file, "the file is empty; a scenario is a YAML mapping")
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        raise ScenarioError([_syntax_problem(file, error)]) from None
    except RecursionError:
        raise ScenarioError.single(file, "the YAML is nested too deeply") from None
    finally:
        loader.dispose()
    marks: dict[KeyPath, Mark] = {}
    duplicates: list[tuple[KeyPath, str]] = []
    _index_marks(node, (), marks, duplicates)
    document = YamlDocument(file, source_path or Path(file), data, marks)
    if duplicates:
        raise ScenarioError(document.problem(path, message) for path, message in duplicates)
    return document


def read_yaml(path: Path, shown_as: str | None = None) -> YamlDocument:
    """Read and parse the YAML file at *path*.

    Raises:
        ScenarioError: when the file cannot be read, is not UTF-8, or is not valid YAML.
    """
    file = shown_as if shown_as is not None else str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ScenarioError.single(file, f"cannot read the file: {error.strerror}") from None
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
