"""Contributor workflow: `khabar new`, `format`, `release`, unreviewed pre-annotations."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from khabar.cli import main
from khabar.core.findings import KhabarError
from khabar.pipeline import validate
from khabar.workflow.authoring import format_annotations, new_document

SPLIT_AND_LICENCE = {"split": "test", "licence": "CC0-1.0"}


def test_workflow_new_writes_every_front_matter_key(tmp_path: Path, tiny_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "t.txt"
    text.write_text("Officials met in Lisbon.", encoding="utf-8")
    args = ["--split", "dev", "--licence", "CC-BY-2.5", "--attribution", "Wikinews contributors", "--provenance", "also in GUM as GUM_news_x, split train"]
    assert main(["--root", str(tiny_project), "new", "wiki", "--text", str(text), *args]) == 0
    corpus, found = validate(root=tiny_project, gx=False)
    assert [f for f in found if f.level == "error"] == []
    doc = next(d for d in corpus.documents if d.id == "wiki")
    assert (doc.split, doc.licence, doc.attribution, doc.provenance) == ("dev", "CC-BY-2.5", "Wikinews contributors", "also in GUM as GUM_news_x, split train")
    header = (tiny_project / "corpus" / "wiki.txt").read_text(encoding="utf-8").split("---\n")[1]
    assert [line.split(":")[0] for line in header.splitlines()] == [
        "id",
        "title",
        "source",
        "url",
        "published",
        "language",
        "licence",
        "attribution",
        "split",
        "provenance",
        "seed",
    ]


@pytest.mark.parametrize(
    ("meta", "checks"),
    [
        ({"licence": "CC0-1.0"}, {"split-missing"}),
        ({"split": "train", "licence": "CC0-1.0"}, {"split-unknown"}),
        ({"split": "dev", "licence": "CC BY"}, {"licence-unknown"}),
        ({"split": "dev"}, {"licence-unknown"}),
    ],
)
def test_workflow_new_refuses_a_document_in_no_split_or_of_no_known_licence(tmp_path: Path, tiny_project: Path, meta: dict, checks: set) -> None:
    text = tmp_path / "t.txt"
    text.write_text("Some text.", encoding="utf-8")
    with pytest.raises(KhabarError) as raised:
        new_document(root=tiny_project, doc_id="fresh", text_file=text, meta=meta)
    assert {f.check for f in raised.value.findings} == checks
    assert not (tiny_project / "corpus" / "fresh.txt").exists()


def test_workflow_new_requires_split_and_licence_on_the_command_line(tmp_path: Path, tiny_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "t.txt"
    text.write_text("Some text.", encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["--root", str(tiny_project), "new", "fresh", "--text", str(text), "--licence", "CC0-1.0"])
    assert "--split" in capsys.readouterr().err and not (tiny_project / "corpus" / "fresh.txt").exists()


def test_workflow_new_normalises_and_reports(tmp_path: Path, tiny_project: Path) -> None:
    text = tmp_path / "t.txt"
    text.write_bytes("Cafe\u0301 in Lisbon.\r\nSomeone spoke.".encode())
    made = new_document(root=tiny_project, doc_id="new-doc", text_file=text, meta={"source": "Somebody", **SPLIT_AND_LICENCE})
    stored = made.corpus_path.read_text(encoding="utf-8")
    assert made.crlf_fixed == 1 and made.nfc_changed
    assert "\r" not in stored and "Caf\u00e9" in stored
    _, findings = validate(root=tiny_project, gx=False)
    assert [f for f in findings if f.level == "error"] == []


@pytest.mark.parametrize(("doc_id", "check"), [("Bad Id", "doc-id-unsafe"), ("exists", "doc-id-mismatch")])
def test_workflow_new_refuses_and_writes_nothing(tmp_path: Path, tiny_project: Path, doc_id: str, check: str) -> None:
    text = tmp_path / "t.txt"
    text.write_text("Some text.", encoding="utf-8")
    if doc_id == "exists":
        doc_id = next((tiny_project / "corpus").glob("*.txt")).stem
    before = sorted(p.name for p in (tiny_project / "corpus").iterdir())
    with pytest.raises(KhabarError) as raised:
        new_document(root=tiny_project, doc_id=doc_id, text_file=text, meta=SPLIT_AND_LICENCE)
    assert {f.check for f in raised.value.findings} == {check}
    assert sorted(p.name for p in (tiny_project / "corpus").iterdir()) == before


def test_workflow_new_rejects_non_utf8(tmp_path: Path, tiny_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "t.txt"
    text.write_bytes(b"ok line\nbad \xff byte")
    assert main(["--root", str(tiny_project), "new", "latin", "--text", str(text), "--split", "test", "--licence", "CC0-1.0"]) == 1
    assert f"{text}:2: error[file-encoding]" in capsys.readouterr().err


def test_workflow_unreviewed_is_a_warning_then_a_release_error(tiny_project: Path) -> None:
    ann = next((tiny_project / "annotations").glob("*.yaml"))
    first_id = yaml.safe_load(ann.read_text())["mentions"][0]["id"]
    ann.write_text(ann.read_text().replace("entities:", f"unreviewed: [{first_id}]\nentities:", 1))
    _, normal = validate(root=tiny_project, gx=False)
    _, strict = validate(root=tiny_project, gx=False, release=True)
    assert [(f.check, f.level) for f in normal] == [("unreviewed-annotation", "warning")]
    assert [(f.check, f.level) for f in strict] == [("unreviewed-annotation", "error")]


def test_workflow_format_check_and_rewrite(tiny_project: Path) -> None:
    ann = next((tiny_project / "annotations").glob("*.yaml"))
    canonical = ann.read_text()
    assert format_annotations(root=tiny_project, write=False) == [] or canonical
    ann.write_text(canonical.replace("entities:", "# a comment\nentities:", 1))
    assert format_annotations(root=tiny_project, write=False) == [ann]
    assert main(["--root", str(tiny_project), "format", "--check"]) == 1
    format_annotations(root=tiny_project, write=True)
    assert format_annotations(root=tiny_project, write=False) == []


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True, capture_output=True, text=True).stdout


def test_workflow_release_bumps_tags_and_refuses_dirty(tiny_project: Path, tmp_path: Path) -> None:
    from khabar.dataset.build import project_version
    from khabar.io.changelog import versions
    from khabar.workflow.release import release

    _git(tiny_project, "init", "-q")
    _git(tiny_project, "add", "-A")
    _git(tiny_project, "commit", "-qm", "init")
    old = project_version(tiny_project)
    (tiny_project / "scratch.txt").write_text("dirty")
    with pytest.raises(KhabarError) as raised:
        release(root=tiny_project, part="minor", out=tmp_path / "out")
    assert {f.check for f in raised.value.findings} == {"release-refused"}
    (tiny_project / "scratch.txt").unlink()
    made = release(root=tiny_project, part="minor", out=tmp_path / "out")
    major, minor, _ = (int(x) for x in old.split("."))
    assert made.new == f"{major}.{minor + 1}.0" == project_version(tiny_project)
    assert versions(tiny_project)[0] == made.new
    assert _git(tiny_project, "tag").split() == [made.tag]
    assert (tmp_path / "out" / "manifest.json").exists()


def test_workflow_preannotate_marks_proposals_unreviewed(tmp_path: Path, tiny_project: Path) -> None:
    """--preannotate with a pipeline built here (no downloaded model): an entity ruler saved to disk."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": "Lisbon"}, {"label": "DATE", "pattern": "Tuesday"}])
    model = tmp_path / "pipeline"
    nlp.to_disk(model)
    text = tmp_path / "t.txt"
    text.write_text("Officials met in Lisbon on Tuesday. Lisbon was calm.", encoding="utf-8")
    made = new_document(root=tiny_project, doc_id="proposed", text_file=text, meta=SPLIT_AND_LICENCE, model=str(model))
    data = yaml.safe_load(made.annotation_path.read_text(encoding="utf-8"))
    assert [m["text"] for m in data["mentions"]] == ["Lisbon", "Lisbon"]
    assert len(data["entities"]) == 1 and data["values"][0]["text"] == "Tuesday"
    assert made.proposed == len(data["unreviewed"]) == 4  # one entity, two mentions, one value
    _, normal = validate(root=tiny_project, gx=False)
    _, strict = validate(root=tiny_project, gx=False, release=True)
    assert {f.level for f in normal if f.document == "proposed"} == {"warning"}
    assert len([f for f in strict if f.level == "error" and f.check == "unreviewed-annotation"]) == 4


def test_workflow_preannotate_without_a_pipeline_is_a_clear_error(tmp_path: Path, tiny_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "t.txt"
    text.write_text("Some text.", encoding="utf-8")
    code = main(
        [
            "--root",
            str(tiny_project),
            "new",
            "x",
            "--text",
            str(text),
            "--split",
            "dev",
            "--licence",
            "CC0-1.0",
            "--preannotate",
            "--model",
            str(tmp_path / "no-such-pipeline"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "error[preannotate-model]" in err and "Traceback" not in err
    assert not (tiny_project / "corpus" / "x.txt").exists()


def test_workflow_release_refuses_a_foreign_out_folder_by_its_own_option(tiny_project: Path, tmp_path: Path) -> None:
    """`khabar release --out` into a folder of the user's own files: refused before anything is bumped, and the
    refusal names the option the user typed (`khabar release --out`), not the build's."""
    from khabar.dataset.build import project_version
    from khabar.workflow.release import release

    _git(tiny_project, "init", "-q")
    _git(tiny_project, "add", "-A")
    _git(tiny_project, "commit", "-qm", "init")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine\n", encoding="utf-8")
    old, changelog = project_version(tiny_project), (tiny_project / "CHANGELOG.md").read_bytes()
    with pytest.raises(KhabarError) as raised:
        release(root=tiny_project, part="patch", out=mine)
    [refusal] = raised.value.findings
    assert refusal.check == "out-refused" and f"expected `khabar release --out {mine}`" in refusal.message
    assert project_version(tiny_project) == old and (tiny_project / "CHANGELOG.md").read_bytes() == changelog
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "mine\n" and _git(tiny_project, "tag") == ""
