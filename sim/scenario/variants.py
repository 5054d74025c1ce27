"""Scenario variants: a file that ``extends`` another and overrides, adds or removes by id.

A variant names its base with ``extends:`` (a path relative to the variant's folder; the base may
itself be a variant). Mappings merge key by key; the record lists in :data:`MERGED_BY` merge by
id (or by actor), every other list is replaced whole; ``remove:`` deletes records from the base
before the merge. An override that changes a record the base backs with evidence must bring its
own ``cites`` or ``assumption``, which then replace the base's: a changed number never keeps an old
quote. Every merged key path remembers the file and key path it came from, so the loader locates
each problem in the file that holds the offending value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import Problem, ScenarioError
from sim.scenario.yamlsource import KeyPath, YamlDocument, dotted, read_yaml

Origin = tuple[YamlDocument, KeyPath]
"""The file a value was read from and its key path there."""

MERGED_BY: dict[KeyPath, str] = {
    ("issues",): "id",
    ("actors",): "id",
    ("vetoes",): "actor",
    ("venues",): "id",
    ("shocks",): "id",
    ("outcomes",): "id",
    ("primary",): "id",
    ("scenario", "sources"): "id",
    ("escalation", "ladder"): "id",
    ("escalation", "options"): "actor",
    ("escalation", "responses"): "id",
    ("uncertainties",): "input",
}
"""Lists of records merged item by item, and the key that identifies an item."""

REMOVABLE: tuple[str, ...] = tuple(
    dotted(path) for path in MERGED_BY if path != ("escalation", "ladder")
)
"""The sections ``remove:`` may name, dotted as in the file."""

EVIDENCE = ("cites", "assumption")
MAX_EXTENDS = 32
"""Most files an ``extends`` chain may hold, the variant itself included."""


@dataclass(frozen=True)
class VariantDocument:
    """A variant merged onto its base: plain data, each key path traced to where it was written."""

    data: Any
    """The merged document as dicts, lists and scalars, without ``extends`` and ``remove``."""
    provenance: dict[KeyPath, Origin] = field(repr=False)
    """Merged key path → the file and original key path of that value (every node is listed)."""

    def trace(self, path: KeyPath) -> Origin:
        """Where *path* was written; an absent path is traced through its nearest ancestor."""
        for cut in range(len(path), -1, -1):
            found = self.provenance.get(path[:cut])
            if found is not None:
                document, original = found
                return document, (*original, *path[cut:])
        raise AssertionError("the root path is always traced")

    def problem(self, path: KeyPath, message: str) -> Problem:
        """A problem located in the file, and at the key, that holds the value at *path*."""
        document, original = self.trace(path)
        return document.problem(original, message)

    def origin(self, path: KeyPath) -> Path:
        """The file the value at *path* was read from (relative source paths resolve against it)."""
        return self.trace(path)[0].source_path


def read_scenario_document(path: Path) -> YamlDocument | VariantDocument:
    """Read a scenario file; a variant is merged onto the file it extends.

    Raises:
        ScenarioError: when a file in the chain is unreadable, the chain is a cycle, or a variant's
            ``extends``, ``remove`` or overrides are wrong (each located in its own file).
    """
    return _read(Path(path), str(path), ())


def _read(
    path: Path, shown: str, chain: tuple[tuple[Path, str], ...]
) -> YamlDocument | VariantDocument:
    document = read_yaml(path, shown)
    data = document.data
    if not isinstance(data, dict):
        return document  # the loader reports that a scenario is a mapping
    if "extends" not in data:
        if "remove" in data:
            message = "`remove` deletes records of the file a variant `extends`; give `extends`"
            raise ScenarioError([document.problem(("remove",), message)])
        return document
    base = _read_base(document, (*chain, (_resolved(path), shown)))
    if not isinstance(base.data, dict):
        raise ScenarioError([base.problem((), "a scenario file is a YAML mapping")])
    return _Merger(document, base).merge()


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, ValueError):
        return path.absolute()


def _read_base(
    document: YamlDocument, chain: tuple[tuple[Path, str], ...]
) -> YamlDocument | VariantDocument:
    extends = document.data["extends"]
    if not isinstance(extends, str) or not extends.strip():
        message = "`extends` takes the path of the scenario this file varies, relative to this file"
        raise ScenarioError([document.problem(("extends",), message)])
    target = document.source_path.parent / extends
    shown = os.path.normpath(Path(document.file).parent / extends)
    if any(_resolved(target) == seen for seen, _ in chain):
        loop = " → ".join([*(name for _, name in chain), shown])
        raise ScenarioError([document.problem(("extends",), f"`extends` makes a cycle: {loop}")])
    if len(chain) >= MAX_EXTENDS:
        message = (
            f"the `extends` chain from {chain[0][1]} is longer than {MAX_EXTENDS} files; "
            "merge some variants into their base"
        )
        raise ScenarioError([document.problem(("extends",), message)])
    try:
        found = os.path.lexists(target)  # a FIFO or a directory is refused by the reader
    except (OSError, ValueError):
        found = False
    if not found:
        message = f"cannot extend {extends!r}: no such file (the path is relative to this file)"
        raise ScenarioError([document.problem(("extends",), message)])
    return _read(target, shown, chain)


class _Merger:
    """Merges one variant onto its (already merged) base, recording where each value came from."""

    def __init__(self, variant: YamlDocument, base: YamlDocument | VariantDocument) -> None:
        self.variant = variant
        self.base = base
        self.provenance: dict[KeyPath, Origin] = {}
        self.problems: list[Problem] = []
        self.dropped: dict[KeyPath, set[int]] = {}
        """Base list path → indices that ``remove:`` deletes."""

    def merge(self) -> VariantDocument:
        over = {k: v for k, v in self.variant.data.items() if k not in ("extends", "remove")}
        if "remove" in self.variant.data:
            self._plan_removals(self.variant.data["remove"])
        data = self._mapping(self.base.data, over, (), (), (), [])
        for section in self.dropped:
            if _get(over, section) is None:  # an emptied section is the removal's doing
                self.provenance[section] = (self.variant, ("remove", dotted(section)))
        if self.problems:
            raise ScenarioError(self.problems)
        return VariantDocument(data, self.provenance)

    def _base_origin(self, path: KeyPath) -> Origin:
        if isinstance(self.base, VariantDocument):
            return self.base.trace(path)
        return self.base, path

    def _plan_removals(self, remove: Any) -> None:
        if not isinstance(remove, dict):
            message = "`remove` maps a section to the ids to delete, e.g. `{actors: [some-id]}`"
            self.problems.append(self.variant.problem(("remove",), message))
            return
        for section, ids in remove.items():
            where: KeyPath = ("remove", section)
            if section not in REMOVABLE:
                message = f"cannot remove from {section!r}; removable: {', '.join(REMOVABLE)}"
                self.problems.append(self.variant.problem(where, message))
                continue
            if not isinstance(ids, list):
                self.problems.append(self.variant.problem(where, "give a list of ids"))
                continue
            path = tuple(section.split("."))
            key = MERGED_BY[path]
            items = _get(self.base.data, path)
            items = items if isinstance(items, list) else []
            known = [item.get(key) if isinstance(item, dict) else None for item in items]
            for index, ident in enumerate(ids):
                hits = {i for i, k in enumerate(known) if k == ident and isinstance(k, str)}
                if not hits:
                    names = ", ".join(sorted({k for k in known if isinstance(k, str)})) or "none"
                    message = f"no {key} {ident!r} in the base's {section}; known: {names}"
                    self.problems.append(self.variant.problem((*where, index), message))
                self.dropped.setdefault(path, set()).update(hits)

    def _merge(
        self,
        base: Any,
        over: Any,
        bpath: KeyPath,
        opath: KeyPath,
        out: KeyPath,
        changes: list[KeyPath],
    ) -> Any:
        if isinstance(base, dict) and isinstance(over, dict):
            return self._mapping(base, over, bpath, opath, out, changes)
        if isinstance(base, list) and isinstance(over, list) and out in MERGED_BY:
            return self._records(base, over, bpath, opath, out)
        if over != base:
            changes.append(opath)
        return self._copy_over(over, opath, out)

    def _mapping(
        self,
        base: dict[Any, Any],
        over: dict[Any, Any],
        bpath: KeyPath,
        opath: KeyPath,
        out: KeyPath,
        changes: list[KeyPath],
    ) -> dict[Any, Any]:
        evidenced = any(key in base for key in EVIDENCE)
        new_evidence = any(key in over for key in EVIDENCE)
        own: list[KeyPath] = [] if evidenced else changes
        kept = {k: v for k, v in base.items() if not (new_evidence and k in EVIDENCE)}
        result: dict[Any, Any] = {}
        for key, value in kept.items():
            if key in over:
                result[key] = self._merge(
                    value, over[key], (*bpath, key), (*opath, key), (*out, key), own
                )
            else:
                result[key] = self._copy_base(value, (*bpath, key), (*out, key))
        for key, value in over.items():
            if key in kept:
                continue
            if key not in EVIDENCE and not _is_evidenced(value):
                own.append((*opath, key))
            result[key] = self._copy_over(value, (*opath, key), (*out, key))
        if evidenced and own and not new_evidence:
            document, original = self._base_origin(bpath)
            mark = document.locate(original)
            message = (
                f"changes a record whose evidence is in {document.file}:{mark.line}; give this "
                "record its own `cites` or `assumption` (they replace the base's)"
            )
            self.problems.append(self.variant.problem(own[0], message))
        self.provenance[out] = (self.variant, opath)
        return result

    def _records(
        self, base: list[Any], over: list[Any], bpath: KeyPath, opath: KeyPath, out: KeyPath
    ) -> list[Any]:
        key = MERGED_BY[out]
        kept = [i for i in range(len(base)) if i not in self.dropped.get(bpath, set())]
        by_id: dict[str, int] = {}
        for i in kept:
            ident = base[i].get(key) if isinstance(base[i], dict) else None
            if isinstance(ident, str):
                by_id.setdefault(ident, i)
        matches: dict[int, int] = {}
        added: list[int] = []
        for j, item in enumerate(over):
            ident = item.get(key) if isinstance(item, dict) else None
            found = by_id.get(ident) if isinstance(ident, str) else None
            if found is None or found in matches:
                added.append(j)  # a new record (a repeated id is reported as a duplicate later)
            else:
                matches[found] = j
        result: list[Any] = []
        for k, i in enumerate(kept):
            if i in matches:
                j = matches[i]
                item = self._merge(base[i], over[j], (*bpath, i), (*opath, j), (*out, k), [])
            else:
                item = self._copy_base(base[i], (*bpath, i), (*out, k))
            result.append(item)
        for j in added:
            result.append(self._copy_over(over[j], (*opath, j), (*out, len(result))))
        self.provenance[out] = (self.variant, opath)
        return result

    def _copy_base(self, value: Any, bpath: KeyPath, out: KeyPath) -> Any:
        self.provenance[out] = self._base_origin(bpath)
        if isinstance(value, dict):
            return {k: self._copy_base(v, (*bpath, k), (*out, k)) for k, v in value.items()}
        if isinstance(value, list):
            dropped = self.dropped.get(bpath, set()) if out in MERGED_BY else set()
            kept = [i for i in range(len(value)) if i not in dropped]
            return [self._copy_base(value[i], (*bpath, i), (*out, k)) for k, i in enumerate(kept)]
        return value

    def _copy_over(self, value: Any, opath: KeyPath, out: KeyPath) -> Any:
        self.provenance[out] = (self.variant, opath)
        if isinstance(value, dict):
            return {k: self._copy_over(v, (*opath, k), (*out, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._copy_over(v, (*opath, i), (*out, i)) for i, v in enumerate(value)]
        return value


def _get(data: Any, path: KeyPath) -> Any:
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _is_evidenced(value: Any) -> bool:
    """A mapping carrying its own evidence is a new record, not a change to the one around it."""
    return isinstance(value, dict) and any(key in value for key in EVIDENCE)
