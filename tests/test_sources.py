from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest

from sim.scenario.format import Scenario
from sim.scenario.sources import check_quotes, count_citations, iter_quotes, normalise, source_paths
from sim.scenario.yamlsource import KeyPath, read_yaml

TINY = Path(__file__).resolve().parent / "testdata" / "tiny"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(TINY / "source.txt", tmp_path / "source.txt")
    return tmp_path


def _scenario(**changes: Any) -> Scenario:
    data = copy.deepcopy(read_yaml(TINY / "tiny.yaml").data)
    data["scenario"]["sources"][0].update(changes)
    return Scenario.model_validate(data)


def _with_quote(quote: str) -> Scenario:
    data = copy.deepcopy(read_yaml(TINY / "tiny.yaml").data)
    data["vetoes"][0]["cites"][0]["quote"] = quote
    return Scenario.model_validate(data)


def _check(scenario: Scenario, folder: Path) -> tuple[int, dict[str, str]]:
    paths, missing = source_paths(scenario, lambda path: folder / "tiny.yaml")
    verified, findings = check_quotes(scenario, paths)
    return verified, {".".join(map(str, p)): m for p, m in missing + findings}


def test_normalise_collapses_whitespace_but_keeps_case() -> None:
    assert normalise("  The  river\n council\tDecides ") == "The river council Decides"


def test_every_tiny_quote_is_verified(folder: Path) -> None:
    assert _check(_scenario(), folder) == (6, {})
    assert count_citations(_scenario()) == 6


def test_a_quote_matches_across_line_breaks_and_repeated_spaces(folder: Path) -> None:
    assert _check(_with_quote("The river   council\ndecides by consensus."), folder) == (6, {})


def test_a_quote_is_compared_case_sensitively(folder: Path) -> None:
    verified, findings = _check(_with_quote("THE RIVER COUNCIL decides by consensus."), folder)
    assert verified == 5
    assert findings == {
        "vetoes.0.cites.0.quote": "the quote does not occur verbatim in source 'wire'"
    }


def test_a_mismatch_says_how_far_the_quote_matches(folder: Path) -> None:
    _, findings = _check(_with_quote("The river council decides by majority."), folder)
    assert findings["vetoes.0.cites.0.quote"].endswith(
        'it matches up to "The river council decides by " and differs from there'
    )


def test_a_blank_quote_is_not_verified(folder: Path) -> None:
    assert _check(_with_quote("  \n "), folder) == (
        5,
        {"vetoes.0.cites.0.quote": "the quote is blank"},
    )


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("absent.txt", "source file 'absent.txt' does not exist"),
        (".", "source file '.' is not a file"),
        ("../elsewhere.txt", "'../elsewhere.txt' lies outside the folder of the file naming it"),
        ("/etc/hostname", "'/etc/hostname' lies outside the folder of the file naming it"),
        ("bad\x00name.txt", "'bad\\x00name.txt' is not a usable file name: embedded null byte"),
        ("n" * 300 + ".txt", "is not a usable file name: File name too long"),
    ],
)
def test_a_source_file_must_be_a_file_inside_the_scenarios_folder(
    folder: Path, file: str, message: str
) -> None:
    verified, findings = _check(_scenario(file=file), folder)
    assert verified == 0
    assert findings["scenario.sources.0.file"].endswith(message)
    assert len(findings) == 1, "quotes of a missing source are not reported again"


def test_a_source_in_a_subfolder_resolves_against_the_declaring_file(folder: Path) -> None:
    (folder / "texts").mkdir()
    shutil.move(folder / "source.txt", folder / "texts" / "wire.txt")
    assert _check(_scenario(file="texts/wire.txt"), folder) == (6, {})


def test_a_source_that_is_not_utf8_text_is_reported(folder: Path) -> None:
    (folder / "source.txt").write_bytes(b"caf\xe9")
    assert _check(_scenario(), folder) == (
        0,
        {"scenario.sources.0.file": "not readable UTF-8 text"},
    )


def test_each_source_resolves_against_the_file_its_origin_names(tmp_path: Path) -> None:
    base, variant = tmp_path / "base", tmp_path / "variant"
    base.mkdir()
    variant.mkdir()
    shutil.copy(TINY / "source.txt", base / "source.txt")

    def origin(path: KeyPath) -> Path:
        return (base if path[2] == 0 else variant) / "scenario.yaml"

    paths, missing = source_paths(_scenario(), origin)
    assert paths == {"wire": (base / "source.txt").resolve()}
    assert missing == []


def test_iter_quotes_gives_key_path_source_and_quote_in_file_order() -> None:
    quotes = list(iter_quotes(_scenario()))
    assert quotes[0] == (
        ("actors", 0, "stances", "toll", "cites", 0),
        "wire",
        "would never accept a toll above half of the river trade",
    )
    assert [q[2] for q in quotes][-1] == "a written protocol at the second meeting"
