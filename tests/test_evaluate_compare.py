"""Intervals, provenance, the typed result and ``khabar compare``, through the library and the CLI, and end to end
from a copied build (issue 21)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, two_split_project

import khabar
from khabar.checks.release import pyproject_version
from khabar.cli import main
from khabar.core.findings import KhabarError
from khabar.evaluate import EvaluationResult, Resampling, load_gold, score
from khabar.evaluate.compare import compare
from khabar.evaluate.result import Estimate
from khabar.schema import to_row
from khabar.scoring.layers import METRIC_VERSIONS
from khabar.scoring.resample import headlines

EXAMPLE = ROOT / "docs" / "examples" / "predictions.jsonl"


@pytest.fixture(scope="module")
def gold_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with one document in each split: ``talks`` (test) and ``talks-dev`` (dev)."""
    return two_split_project(tmp_path_factory.mktemp("gold") / "project")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A generated project (19 test documents), its test gold as predictions and a perturbed system's predictions."""
    from khabar.workflow.synthetic import generate_corpus, perturb

    root = tmp_path_factory.mktemp("synthetic") / "p"
    generate_corpus(root=root, n=24, seed=5)
    test = load_gold(path=root, split="test")
    gold, worse = root.parent / "gold.jsonl", root.parent / "worse.jsonl"
    gold.write_text("".join(json.dumps(to_row(d)) + "\n" for d in test), encoding="utf-8")
    worse.write_text("".join(json.dumps(p) + "\n" for p in perturb(documents=test, seed=1)), encoding="utf-8")
    return root, gold, worse


def _gold_file(docs: list, path: Path) -> Path:
    path.write_text("".join(json.dumps(to_row(d), ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def _intervals(results: Any) -> list[dict | None]:
    """Every ``ci`` and ``conll_f1_ci`` of a results tree."""
    found: list[dict | None] = []
    if isinstance(results, dict):
        for key, value in results.items():
            if key in ("ci", "conll_f1_ci"):
                found.append(value)
            else:
                found += _intervals(value)
    return found


def test_evaluate_score_gives_a_typed_result_with_its_provenance(gold_root: Path, tmp_path: Path) -> None:
    path = _gold_file(load_gold(path=gold_root, split="test"), tmp_path / "pred.jsonl")
    result = score(gold=gold_root, predictions=path, resampling=Resampling(resamples=30, seed=4))
    assert isinstance(result, EvaluationResult)
    assert result.scores["ner"].micro.f1 == 1.0 and result.scores["coref"]["head, without singletons"].muc.f1 == 1.0
    assert set(result.headlines) == {h.key for h in headlines(["ner", "coref", "relations", "attributions"])}
    assert all(e == Estimate(1.0, 1.0, 1.0) for e in result.headlines.values())
    p = result.provenance
    assert p is not None
    assert (p.dataset_version, p.manifest_sha256, p.gold, p.split) == (pyproject_version(gold_root)[0], None, "project", "test")
    assert (p.khabar_version, p.metrics, p.resampling) == (khabar.__version__, METRIC_VERSIONS, Resampling(resamples=30, seed=4))
    as_json = result.as_dict()
    assert as_json["provenance"]["resampling"] | {"resamples": 30, "seed": 4, "confidence": 0.95} == as_json["provenance"]["resampling"]
    assert as_json["ner"]["micro"]["ci"] == {"low": 1.0, "high": 1.0} and json.loads(json.dumps(as_json)) == as_json


def test_evaluate_cli_records_the_resampling_options_and_shows_intervals(gold_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _gold_file(load_gold(path=gold_root, split="test"), tmp_path / "pred.jsonl")
    assert main(["--root", str(gold_root), "evaluate", "--pred", str(path), "--json", "--resamples", "50", "--seed", "9"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert (results["provenance"]["resampling"]["resamples"], results["provenance"]["resampling"]["seed"]) == (50, 9)
    cis = _intervals(results)
    assert len(cis) == len(headlines(["ner", "coref", "relations", "attributions"])) and all(ci == {"low": 1.0, "high": 1.0} for ci in cis)
    assert main(["--root", str(gold_root), "evaluate", "--pred", str(path)]) == 0
    out = capsys.readouterr().out
    assert "micro                                        100.00 100.00 100.00 [100.00, 100.00]" in out
    assert "a project checkout (no manifest)" in out and "1000 resamples, seed 0" in out


@pytest.mark.parametrize(("option", "value"), [("--resamples", "0"), ("--resamples", "100001"), ("--resamples", "many"), ("--seed", "-1"), ("--seed", "²")])
def test_evaluate_cli_refuses_bad_resampling_options(option: str, value: str, gold_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--root", str(gold_root), "evaluate", "--pred", "p.jsonl", option, value])
    assert exited.value.code == 2 and f"argument {option}" in capsys.readouterr().err


def test_evaluate_compare_system_with_itself_gives_no_difference_and_p_one(synthetic: tuple[Path, Path, Path]) -> None:
    root, _, worse = synthetic
    result = compare(gold=root, a=worse, b=worse, resampling=Resampling(resamples=200))
    assert len(result.comparisons) == len(headlines(["ner", "coref", "relations", "attributions"])) and result.documents == 19
    assert all((c.difference, c.low, c.high, c.p_value) == (0.0, 0.0, 0.0, 1.0) and c.a == c.b for c in result.comparisons)


def test_evaluate_compare_clearly_better_system_has_small_p_values(synthetic: tuple[Path, Path, Path]) -> None:
    root, gold, worse = synthetic
    result = compare(gold=root, a=worse, b=gold, resampling=Resampling(resamples=500))
    evaluated = score(gold=root, predictions=worse).headlines
    for c in result.comparisons:
        assert c.b == 1.0 and c.a == evaluated[c.figure].value and c.difference == pytest.approx(1.0 - c.a)
        assert c.low is not None and c.high is not None and 0 < c.low <= c.difference <= c.high
        assert c.p_value is not None and c.p_value < 0.01


def test_evaluate_compare_reports_the_findings_of_both_files(gold_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text('{"id": \n', encoding="utf-8")
    b.write_text(json.dumps({"id": "talks", "relations": [{"label": "per:boss", "head": "e1", "tail": "e2"}]}) + "\n", encoding="utf-8")
    with pytest.raises(KhabarError) as raised:
        compare(gold=gold_root, a=a, b=b)
    assert [(f.path, f.line, f.check) for f in raised.value.findings] == [(str(a), 1, "pred-json"), (str(b), 1, "pred-label")]
    assert main(["--root", str(gold_root), "compare", str(a), str(b)]) == 1
    err = capsys.readouterr().err
    assert f"{a}:1: error[pred-json]" in err and f"{b}:1: error[pred-label]" in err and "Traceback" not in err


def test_evaluate_compare_names_the_layers_one_system_alone_gives(gold_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (doc,) = load_gold(path=gold_root, split="test")
    row = to_row(doc)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(json.dumps({"id": doc.id, "ner": row["ner"]}) + "\n", encoding="utf-8")
    b.write_text(json.dumps({"id": doc.id, "ner": row["ner"][1:], "mentions": row["mentions"]}) + "\n", encoding="utf-8")
    result = compare(gold=gold_root, a=a, b=b, resampling=Resampling(resamples=20))
    assert ([c.figure for c in result.comparisons], result.only_a, result.only_b) == (["ner micro F1"], (), ("coref",))
    assert main(["--root", str(gold_root), "compare", str(a), str(b), "--json", "--resamples", "20"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(result.as_dict())) and printed["comparisons"][0]["difference"] < 0
    assert main(["--root", str(gold_root), "compare", str(a), str(b), "--resamples", "20"]) == 0
    assert "not compared, predicted by B only: coref" in capsys.readouterr().out


def test_evaluate_example_predictions_file_is_scored(project_root: Path) -> None:
    result = score(gold=project_root, predictions=EXAMPLE, resampling=Resampling(resamples=100))
    assert (result.predicted_documents, result.missing_documents) == (1, result.documents - 1)
    assert result.scores["ner"].micro.precision == 1.0 and 0 < result.scores["ner"].micro.recall < 1
    assert set(result.scores) == {"ner", "coref", "relations", "attributions"}


def test_evaluate_end_to_end_from_a_copied_build(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from khabar.evaluate.gold import built_documents, split_shards, trusted_shards

    shutil.copytree(built, tmp_path / "khabar")  # only the build's output, away from the project
    monkeypatch.chdir(tmp_path)
    docs = list(built_documents(split_shards(trusted_shards(Path("khabar")), "test")))
    _gold_file(docs, tmp_path / "gold.jsonl")
    assert main(["evaluate", "--gold", "khabar", "--pred", "gold.jsonl", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert (results["documents"], results["missing_documents"]) == (len(docs), 0)
    cis = _intervals(results)
    assert len(cis) == len(headlines(["ner", "coref", "relations", "attributions"])) and all(ci == {"low": 1.0, "high": 1.0} for ci in cis)
    provenance = results["provenance"]
    assert provenance["manifest_sha256"] == hashlib.sha256(Path("khabar/manifest.json").read_bytes()).hexdigest()
    assert (provenance["gold"], provenance["dataset_version"]) == ("built", json.loads(Path("khabar/manifest.json").read_text())["version"])
    assert main(["compare", "--gold", "khabar", "gold.jsonl", "gold.jsonl", "--json"]) == 0
    compared = json.loads(capsys.readouterr().out)
    assert compared["provenance"] == provenance and compared["documents"] == len(docs)
    assert all((c["difference"], c["p_value"], c["a"]) == (0.0, 1.0, 1.0) for c in compared["comparisons"])
