"""docs/checks.md documents exactly the catalogue: every id once, with its level and group.

Nothing here touches the network.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from khabar.core.catalogue import CATALOGUE

DOC = Path(__file__).resolve().parent.parent / "docs" / "checks.md"
ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([a-z]+)\s*\|\s*([a-z]+)\s*\|(.*)\|\s*$")


def _rows() -> list[tuple[str, str, str, list[str]]]:
    out = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if (match := ROW.match(line)) is not None:
            rest = [cell.strip() for cell in re.split(r"(?<!\\)\|", match.group(4))]
            out.append((match.group(1), match.group(2), match.group(3), rest))
    return out


def test_checks_catalogue_doc_lists_every_id_once() -> None:
    ids = [row[0] for row in _rows()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert set(ids) == set(CATALOGUE), {"undocumented": sorted(set(CATALOGUE) - set(ids)), "not catalogued": sorted(set(ids) - set(CATALOGUE))}


def test_checks_catalogue_doc_levels_and_groups_match() -> None:
    documented = {check: (level, group) for check, level, group, _ in _rows()}
    assert documented == {check: (spec.level, spec.group) for check, spec in CATALOGUE.items() if check in documented}


def test_checks_catalogue_doc_rows_have_a_summary_and_a_finding_of_their_id() -> None:
    for check, level, _, (summary, example) in _rows():
        assert summary, check
        assert f"{level}[{check}]" in example, check


def _fixture_examples() -> list[tuple[str, str]]:
    """(check, example) of every documented check whose fixture `khabar validate` runs (release checks have their own tests)."""
    fixtures = Path(__file__).resolve().parent / "fixtures" / "checks"
    return [(check, example.strip().strip("`").strip()) for check, _, group, (_, example) in _rows() if (fixtures / check).is_dir() and group != "release"]


@pytest.mark.parametrize(("check", "example"), _fixture_examples(), ids=[check for check, _ in _fixture_examples()])
def test_checks_catalogue_doc_example_is_its_fixtures_output(check: str, example: str) -> None:
    """docs/checks.md says its examples are real output: each is a finding its fixture gives, word for word
    (``…`` marks an abridged stretch). A message lost or garbled, or a finding at the wrong place, shows."""
    from khabar.pipeline import validate

    _, found = validate(root=Path(__file__).resolve().parent / "fixtures" / "checks" / check, gx=False)
    pattern = ".*".join(re.escape(part) for part in example.split("…"))
    assert any(re.fullmatch(pattern, f.render()) for f in found), [f.render() for f in found]
