"""Agreement between two annotation passes, and Cohen's kappa as exact fractions."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from khabar.agreement import agreement, cohen_kappa, load_annotation_set, summary_rows
from khabar.cli import main
from khabar.io import render_annotations


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        # po = 1, pe = 1/2 -> (1 - 1/2) / (1 - 1/2) = 1
        ([("a", "a"), ("b", "b")], Fraction(1)),
        # po = 0, marginals a:1/2,b:1/2 both sides -> pe = 1/2 -> (0 - 1/2)/(1/2) = -1
        ([("a", "b"), ("b", "a")], Fraction(-1)),
        # po = 3/4; left a:3 b:1, right a:2 b:2 -> pe = (3*2 + 1*2)/16 = 1/2 -> (3/4-1/2)/(1/2) = 1/2
        ([("a", "a"), ("a", "a"), ("a", "b"), ("b", "b")], Fraction(1, 2)),
    ],
)
def test_agreement_cohen_kappa_exact(pairs: list[tuple[str, str]], expected: Fraction) -> None:
    assert cohen_kappa(pairs) == expected


@pytest.mark.parametrize("pairs", [[], [("a", "a"), ("a", "a")]])
def test_agreement_cohen_kappa_undefined(pairs: list[tuple[str, str]]) -> None:
    assert cohen_kappa(pairs) is None


def test_agreement_of_gold_with_itself_is_perfect(project_root: Path) -> None:
    gold = load_annotation_set(root=project_root, folder=project_root / "annotations")
    results = agreement(a=gold, b=gold)
    assert all(k["kappa"] == 1.0 for k in results["kappa"].values())
    assert results["mention_extents"]["f1"] == 1.0
    assert all(value.startswith("100.0") or value == "1.000" for _, _, value in summary_rows(results))


def test_agreement_detects_a_retyped_chain(project_root: Path, tmp_path: Path) -> None:
    gold = load_annotation_set(root=project_root, folder=project_root / "annotations")
    doc = gold[0]
    target = next(e for e in doc.entities if e.type == "GPE")
    changed = replace(doc, entities=tuple(replace(e, type="LOC") if e is target else e for e in doc.entities))
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / f"{doc.id}.yaml").write_text(render_annotations(changed), encoding="utf-8")
    other = load_annotation_set(root=project_root, folder=folder)
    results = agreement(a=gold, b=other)
    shared = sum(1 for m in doc.mentions if m.entity == target.id)
    assert results["kappa"]["entity type of shared mentions"]["kappa"] < 1.0
    assert results["kappa"]["entity type of shared mentions"]["items"] == len(doc.mentions)
    assert shared > 0


def test_agreement_cli_compares_the_two_passes(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    passes = project_root / "annotations" / "passes"
    assert main(["--root", str(project_root), "agree", str(passes / "first"), str(passes / "second")]) == 0
    out = capsys.readouterr().out
    assert "Coreference" in out and "Cohen's kappa" in out


def test_agreement_card_section_states_measured_figures(project_root: Path) -> None:
    from khabar.card import agreement_section

    section = agreement_section(project_root)
    a = load_annotation_set(root=project_root, folder=project_root / "annotations/passes/first")
    b = load_annotation_set(root=project_root, folder=project_root / "annotations/passes/second")
    for layer, measure, value in summary_rows(agreement(a=a, b=b)):
        assert f"| {layer} | {measure} | {value} |" in section
