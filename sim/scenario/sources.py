"""The evidence check: every quote must stand verbatim in the source text it cites."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from sim.inputs import MIB, InputFileError, read_input
from sim.scenario.consistency import walk_citations
from sim.scenario.format import Scenario
from sim.scenario.yamlsource import KeyPath

Finding = tuple[KeyPath, str]
MAX_SOURCE_BYTES = 8 * MIB
"""A source text is a regular file of at most 8 MiB."""


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space (quotes are compared case-sensitively)."""
    return " ".join(text.split())


def source_paths(
    scenario: Scenario, origin: Callable[[KeyPath], Path]
) -> tuple[dict[str, Path], list[Finding]]:
    """Resolve each source file against the folder of the file that declares it.

    A source must be a file inside that folder's tree, so a scenario directory is self-contained.
    """
    resolved: dict[str, Path] = {}
    findings: list[Finding] = []
    for index, source in enumerate(scenario.scenario.sources):
        path: KeyPath = ("scenario", "sources", index, "file")
        folder = origin(path).resolve().parent
        try:
            target = (folder / source.file).resolve()
            inside, exists = target.is_relative_to(folder), target.is_file()
        except (OSError, ValueError) as error:  # a NUL byte, a name too long for the system
            reason = error.strerror if isinstance(error, OSError) else str(error)
            findings.append((path, f"{source.file!r} is not a usable file name: {reason}"))
            continue
        if not inside:
            findings.append(
                (path, f"{source.file!r} lies outside the folder of the file naming it")
            )
        elif not exists:
            what = "is not a file" if target.exists() else "does not exist"
            findings.append((path, f"source file {source.file!r} {what}"))
        else:
            resolved[source.id] = target
    return resolved, findings


def _read_texts(paths: dict[str, Path]) -> tuple[dict[str, str], dict[str, str]]:
    texts: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    for source_id, path in paths.items():
        try:
            texts[source_id] = normalise(read_input(path, MAX_SOURCE_BYTES).decode("utf-8"))
        except InputFileError as error:
            unreadable[source_id] = error.reason
        except UnicodeDecodeError:
            unreadable[source_id] = "not readable UTF-8 text"
    return texts, unreadable


def check_quotes(scenario: Scenario, paths: dict[str, Path]) -> tuple[int, list[Finding]]:
    """Check every citation against its source; return how many were verified and the failures."""
    texts, unreadable = _read_texts(paths)
    findings: list[Finding] = [
        (("scenario", "sources", _index_of(scenario, sid), "file"), reason)
        for sid, reason in unreadable.items()
    ]
    verified = 0
    for path, citation in walk_citations(scenario):
        text = texts.get(citation.source)
        if text is None:
            continue  # an unknown or missing source is reported once, elsewhere
        if not normalise(citation.quote):
            findings.append(((*path, "quote"), "the quote is blank"))
        elif normalise(citation.quote) in text:
            verified += 1
        else:
            findings.append(((*path, "quote"), _mismatch(citation.quote, text, citation.source)))
    return verified, findings


def count_citations(scenario: Scenario) -> int:
    """How many citations the scenario holds."""
    return sum(1 for _ in walk_citations(scenario))


def _index_of(scenario: Scenario, source_id: str) -> int:
    return next(i for i, s in enumerate(scenario.scenario.sources) if s.id == source_id)


def _mismatch(quote: str, text: str, source_id: str) -> str:
    """Say how much of the quote does occur, so a one-character slip is easy to find."""
    wanted = normalise(quote)
    longest = _longest_prefix_found(wanted, text)
    where = f"the quote does not occur verbatim in source {source_id!r}"
    if longest >= 10:
        return f'{where}; it matches up to "{wanted[:longest]}" and differs from there'
    return where


def _longest_prefix_found(wanted: str, text: str) -> int:
    low, high = 0, len(wanted)
    while low < high:
        middle = (low + high + 1) // 2
        if wanted[:middle] in text:
            low = middle
        else:
            high = middle - 1
    return low


def iter_quotes(scenario: Scenario) -> Iterator[tuple[KeyPath, str, str]]:
    """(key path, source id, quote) for every citation, in file order."""
    for path, citation in walk_citations(scenario):
        yield path, citation.source, citation.quote
