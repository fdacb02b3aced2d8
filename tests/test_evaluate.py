"""The evaluation layer: prediction checks (one fixture per check id) and scoring end to end."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import two_split_project

from khabar.cli import main
from khabar.core.findings import KhabarError, registry
from khabar.evaluate import evaluate, load_gold, read_predictions, score_file
from khabar.schema import to_row

PRED_CHECKS = sorted(c for c, spec in registry().items() if spec.group == "predictions" and c.startswith("pred-"))


@pytest.fixture(scope="module")
def gold_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with one document in each split: ``talks`` (test) and ``talks-dev`` (dev)."""
    return two_split_project(tmp_path_factory.mktemp("gold") / "project")


@pytest.fixture(scope="module")
def gold(gold_root: Path):
    """The gold of the test split, the split scored by default."""
    return load_gold(path=gold_root, split="test")


def _texts(gold) -> dict:
    return {d.id: d.text for d in gold}


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
        "pred-split": json.dumps({"id": "talks-dev", "ner": []}),  # a document of the dev split, scoring test
        "pred-label": json.dumps({"id": doc.id, "ner": [{"start": 0, "end": 3, "label": "PER"}]}),  # spaCy's PER, not the schema's PERSON
        "pred-empty": "",  # blank lines only
    }[check]
    lines = [good if check == "pred-duplicate-document" else "", bad]
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, 1 if check == "pred-empty" else 2


def test_evaluate_every_prediction_check_has_a_fixture() -> None:
    assert PRED_CHECKS == sorted(
        [
            "pred-json",
            "pred-field",
            "pred-unknown-document",
            "pred-duplicate-document",
            "pred-offset-range",
            "pred-text-mismatch",
            "pred-split",
            "pred-label",
            "pred-empty",
        ]
    )


@pytest.mark.parametrize("check", PRED_CHECKS)
def test_evaluate_bad_prediction_is_located(check: str, gold, tmp_path: Path) -> None:
    path, line = _bad_file(check, gold, tmp_path)
    _, findings = read_predictions(path=path, texts=_texts(gold), split="test", elsewhere={"talks-dev": "dev"})
    assert {f.check for f in findings} == {check}
    assert all(f.line == line and f.path == str(path) and f.message for f in findings)


@pytest.mark.parametrize("check", PRED_CHECKS)
def test_evaluate_cli_reports_bad_predictions_without_traceback(check: str, gold, tmp_path: Path, gold_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, line = _bad_file(check, gold, tmp_path)
    assert main(["--root", str(gold_root), "evaluate", "--pred", str(path)]) == 1
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
    preds, findings = read_predictions(path=path, texts=_texts(gold))
    results = evaluate(gold=gold, predictions=preds)
    assert findings == []
    assert all(results[layer] is not None for layer in ("ner", "coref", "relations", "attributions"))
    scores = _scores(results)
    assert scores and all(s["f1"] == 1.0 for s in scores)


def test_evaluate_empty_prediction_scores_zero_recall(gold, tmp_path: Path, gold_root: Path) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(json.dumps({"id": d.id, "ner": [], "mentions": [], "relations": [], "attributions": []}) for d in gold) + "\n")
    results = score_file(gold_path=gold_root, pred_path=path)
    scores = _scores({k: results[k] for k in ("ner", "coref", "relations", "attributions")})
    assert scores and all(s["recall"] == 0.0 for s in scores)


def test_evaluate_omitted_layer_is_not_scored(gold, tmp_path: Path, gold_root: Path) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(json.dumps({"id": d.id, "ner": to_row(d)["ner"]}) for d in gold) + "\n")
    results = score_file(gold_path=gold_root, pred_path=path)
    assert results["ner"]["micro"]["f1"] == 1.0
    assert results["coref"] is None and results["relations"] is None and results["attributions"] is None


@pytest.mark.parametrize("split", ["dev", "test", None])
def test_evaluate_reads_a_built_dataset_as_gold(split_built: Path, gold_root: Path, split: str | None) -> None:
    from_build = load_gold(path=split_built, split=split)
    assert sorted(from_build, key=lambda d: d.id) == load_gold(path=gold_root, split=split)
    assert from_build and {d.split for d in from_build} == ({split} if split else {"dev", "test"})


def test_evaluate_symmetric_relation_in_either_order_matches(tmp_path: Path, project_root: Path) -> None:
    from khabar.schema.relations import RELATIONS

    doc = load_gold(path=project_root)[0]  # the repository's gold has a symmetric relation
    row = to_row(doc)
    flipped = [dict(r, head=r["tail"], tail=r["head"]) if RELATIONS[r["label"]].symmetric else r for r in row["relations"]]
    assert flipped != row["relations"]  # the gold has a symmetric relation to flip
    path = tmp_path / "pred.jsonl"
    path.write_text(json.dumps({"id": doc.id, "mentions": row["mentions"], "relations": flipped}) + "\n")
    results = score_file(gold_path=project_root, pred_path=path, split=str(doc.split))
    scored = results["relations"]["relation"]  # other documents of the split, unpredicted, add to the recall's denominator only
    assert scored["precision"] == 1.0 and scored["recall_num"] == len(doc.relations)


def test_evaluate_cli_json_output(gold_root: Path, gold, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(_line(d) for d in gold) + "\n", encoding="utf-8")
    assert main(["--root", str(gold_root), "evaluate", "--pred", str(path), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert results["ner"]["micro"]["f1"] == 1.0
    assert (results["split"], results["documents"], results["missing_documents"]) == ("test", 1, 0)


@pytest.mark.parametrize("where", ["project", "built"])
def test_evaluate_prediction_outside_the_split_is_refused_and_nothing_is_scored(
    where: str, gold_root: Path, split_built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold_path = gold_root if where == "project" else split_built
    everything = {d.id: d for d in load_gold(path=gold_root)}
    path = tmp_path / "pred.jsonl"
    path.write_text(_line(everything["talks"]) + "\n" + _line(everything["talks-dev"]) + "\n", encoding="utf-8")
    for split, outside, line in (("test", "talks-dev", 2), ("dev", "talks", 1)):
        with pytest.raises(KhabarError) as raised:
            score_file(gold_path=gold_path, pred_path=path, split=split)
        assert [(f.check, f.line, f.document) for f in raised.value.findings] == [("pred-split", line, outside)]
        assert main(["evaluate", "--gold", str(gold_path), "--pred", str(path), "--split", split]) == 1
        captured = capsys.readouterr()
        assert f"{path}:{line}: error[pred-split] [{outside}]" in captured.err and captured.out == "" and "Traceback" not in captured.err


@pytest.mark.parametrize("split", ["dev", "test"])
def test_evaluate_scores_the_split_asked_for(split: str, gold_root: Path, split_built: Path, tmp_path: Path) -> None:
    docs = load_gold(path=gold_root, split=split)
    path = tmp_path / "pred.jsonl"
    path.write_text("".join(_line(d) + "\n" for d in docs), encoding="utf-8")
    for gold_path in (gold_root, split_built):
        results = score_file(gold_path=gold_path, pred_path=path, split=split)
        assert (results["split"], results["documents"], results["missing_documents"]) == (split, 1, 0)
        assert all(s["f1"] == 1.0 for s in _scores(results))


def test_evaluate_a_missing_document_of_the_split_is_scored_empty_and_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from khabar.workflow.synthetic import generate_corpus, perturb

    generate_corpus(root=tmp_path / "p", n=5, seed=11)  # one dev document, four test
    test = load_gold(path=tmp_path / "p", split="test")
    predictions = perturb(documents=test, seed=3)
    partial, explicit = tmp_path / "partial.jsonl", tmp_path / "explicit.jsonl"
    partial.write_text("".join(json.dumps(p) + "\n" for p in predictions[1:]), encoding="utf-8")
    empty = {"id": test[0].id, "ner": [], "mentions": [], "relations": [], "attributions": []}
    explicit.write_text("".join(json.dumps(p) + "\n" for p in [empty, *predictions[1:]]), encoding="utf-8")
    missing = score_file(gold_path=tmp_path / "p", pred_path=partial)
    given = score_file(gold_path=tmp_path / "p", pred_path=explicit)
    assert (missing["documents"], missing["predicted_documents"], missing["missing_documents"]) == (4, 3, 1)
    assert given["missing_documents"] == 0 and {k: v for k, v in missing.items() if k not in ("predicted_documents", "missing_documents")} == {
        k: v for k, v in given.items() if k not in ("predicted_documents", "missing_documents")
    }
    assert main(["--root", str(tmp_path / "p"), "evaluate", "--pred", str(partial)]) == 0
    assert "4 gold of the test split, 3 predicted, 1 gold document(s) without a prediction (scored as predicted empty)" in capsys.readouterr().out


@pytest.mark.parametrize("chunk", [1, 2, 5])
def test_evaluate_in_chunks_equals_evaluate_at_once(chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import khabar.evaluate as evaluation
    from khabar.io.project import load_project
    from khabar.workflow.synthetic import generate_corpus, perturb

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
    from khabar.workflow.synthetic import perturb

    split = load_gold(path=project_root)[0].split  # a split of the repository's first document
    path = tmp_path / "pred.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in perturb(documents=load_gold(path=project_root, split=split), seed=4)), encoding="utf-8")
    from_build = score_file(gold_path=built, pred_path=path, split=split)
    from_project = score_file(gold_path=project_root, pred_path=path, split=split)
    built_from, project_from = from_build.pop("provenance"), from_project.pop("provenance")  # where the gold came from differs
    assert from_build == from_project and from_build["documents"] >= 1
    assert (built_from["gold"], project_from["gold"], project_from["manifest_sha256"]) == ("built", "project", None)
    assert built_from["manifest_sha256"] == hashlib.sha256((built / "manifest.json").read_bytes()).hexdigest()
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
        assert all(a.text is b.text for d, e in zip(fast, rows, strict=True) for a, b in zip(d.tokens, e.tokens, strict=True))  # interned alike


@pytest.mark.parametrize("check", ["pred-label", "pred-empty"])
def test_evaluate_new_prediction_checks_read_as_docs_checks_md_says(check: str, gold, tmp_path: Path) -> None:
    """docs/checks.md's example of each is its fixture's finding, word for word (the path aside: the docs name a file of their own)."""
    path, _ = _bad_file(check, gold, tmp_path)
    _, findings = read_predictions(path=path, texts=_texts(gold), split="test", elsewhere={"talks-dev": "dev"})
    row = next(
        line for line in (Path(__file__).parent.parent / "docs" / "checks.md").read_text(encoding="utf-8").splitlines() if line.startswith(f"| `{check}` |")
    )
    example = row.rsplit("``", 2)[1].strip()
    assert [f.render().split(": ", 1)[1] for f in findings] == [example.split(": ", 1)[1]]
