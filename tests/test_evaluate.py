"""The evaluation layer: prediction checks (one fixture per check id) and scoring end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from khabar.cli import main
from khabar.evaluate import evaluate, load_gold, read_predictions, score_file
from khabar.findings import KhabarError, registry
from khabar.schema import to_row

PRED_CHECKS = sorted(c for c, spec in registry().items() if spec.group == "predictions" and c.startswith("pred-"))


@pytest.fixture(scope="module")
def gold(project_root: Path):
    return load_gold(path=project_root)


def _line(doc) -> str:
    return json.dumps(to_row(doc), ensure_ascii=False)


def _bad_file(check: str, gold, tmp_path: Path) -> tuple[Path, int]:
    """A predictions file whose second line trips ``check``; returns the file and that line."""
    doc = gold[0]
    row = to_row(doc)
    good = json.dumps({"id": doc.id, "ner": row["ner"]})
    bad = {
        "pred-json": '{"id": ',
        "pred-field": json.dumps({"id": doc.id, "mentions": [{"start": "0", "end": 3, "entity": "e"}]}),
        "pred-unknown-document": json.dumps({"id": "no-such-document"}),
        "pred-duplicate-document": good,
        "pred-offset-range": json.dumps({"id": doc.id, "ner": [{"start": 0, "end": len(doc.text) + 5, "label": "ORG"}]}),
        "pred-text-mismatch": json.dumps({"id": doc.id, "text": doc.text + " extra"}),
    }[check]
    lines = [good if check == "pred-duplicate-document" else "", bad]
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, 2


def test_evaluate_every_prediction_check_has_a_fixture() -> None:
    assert PRED_CHECKS == sorted(["pred-json", "pred-field", "pred-unknown-document", "pred-duplicate-document", "pred-offset-range", "pred-text-mismatch"])


@pytest.mark.parametrize("check", PRED_CHECKS)
def test_evaluate_bad_prediction_is_located(check: str, gold, tmp_path: Path) -> None:
    path, line = _bad_file(check, gold, tmp_path)
    _, findings = read_predictions(path=path, texts={d.id: d.text for d in gold})
    assert {f.check for f in findings} == {check}
    assert all(f.line == line and f.path == str(path) and f.message for f in findings)


@pytest.mark.parametrize("check", PRED_CHECKS)
def test_evaluate_cli_reports_bad_predictions_without_traceback(check: str, gold, tmp_path: Path, project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, line = _bad_file(check, gold, tmp_path)
    assert main(["--root", str(project_root), "evaluate", "--pred", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:{line}: error[{check}]" in err
    assert "Traceback" not in err


def _scores(results: dict) -> list[dict]:
    """Every P/R/F1 dict in a results tree."""
    found = []
    if isinstance(results, dict):
        if {"precision", "recall", "f1"} <= results.keys():
            return [results]
        for value in results.values():
            found += _scores(value)
    return found


def test_evaluate_gold_against_itself_is_perfect(gold, tmp_path: Path) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(_line(d) for d in gold) + "\n", encoding="utf-8")
    preds, findings = read_predictions(path=path, texts={d.id: d.text for d in gold})
    results = evaluate(gold=gold, predictions=preds)
    assert findings == []
    assert all(results[layer] is not None for layer in ("ner", "coref", "relations", "attributions"))
    scores = _scores(results)
    assert scores and all(s["f1"] == 1.0 for s in scores)


def test_evaluate_empty_prediction_scores_zero_recall(gold, tmp_path: Path) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(json.dumps({"id": d.id, "ner": [], "mentions": [], "relations": [], "attributions": []}) for d in gold) + "\n")
    results = score_file(gold_path=Path(__file__).resolve().parent.parent, pred_path=path)
    scores = _scores({k: results[k] for k in ("ner", "coref", "relations", "attributions")})
    assert scores and all(s["recall"] == 0.0 for s in scores)


def test_evaluate_omitted_layer_is_not_scored(gold, tmp_path: Path, project_root: Path) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(json.dumps({"id": d.id, "ner": to_row(d)["ner"]}) for d in gold) + "\n")
    results = score_file(gold_path=project_root, pred_path=path)
    assert results["ner"]["micro"]["f1"] == 1.0
    assert results["coref"] is None and results["relations"] is None and results["attributions"] is None


def test_evaluate_reads_a_built_dataset_as_gold(built: Path, gold) -> None:
    from_build = load_gold(path=built)
    assert from_build == gold


def test_evaluate_symmetric_relation_in_either_order_matches(gold, tmp_path: Path, project_root: Path) -> None:
    from khabar.schema.relations import RELATIONS

    doc = gold[0]
    row = to_row(doc)
    flipped = [dict(r, head=r["tail"], tail=r["head"]) if RELATIONS[r["label"]].symmetric else r for r in row["relations"]]
    assert flipped != row["relations"]  # the gold has a symmetric relation to flip
    path = tmp_path / "pred.jsonl"
    path.write_text(json.dumps({"id": doc.id, "mentions": row["mentions"], "relations": flipped}) + "\n")
    results = score_file(gold_path=project_root, pred_path=path)
    assert results["relations"]["relation"]["f1"] == 1.0


def test_evaluate_cli_json_output(project_root: Path, gold, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(_line(d) for d in gold) + "\n", encoding="utf-8")
    assert main(["--root", str(project_root), "evaluate", "--pred", str(path), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert results["ner"]["micro"]["f1"] == 1.0


@pytest.mark.parametrize("chunk", [1, 2, 5])
def test_evaluate_in_chunks_equals_evaluate_at_once(chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import khabar.evaluate as evaluation
    from khabar.io.project import load_project
    from khabar.synthetic import generate_corpus, perturb

    generate_corpus(root=tmp_path / "p", n=5, seed=9)
    gold = sorted(load_project(root=tmp_path / "p").documents, key=lambda d: d.id)
    path = tmp_path / "pred.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in perturb(documents=gold, seed=2)), encoding="utf-8")
    preds, findings = read_predictions(path=path, texts={d.id: d.text for d in gold})
    assert findings == []
    monkeypatch.setattr(evaluation, "CHUNK", len(gold))
    whole = evaluate(gold=gold, predictions=preds)
    monkeypatch.setattr(evaluation, "CHUNK", chunk)
    chunked = evaluate(gold=iter(gold), predictions=preds)  # a generator, read once
    assert chunked == whole and whole["documents"] == 5 and 0 < whole["coref"]["extent, with singletons"]["conll_f1"] < 1


def test_evaluate_score_file_reads_a_built_folder_like_the_project(built: Path, project_root: Path, tmp_path: Path) -> None:
    from khabar.synthetic import perturb

    path = tmp_path / "pred.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in perturb(documents=load_gold(path=project_root), seed=4)), encoding="utf-8")
    from_build = score_file(gold_path=built, pred_path=path)
    assert from_build == score_file(gold_path=project_root, pred_path=path) and from_build["documents"] == 1
    assert 0 < from_build["ner"]["micro"]["f1"] < 1


def _damage(built: Path, how: str) -> Path:
    """Damage the copied build ``built`` as ``how`` says; return the file the finding must name."""
    shard = next((built / "data" / "documents").glob("*.parquet"))
    if how == "cut-short":
        shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 2])
    elif how == "missing":
        shard.unlink()
    elif how == "added":
        extra = shard.with_name("test-00001-of-00001.parquet")
        shutil.copyfile(shard, extra)
        return extra
    elif how == "manifest":
        shard = built / "manifest.json"
        shard.write_text("{not json", encoding="utf-8")
    return shard


@pytest.mark.parametrize("how", ["cut-short", "missing", "added", "manifest"])
def test_evaluate_damaged_built_gold_is_reported_without_traceback(how: str, tiny_built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    built = Path(shutil.copytree(tiny_built, tmp_path / "khabar"))
    named = _damage(built, how)
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"id": "no-such-document"}) + "\n", encoding="utf-8")
    with pytest.raises(KhabarError) as raised:
        score_file(gold_path=built, pred_path=pred)
    assert [(f.check, f.path, f.line) for f in raised.value.findings] == [("gold-integrity", named.as_posix(), 1)]
    assert "expected" in raised.value.findings[0].message and "found" in raised.value.findings[0].message
    assert main(["evaluate", "--gold", str(built), "--pred", str(pred)]) == 1
    err = capsys.readouterr().err
    assert f"{named.as_posix()}:1: error[gold-integrity]" in err and "Traceback" not in err


def test_evaluate_built_gold_tokens_from_arrow_equal_the_rows(tiny_built: Path, built: Path) -> None:
    import pyarrow.parquet as pq

    from khabar.evaluate.gold import built_documents, gold_shards
    from khabar.schema import document_from_row

    for folder in (tiny_built, built):
        shards, found = gold_shards(folder)
        assert shards and found == []
        fast = list(built_documents(shards))
        rows = [document_from_row(row) for f in shards for row in pq.read_table(f).to_pylist()]
        assert fast == rows
        assert all(a.text is b.text for d, e in zip(fast, rows) for a, b in zip(d.tokens, e.tokens))  # interned alike
