"""The command line, through ``khabar.cli.main`` (the function the ``khabar`` script runs)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from khabar import __version__
from khabar.cli import main
from khabar.io import load_project
from khabar.schema.labels import SPLITS
from khabar.schema.model import Document
from khabar.views.stats import corpus_stats

FINDING = re.compile(r"^\S+:\d+: (error|warning)\[[a-z0-9-]+\] ")
SUMMARY = re.compile(r"^khabar: FAILED: (\d+) error\(s\), (\d+) warning\(s\)$")


@pytest.fixture(scope="module")
def first_document(project_root: Path) -> Document:
    return min(load_project(root=project_root).documents, key=lambda d: d.id)


def test_cli_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"khabar {__version__}"


def test_cli_validate_passes_on_the_repository(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(project_root), "validate"]) == 0
    out = capsys.readouterr().out
    assert "khabar: ok: 0 error(s)" in out


def _word_occurring_twice(doc: Document) -> str:
    counts = Counter(t.text for t in doc.tokens if t.text.isalpha() and len(t.text) > 3)
    return next(word for word, n in counts.most_common() if n >= 2)


@pytest.mark.parametrize("nth", [1, 2])
def test_cli_locate_prints_offsets_that_slice_the_text(project_root: Path, first_document: Document, nth: int, capsys: pytest.CaptureFixture[str]) -> None:
    word = _word_occurring_twice(first_document)
    assert main(["--root", str(project_root), "locate", word, "--doc", first_document.id, "--nth", str(nth)]) == 0
    hit = json.loads(capsys.readouterr().out)
    assert first_document.text[hit["start"] : hit["end"]] == word == hit["text"]
    starts = [t.start for t in first_document.tokens if t.text == word]
    assert hit["start"] == starts[nth - 1]
    assert hit["occurrences"] == len(starts)


def test_cli_locate_missing_string_fails_cleanly(project_root: Path, first_document: Document, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(project_root), "locate", "no such words in the text, surely", "--doc", first_document.id]) == 1
    captured = capsys.readouterr()
    assert "occurs 0 time(s)" in captured.err and "Traceback" not in captured.err


def test_cli_stats_json_matches_the_corpus(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(project_root), "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    docs = load_project(root=project_root).documents
    assert stats["total"] == json.loads(json.dumps(corpus_stats(docs)))
    assert stats["splits"] == json.loads(json.dumps({s: corpus_stats([d for d in docs if d.split == s]) for s in SPLITS if any(d.split == s for d in docs)}))


def test_cli_stats_per_split(split_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = {d.id: d for d in load_project(root=split_project).documents}
    assert main(["--root", str(split_project), "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert list(stats["splits"]) == ["dev", "test"]
    assert stats["splits"]["dev"] == json.loads(json.dumps(corpus_stats([docs["talks-dev"]])))
    assert stats["total"]["mentions"] == stats["splits"]["dev"]["mentions"] + stats["splits"]["test"]["mentions"] == 2 * len(docs["talks"].mentions)
    assert main(["--root", str(split_project), "stats", "--json", "--split", "test"]) == 0
    only = json.loads(capsys.readouterr().out)
    assert list(only["splits"]) == ["test"] and only["total"] == stats["splits"]["test"] and only["total"]["documents"] == 1
    assert main(["--root", str(split_project), "stats"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["test", "dev", "total"]  # the held-out split first
    assert next(line for line in lines if line.startswith("mentions ")).split()[1:] == [str(len(docs["talks"].mentions))] * 2 + [
        str(stats["total"]["mentions"])
    ]
    assert main(["--root", str(split_project), "stats", "--sentences", "--split", "dev"]) == 0
    assert {line.split("\t")[0] for line in capsys.readouterr().out.splitlines()} == {"talks-dev"}


def test_cli_build_writes_and_loads_back(tiny_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out" / "khabar"
    assert main(["--root", str(tiny_project), "build", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert f"version {manifest['version']}" in printed
    for config, splits in manifest["rows"].items():
        for split, rows in splits.items():
            assert (f"{config!r}, split={split!r}): {rows} rows" in printed) == bool(rows)


def test_cli_build_prints_rows_per_config_per_split(split_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "khabar"
    assert main(["--root", str(split_project), "build", "--out", str(out), "--no-baselines"]) == 0
    printed = capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for config, splits in manifest["rows"].items():
        assert set(splits) == set(SPLITS)
        for split, rows in splits.items():
            assert rows > 0 and f"{config!r}, split={split!r}): {rows} rows" in printed


def test_cli_corrupt_project_reports_findings_not_a_traceback(tiny_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    annotation = next((tiny_project / "annotations").glob("*.yaml"))
    text = annotation.read_text(encoding="utf-8")
    annotation.write_text(text.replace("kind: NAM", "kind: NAME", 1).replace("type: PERSON", "type: PERSONA", 1), encoding="utf-8")
    for command in (["validate", "--no-gx"], ["build", "--out", str(tiny_project / "dist")], ["stats"]):
        assert main(["--root", str(tiny_project), *command]) == 1
        captured = capsys.readouterr()
        lines = captured.err.strip().splitlines()
        findings = [line for line in lines if FINDING.match(line)]
        assert len(findings) >= 2 and all(line.startswith(f"annotations/{annotation.name}:") for line in findings)
        summary = SUMMARY.match(lines[-1])
        assert summary and int(summary[1]) == len(findings)
        assert "Traceback" not in captured.out + captured.err
    assert not (tiny_project / "dist").exists()


def test_cli_stats_sentences_lists_the_evidence_indices(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = load_project(root=project_root).documents
    assert main(["--root", str(project_root), "stats", "--sentences"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == sum(len(d.sentences) for d in docs)
    by_id = {d.id: d for d in docs}
    for doc_id, index, span, text in rows:
        start, end = (int(x) for x in span.split("-"))
        doc = by_id[doc_id]
        assert doc.text[start:end] == text and doc.sentences[int(index)].start == start


def test_cli_stats_sentences_escapes_a_tab_in_a_sentence(tiny_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A sentence holding a tab stays one row of four tab-separated columns: the tab is shown as an escape."""
    text = tiny_project / "corpus" / "talks.txt"
    text.write_text(text.read_text(encoding="utf-8").rstrip("\n") + "\nIt rained\tall day.\n", encoding="utf-8")
    assert main(["--root", str(tiny_project), "stats", "--sentences"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert {len(row) for row in rows} == {4} and rows[-1][3] == "It rained\\tall day."


@pytest.mark.parametrize(
    "argv", [["stats", "--sentences", "--doc", "nosuch"], ["stats", "--sentences", "--split", "dev", "--doc", "talks"]], ids=["unknown", "other-split"]
)
def test_cli_stats_sentences_of_no_document_is_a_finding(tiny_project: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(tiny_project), *argv]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "--doc:1: error[file-missing]" in captured.err and "found none" in captured.err


@pytest.mark.parametrize("repo_id", ["org/name\nforged", "org", "org/na me", "../name", "org/name/extra"])
def test_cli_publish_refuses_a_repo_id_that_is_no_hub_id(repo_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["publish", "--repo-id", repo_id, "--dry-run"])
    err = capsys.readouterr().err
    assert raised.value.code == 2 and "expected ORG/NAME" in err and "\nforged" not in err


def _refused_path(tmp_path: Path) -> Path:
    """A path under a regular file: no command can make a folder there."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    return blocker / "out"


@pytest.mark.parametrize(
    "command",
    [
        ["build", "--no-baselines", "--no-load", "--out", "{out}"],
        ["validate", "--no-gx", "--report", "{out}"],
        ["export", "--format", "brat", "--no-gx", "--out", "{out}"],
        ["baseline", "string-match-coref", "--out", "{out}/pred.jsonl"],
    ],
    ids=["build", "validate-report", "export", "baseline"],
)
def test_cli_unusable_output_path_is_an_io_error_not_a_traceback(
    tiny_project: Path, tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = _refused_path(tmp_path)
    assert main(["--root", str(tiny_project), *[part.format(out=out) for part in command]]) == 1
    err = capsys.readouterr().err
    assert "error[io-error]" in err and "Traceback" not in err
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "not a folder\n"  # nothing lost


@pytest.mark.parametrize(
    "argv, check, text",
    [
        (["--root", "{missing}", "validate", "--no-gx"], "file-missing", "found no corpus/ folder"),
        (["evaluate", "--gold", "{missing}", "--pred", "{pred}"], "file-missing", "found no corpus/ folder"),
        (["--root", "{project}", "evaluate", "--pred", "{missing}"], "pred-json", "found none that can be read"),
        (["--root", "{project}", "evaluate", "--pred", "{latin1}"], "pred-json", "not UTF-8"),
        (["--root", "{project}", "locate", "Iran", "--doc", "nosuch"], "file-missing", "found neither"),
        (["--root", "{project}", "agree", "{missing}", "{project}/annotations"], "file-missing", "expected an annotation folder"),
        (["--root", "{project}", "import", "brat", "{missing}", "--out", "{tmp}/imported"], "brat-syntax", "found none"),
        (["--root", "{project}", "import", "brat", "{tmp}", "--out", "{tmp}/imported"], "brat-syntax", "expected brat documents"),
    ],
    ids=[
        "validate-no-project",
        "evaluate-no-gold",
        "evaluate-no-pred",
        "evaluate-pred-not-utf8",
        "locate-no-document",
        "agree-no-folder",
        "import-no-folder",
        "import-empty-folder",
    ],
)
def test_cli_wrong_input_path_is_a_finding(
    tiny_project: Path, tmp_path: Path, argv: list[str], check: str, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pred.jsonl").write_text('{"id": "talks"}\n', encoding="utf-8")
    (tmp_path / "latin1.jsonl").write_bytes('{"id": "caf\u00e9"}\n'.encode("latin-1"))
    paths = {"missing": tmp_path / "missing", "pred": tmp_path / "pred.jsonl", "latin1": tmp_path / "latin1.jsonl", "project": tiny_project, "tmp": tmp_path}
    assert main([part.format(**paths) for part in argv]) == 1
    err = capsys.readouterr().err
    assert f"error[{check}]" in err and text in err and "Traceback" not in err


def test_cli_agree_refuses_a_pass_with_an_unreadable_file(tiny_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    second = tmp_path / "second"
    shutil.copytree(tiny_project / "annotations", second)
    broken = next(second.glob("*.yaml"))
    broken.write_text(broken.read_text(encoding="utf-8").replace("kind: NAM", "kind: NAME", 1), encoding="utf-8")
    assert main(["--root", str(tiny_project), "agree", str(tiny_project / "annotations"), str(second)]) == 1
    err = capsys.readouterr().err
    assert "error[label-unknown]" in err  # the document is not left out and scored as annotated empty
