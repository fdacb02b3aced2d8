"""Agreement between two annotation passes, and Cohen's kappa as exact fractions."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from khabar.cli import main
from khabar.evaluate.agreement import agreement, cohen_kappa, load_annotation_set, summary_rows
from khabar.evaluate.agreement_report import agreement_by_split
from khabar.io import render_annotations
from khabar.schema.splits import by_split


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
    assert all(value.startswith("100.0") or value.startswith("1.000 (") for _, _, value in summary_rows(results))
    assert results["mention_heads"]["f1"] == results["relation_pairs"]["f1"] == results["source_entity"]["f1"] == 1.0


def test_agreement_detects_a_retyped_chain(project_root: Path, tmp_path: Path) -> None:
    gold = load_annotation_set(root=project_root, folder=project_root / "annotations")
    doc = gold[0]
    target = next(e for e in doc.entities if e.type == "GPE")
    changed = replace(doc, entities=tuple(replace(e, type="LOC") if e is target else e for e in doc.entities))
    folder = tmp_path / "other"
    folder.mkdir()
    for d in gold:  # every document of the corpus: a folder that lacks one is refused
        (folder / f"{d.id}.yaml").write_text(render_annotations(changed if d is doc else d), encoding="utf-8")
    other = load_annotation_set(root=project_root, folder=folder)
    results = agreement(a=gold, b=other)
    shared = sum(1 for m in doc.mentions if m.entity == target.id)
    assert results["kappa"]["entity type of shared mentions"]["kappa"] < 1.0
    assert results["kappa"]["entity type of shared mentions"]["items"] == sum(len(d.mentions) for d in gold)
    assert shared > 0


def test_agreement_cli_compares_the_two_passes(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    passes = project_root / "annotations" / "passes"
    assert main(["--root", str(project_root), "agree", str(passes / "first"), str(passes / "second")]) == 0
    out = capsys.readouterr().out
    assert "Coreference" in out and "Cohen's kappa" in out


def test_agreement_card_section_states_measured_figures(project_root: Path) -> None:
    from khabar.dataset.card import agreement_section

    section = agreement_section(project_root)
    a = load_annotation_set(root=project_root, folder=project_root / "annotations/passes/first")
    b = load_annotation_set(root=project_root, folder=project_root / "annotations/passes/second")
    for docs in by_split(a).values():  # one split of the repository: its pooled column is the whole table's last
        ids = {d.id for d in docs}
        for layer, measure, value in summary_rows(agreement(a=docs, b=[d for d in b if d.id in ids])):
            assert re.search(rf"^\| {re.escape(layer)} \| {re.escape(measure)} \|.* {re.escape(value)} \|", section, re.MULTILINE)


def _passes(root: Path) -> Path:
    """Two passes over the two-split project: the second drops the first mention of each document's
    chain e2 (test: talks) and retypes a GPE chain (dev: talks-dev), so the splits disagree differently."""
    from khabar.io import load_project

    for name in ("first", "second"):
        (root / "annotations" / "passes" / name).mkdir(parents=True)
    for doc in load_project(root=root).documents:
        (root / "annotations" / "passes" / "first" / f"{doc.id}.yaml").write_text(render_annotations(doc), encoding="utf-8")
        if doc.split == "test":
            changed = replace(doc, relations=())
        else:
            gpe = next(e for e in doc.entities if e.type == "GPE")
            changed = replace(doc, entities=tuple(replace(e, type="LOC") if e is gpe else e for e in doc.entities))
        (root / "annotations" / "passes" / "second" / f"{doc.id}.yaml").write_text(render_annotations(changed), encoding="utf-8")
    return root


def test_agreement_per_split_puts_test_first_and_pools_each_split(split_project: Path) -> None:
    root = _passes(split_project)
    a = load_annotation_set(root=root, folder=root / "annotations/passes/first")
    b = load_annotation_set(root=root, folder=root / "annotations/passes/second")
    splits = agreement_by_split(a=a, b=b)
    assert [s.split for s in splits] == ["test", "dev"] and [s.documents for s in splits] == [("talks",), ("talks-dev",)]
    test, dev = splits
    assert test.pooled["relations"]["relation"]["recall"] == 0.0 and test.pooled["kappa"]["entity type of shared mentions"]["kappa"] == 1.0
    assert dev.pooled["relations"]["relation"]["f1"] == 1.0 and dev.pooled["kappa"]["entity type of shared mentions"]["kappa"] < 1.0
    assert test.per_document["talks"] == test.pooled  # one document: pooled over it is itself
    assert [s.split for s in agreement_by_split(a=a, b=b, split="dev")] == ["dev"]


def test_agreement_card_section_is_per_split_test_first_then_per_document(split_project: Path) -> None:
    from khabar.dataset.card import agreement_section

    section = agreement_section(_passes(split_project))
    header = next(line for line in section.splitlines() if line.startswith("| layer | measure |"))
    assert header == "| layer | measure | test (1 document(s)) | dev (1 document(s)) |"
    assert "| relations | labelled F1 (entities aligned through mentions) | 0.0 | 100.0 |" in section
    assert "the test figures are the honest ones" in section
    per_document = [line for line in section.splitlines() if line.startswith("| talks")]
    assert [line.split(" | ")[:2] for line in per_document] == [["| talks", "test"], ["| talks-dev", "dev"]]
    assert section.index("| layer | measure |") < section.index("| document | split |")


def test_agreement_cli_prints_per_split_and_per_document(split_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _passes(split_project)
    passes = root / "annotations" / "passes"
    assert main(["--root", str(root), "agree", str(passes / "first"), str(passes / "second")]) == 0
    out = capsys.readouterr().out
    assert out.index("=== split test:") < out.index("=== split dev:")
    assert "talks-dev" in out.split("=== split dev: per document")[1]
    assert main(["--root", str(root), "agree", str(passes / "first"), str(passes / "second"), "--split", "dev", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["split"] for s in data["splits"]] == ["dev"] and list(data["splits"][0]["per_document"]) == ["talks-dev"]


def _results(extent: float, conll: float, pairs: float, cue: float) -> dict:
    from khabar.evaluate.agreement import COREF_SETTING

    return {
        "mention_extents": {"f1": extent},
        "coref": {COREF_SETTING: {"conll_f1": conll}},
        "relation_pairs": {"f1": pairs},
        "attributions": {"exact": {"cue": {"f1": cue}}},
    }


def test_agreement_targets_table_marks_each_target_and_the_documents_below_it() -> None:
    from khabar.evaluate.agreement_report import TARGETS, SplitAgreement, targets_table

    part = SplitAgreement(
        "test", ("d1", "d2"), _results(0.95, 0.80, 0.76, 0.90), {"d1": _results(0.99, 0.90, 0.50, 0.95), "d2": _results(0.85, 0.70, 0.90, 0.80)}
    )
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]] for line in targets_table(part).splitlines()[2:]}
    assert list(rows) == [name for name, _, _ in TARGETS]
    extent, conll, pairs, cue = rows.values()
    assert extent == ["90", "95.0", "yes", "d2 (85.0)"]
    assert conll == ["85", "80.0", "**no**", "d2 (70.0)"]
    assert pairs == ["75", "76.0", "yes", "d1 (50.0)"]
    assert cue == ["90", "90.0", "yes", "d2 (80.0)"]  # a figure equal to its target meets it
