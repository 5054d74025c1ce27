from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sim.errors import ScenarioError
from sim.scenario.loader import load_scenario, load_scenario_checked
from sim.scenario.variants import VariantDocument, read_scenario_document

TINY = Path(__file__).resolve().parent / "testdata" / "tiny"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``base.yaml`` (the tiny scenario) and its source, with an empty ``variants/`` beside."""
    shutil.copy(TINY / "tiny.yaml", tmp_path / "base.yaml")
    shutil.copy(TINY / "source.txt", tmp_path / "source.txt")
    (tmp_path / "variants").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def _variant(tree: Path, text: str, name: str = "variants/v.yaml") -> Path:
    """Write a variant and return its path relative to the tree (the working directory)."""
    return _write(tree / name, text).relative_to(tree)


def _problems(path: Path | str) -> list[str]:
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    return [str(p) for p in error.value.problems]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


SOFTER_NORTH = """
    extends: ../base.yaml
    actors:
      - id: north
        stances:
          toll:
            position: 35
            assumption: North softens after the drought.
"""


def test_overriding_one_stance_changes_only_that_stance(tree: Path) -> None:
    base = load_scenario("base.yaml").model_dump()
    merged = load_scenario(_variant(tree, SOFTER_NORTH)).model_dump()
    toll = merged["actors"][0]["stances"]["toll"]
    before = base["actors"][0]["stances"]["toll"]
    assert toll["position"] == 35
    assert toll["assumption"] == "North softens after the drought."
    assert toll["cites"] == (), "the base's quote for the old position is dropped"
    assert toll["salience"] == before["salience"]
    assert toll["uncertainty"] == before["uncertainty"]
    assert toll["red_line"] == before["red_line"], "the red line keeps its own quote"
    merged["actors"][0]["stances"]["toll"] = before
    assert merged == base


def test_a_changed_value_without_new_evidence_is_located_in_the_variant(tree: Path) -> None:
    path = _variant(
        tree,
        """
        extends: ../base.yaml
        actors:
          - id: north
            stances:
              toll: {position: 35}
        """,
    )
    assert _problems(path) == [
        "variants/v.yaml:5:14: actors.0.stances.toll.position: changes a record whose evidence is"
        " in base.yaml:38; give this record its own `cites` or `assumption` (they replace the"
        " base's)"
    ]


def test_repeating_a_base_value_needs_no_new_evidence(tree: Path) -> None:
    path = _variant(
        tree,
        """
        extends: ../base.yaml
        actors:
          - id: north
            stances:
              toll: {position: 20, salience: 0.8}
        """,
    )
    assert load_scenario(path) == load_scenario("base.yaml")


def test_an_error_in_a_variant_value_is_located_in_the_variant_file(tree: Path) -> None:
    path = _variant(
        tree,
        """
        extends: ../base.yaml
        actors:
          - id: north
            stances:
              toll: {salience: 2, assumption: Cares a lot.}
          - id: west
            capability: 1
            stances: {}
        """,
    )
    assert _problems(path) == [
        "variants/v.yaml:5:14: actors.0.stances.toll.salience: Input should be less than or equal"
        " to 1 (got 2)",
        "variants/v.yaml:6:5: actors.1.name: missing required key 'name'",
    ]


def test_an_error_in_a_base_value_is_located_in_the_base_file_at_its_own_index(
    tree: Path,
) -> None:
    _edit(
        tree / "base.yaml", "    rounds: 3\n    form: written", "    rounds: 99\n    form: written"
    )
    path = _variant(
        tree,
        """
        extends: ../base.yaml
        remove:
          venues: [first]
        """,
    )
    assert _problems(path) == [
        "base.yaml:109:5: venues.1.rounds: Input should be less than or equal to 50 (got 99)"
    ]


def test_a_reference_the_variant_removed_is_reported_where_the_base_makes_it(tree: Path) -> None:
    path = _variant(
        tree,
        """
        extends: ../base.yaml
        remove:
          actors: [east]
        """,
    )
    problems = _problems(path)
    assert problems == [
        "base.yaml:99:34: venues.0.participants.2: unknown actor 'east'; known: north, south",
        "base.yaml:107:34: venues.1.participants.2: unknown actor 'east'; known: north, south",
    ]


def test_remove_deletes_records_by_id_and_by_actor(tree: Path) -> None:
    path = _variant(
        tree,
        """
        extends: ../base.yaml
        remove:
          shocks: [drought]
          vetoes: [north]
          escalation.responses: [embargo]
          escalation.options: [south]
          outcomes: [fighting]
          venues: [second]
        """,
    )
    scenario, quotes = load_scenario_checked(path)
    assert scenario.shocks == ()
    assert scenario.vetoes == ()
    assert scenario.escalation is not None
    assert (scenario.escalation.options, scenario.escalation.responses) == ((), ())
    assert [o.id for o in scenario.outcomes] == ["toll-deal", "high-dam"]
    assert [v.id for v in scenario.venues] == ["first"]
    assert (quotes.verified, quotes.total) == (4, 4)


def test_an_unknown_remove_id_or_section_is_located_in_the_variant(tree: Path) -> None:
    path = _variant(
        tree,
        """
        extends: ../base.yaml
        remove:
          actors: [east, west]
          waypoints: [x]
          shocks: drought
        """,
    )
    assert _problems(path) == [
        "variants/v.yaml:3:18: remove.actors.1: no id 'west' in the base's actors; known: east,"
        " north, south",
        "variants/v.yaml:4:3: remove.waypoints: cannot remove from 'waypoints'; removable: issues,"
        " actors, vetoes, venues, shocks, outcomes, primary, scenario.sources,"
        " escalation.options, escalation.responses, uncertainties",
        "variants/v.yaml:5:3: remove.shocks: give a list of ids",
    ]


def test_remove_without_extends_is_an_error(tree: Path) -> None:
    _edit(tree / "base.yaml", "issues:\n", "remove: {shocks: [drought]}\nissues:\n")
    assert _problems("base.yaml") == [
        "base.yaml:15:1: remove: `remove` deletes records of the file a variant `extends`;"
        " give `extends`"
    ]


def test_a_cycle_of_extends_is_located_at_the_extends_that_closes_it(tree: Path) -> None:
    _write(tree / "a.yaml", "extends: variants/b.yaml\n")
    _write(tree / "variants" / "b.yaml", "scenario: {id: b}\nextends: ../a.yaml\n")
    assert _problems("a.yaml") == [
        "variants/b.yaml:2:1: extends: `extends` makes a cycle: a.yaml → variants/b.yaml → a.yaml"
    ]


def test_a_file_extending_itself_is_a_cycle(tree: Path) -> None:
    _write(tree / "self.yaml", "extends: ./self.yaml\n")
    assert _problems("self.yaml") == [
        "self.yaml:1:1: extends: `extends` makes a cycle: self.yaml → self.yaml"
    ]


@pytest.mark.parametrize(
    ("extends", "message"),
    [
        (
            "nowhere.yaml",
            "cannot extend 'nowhere.yaml': no such file (the path is relative to this file)",
        ),
        ("[a, b]", "`extends` takes the path of the scenario this file varies"),
        ("''", "`extends` takes the path of the scenario this file varies"),
    ],
)
def test_a_bad_extends_is_located_at_its_key(tree: Path, extends: str, message: str) -> None:
    _write(tree / "v.yaml", f"scenario: {{id: v}}\nextends: {extends}\n")
    [problem] = _problems("v.yaml")
    assert problem.startswith(f"v.yaml:2:1: extends: {message}")


def test_a_base_that_is_not_a_mapping_is_reported_in_the_base(tree: Path) -> None:
    _write(tree / "list.yaml", "- a\n- b\n")
    _write(tree / "v.yaml", "extends: list.yaml\n")
    assert _problems("v.yaml") == ["list.yaml:1:1: a scenario file is a YAML mapping"]


def test_a_chain_merges_in_order_and_locates_each_error_in_its_own_file(tree: Path) -> None:
    _variant(tree, SOFTER_NORTH, "variants/middle.yaml")
    top = _variant(
        tree,
        """
        extends: middle.yaml
        scenario: {id: top}
        actors:
          - id: south
            stances:
              toll: {position: 60, assumption: South gives a little.}
        """,
        "variants/top.yaml",
    )
    scenario = load_scenario(top)
    assert scenario.id == "top"
    stances = {a.id: a.stances["toll"].position for a in scenario.actors}
    assert stances == {"north": 35, "south": 60, "east": 40}
    _edit(tree / "variants" / "middle.yaml", "position: 35", "position: 350")
    assert _problems(top) == [
        "variants/middle.yaml:6:9: actors.0.stances.toll.position: Input should be less than or"
        " equal to 100 (got 350)"
    ]


def test_new_records_are_appended_and_sources_resolve_against_their_own_file(tree: Path) -> None:
    _write(tree / "variants" / "texts" / "extra.txt", "The western delegation wants a low toll.\n")
    path = _variant(
        tree,
        """
        extends: ../base.yaml
        scenario:
          sources:
            - {id: extra, file: texts/extra.txt, title: West, outlet: Wire, date: 2030-01-02}
        actors:
          - id: west
            name: West
            capability: 0.1
            stances:
              toll:
                position: 10
                salience: 0.6
                cites: [{source: extra, quote: wants a low toll}]
              dam: {position: 50, salience: 0.2, assumption: Indifferent.}
        venues:
          - id: first
            participants: [north, south, east, west]
        """,
    )
    scenario, quotes = load_scenario_checked(path)
    assert [a.id for a in scenario.actors] == ["north", "south", "east", "west"]
    assert [s.id for s in scenario.scenario.sources] == ["wire", "extra"]
    assert scenario.venues[0].participants == ("north", "south", "east", "west")
    assert scenario.venues[1].participants == ("north", "south", "east")
    assert (quotes.verified, quotes.total) == (7, 7)


def test_a_variants_source_must_lie_inside_the_variants_folder(tree: Path) -> None:
    path = _variant(
        tree,
        """
        extends: ../base.yaml
        scenario:
          sources:
            - {id: wire, file: ../source.txt}
        """,
    )
    assert _problems(path) == [
        "variants/v.yaml:4:18: scenario.sources.0.file: '../source.txt' lies outside the folder"
        " of the file naming it"
    ]


def test_vetoes_and_escalation_options_merge_by_actor(tree: Path) -> None:
    path = _variant(
        tree,
        """
        extends: ../base.yaml
        vetoes:
          - {actor: north, issues: [toll, dam], assumption: North now blocks the dam too.}
        escalation:
          options:
            - {actor: south, prevail: 0.2, assumption: South lost an ally.}
        """,
    )
    scenario = load_scenario(path)
    assert len(scenario.vetoes) == 1
    assert scenario.vetoes[0].issues == ("toll", "dam")
    assert scenario.vetoes[0].cites == ()
    assert scenario.escalation is not None
    [option] = scenario.escalation.options
    assert (option.prevail, option.prevail_uncertainty, option.opponents) == (0.2, 0.1, ("north",))


def test_a_new_record_repeating_an_id_is_a_duplicate_in_the_variant(tree: Path) -> None:
    path = _variant(
        tree,
        """
        extends: ../base.yaml
        shocks:
          - id: drought
            probability: 0.4
            assumption: Drier years.
          - id: drought
            description: Another drought.
            probability: 0.3
            window: {start: 2030-02-01, end: 2030-02-20}
            effects: [{parameter: salience, actor: north, issue: dam, change: 0.2}]
            assumption: Even drier.
        """,
    )
    assert _problems(path) == ["variants/v.yaml:6:5: shocks.1.id: duplicate id 'drought'"]


def test_the_merged_document_traces_each_value_to_its_file(tree: Path) -> None:
    document = read_scenario_document(_variant(tree, SOFTER_NORTH))
    assert isinstance(document, VariantDocument)
    variant, _ = document.trace(("actors", 0, "stances", "toll", "position"))
    base, path = document.trace(("actors", 0, "stances", "toll", "salience"))
    assert (variant.file, base.file) == ("variants/v.yaml", "base.yaml")
    assert path == ("actors", 0, "stances", "toll", "salience")
    assert (
        document.origin(("scenario", "sources", 0, "file")).resolve()
        == (tree / "base.yaml").resolve()
    )
    data: Any = document.data
    assert "extends" not in data and "remove" not in data


def test_evidence_is_required_of_the_innermost_record_that_carries_it(tree: Path) -> None:
    path = _variant(
        tree,
        """
        extends: ../base.yaml
        actors:
          - id: north
            capability: 0.9
            stances:
              toll:
                red_line: {max: 60}
        """,
    )
    assert _problems(path) == [
        "variants/v.yaml:4:5: actors.0.capability: changes a record whose evidence is in"
        " base.yaml:33; give this record its own `cites` or `assumption` (they replace the base's)",
        "variants/v.yaml:7:20: actors.0.stances.toll.red_line.max: changes a record whose evidence"
        " is in base.yaml:45; give this record its own `cites` or `assumption` (they replace the"
        " base's)",
    ]


def test_emptying_a_section_by_removal_is_located_at_the_removal(tree: Path) -> None:
    path = _variant(
        tree,
        """
        extends: ../base.yaml
        remove:
          outcomes: [toll-deal, high-dam, fighting]
        """,
    )
    assert _problems(path) == [
        "variants/v.yaml:3:3: remove.outcomes: Tuple should have at least 1 item after validation,"
        " not 0"
    ]


def test_the_documented_variant_example_validates(tree: Path) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "scenario-format.md").read_text()
    example = doc.split("```yaml\nextends: ", 1)[1].split("```", 1)[0]
    shutil.copy(tree / "base.yaml", tree / "tiny.yaml")
    path = _variant(tree, "extends: " + example)
    scenario = load_scenario(path)
    assert scenario.id == "tiny-soft-north"
    assert [a.id for a in scenario.actors][-1] == "west"
    assert scenario.shocks == ()
