"""The HTML report: self-contained, every check listed, failures marked, everything escaped."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from khabar.cli import main
from khabar.core.catalogue import CATALOGUE
from khabar.core.findings import Finding, finding
from khabar.io.project import Corpus, load_project
from khabar.pipeline import validate
from khabar.workflow.report import render_report, write_report

TEXT = "Ahmad Massoud met Amir Khan Muttaqi in Tehran. He said the talks went well."
MENTION_LINE = "- {id: m2, entity: e9, kind: PRO, start: 47, end: 49, text: He, head: {start: 47, end: 49, text: He}}"


def _project(root: Path, *, broken: bool = True) -> Path:
    (root / "corpus").mkdir(parents=True)
    (root / "annotations").mkdir()
    (root / "corpus" / "tiny.txt").write_text(
        "---\nid: tiny\ntitle: null\nsource: null\nurl: null\npublished: null\nlanguage: en\nlicence: CC0-1.0\nsplit: test\n---\n" + TEXT + "\n",
        encoding="utf-8",
    )
    mentions = "- {id: m1, entity: e1, kind: NAM, start: 0, end: 13, text: Ahmad Massoud, head: {start: 0, end: 13, text: Ahmad Massoud}}\n"
    if broken:
        mentions += MENTION_LINE + "\n"
    (root / "annotations" / "tiny.yaml").write_text(
        "document: tiny\nentities:\n- {id: e1, type: PERSON, name: Ahmad Massoud}\nmentions:\n" + mentions + "values: []\nrelations: []\nattributions: []\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def broken(tmp_path: Path) -> tuple[Corpus, list[Finding]]:
    corpus, found = validate(root=_project(tmp_path / "project"), gx=False)
    hostile = finding("label-unknown", 'label <script>alert("x")</script> & "quotes"', path="annotations/tiny.yaml", line=3, document="tiny", annotation="e1")
    return corpus, found + [hostile]


@pytest.fixture
def clean(tmp_path: Path) -> tuple[Corpus, list[Finding]]:
    corpus, found = validate(root=_project(tmp_path / "clean", broken=False), gx=False)
    assert found == []
    return corpus, found


def _is_self_contained(page: str) -> bool:
    lowered = page.lower()
    return not any(bad in lowered for bad in ("<script", "<link", "src=", "@import", "url(", "http://", "https://"))


@pytest.mark.parametrize("case", ["broken", "clean"])
def test_report_is_self_contained_and_lists_every_check(case: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    corpus, found = request.getfixturevalue(case)
    path = write_report(corpus=corpus, findings=found, out=tmp_path / "report")
    assert path == tmp_path / "report" / "index.html"
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert _is_self_contained(page)
    listed = re.findall(r'data-check="([^"]+)"', page)
    assert listed == list(CATALOGUE)


def test_report_marks_failing_checks_failed(broken: tuple[Corpus, list[Finding]]) -> None:
    corpus, found = broken
    page = render_report(corpus=corpus, findings=found)
    failed = set(re.findall(r'<tr class="fail" id="[^"]+" data-check="([^"]+)"', page))
    assert failed == {f.check for f in found} and "ref-missing" in failed
    assert re.search(r'<tr class="pass" id="check-span-range" data-check="span-range">', page)
    assert 'class="verdict fail"' in page


def test_report_shows_escaped_messages_locations_and_rows(broken: tuple[Corpus, list[Finding]]) -> None:
    corpus, found = broken
    page = render_report(corpus=corpus, findings=found)
    ref = next(f for f in found if f.check == "ref-missing")
    assert html.escape(ref.message) in page
    assert f"<code>annotations/tiny.yaml:{ref.line}</code>" in page
    assert html.escape(f"{ref.line:>5} | {MENTION_LINE}") in page
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in page
    assert html.escape("    3 | - {id: e1, type: PERSON, name: Ahmad Massoud}") in page


def test_report_clean_corpus_passes_everything(clean: tuple[Corpus, list[Finding]]) -> None:
    corpus, found = clean
    page = render_report(corpus=corpus, findings=found)
    assert 'class="fail"' not in page and 'class="verdict pass"' in page
    assert "No findings." in page and "1 document(s) checked" in page


def test_report_is_deterministic(broken: tuple[Corpus, list[Finding]], tmp_path: Path) -> None:
    corpus, found = broken
    first = write_report(corpus=corpus, findings=found, out=tmp_path / "a").read_bytes()
    second = write_report(corpus=corpus, findings=found, out=tmp_path / "b").read_bytes()
    assert first == second
    assert str(tmp_path).encode() not in first


@pytest.mark.parametrize(
    ("where", "row"),
    [
        ({"path": "annotations/missing.yaml", "line": 2}, False),
        ({"path": "../outside.txt", "line": 1}, False),
        ({"path": "annotations/tiny.yaml", "line": 999}, False),
        ({"document": "tiny", "annotation": "m1"}, True),  # unlocated, but its annotation has a known line
        ({}, False),
    ],
)
def test_report_row_only_for_readable_lines_inside_the_root(tmp_path: Path, where: dict[str, object], row: bool) -> None:
    root = _project(tmp_path / "project")
    (tmp_path / "outside.txt").write_text("secret\n", encoding="utf-8")
    corpus = load_project(root=root)
    page = render_report(corpus=corpus, findings=[finding("ref-missing", "odd location", **where)])
    assert ('<tr class="source">' in page) is row
    assert "secret" not in page


def test_report_lists_uncatalogued_check_ids(clean: tuple[Corpus, list[Finding]]) -> None:
    corpus, _ = clean
    page = render_report(corpus=corpus, findings=[Finding(check="made-up", level="warning", message="m")])
    assert re.findall(r'data-check="([^"]+)"', page) == [*CATALOGUE, "made-up"]
    assert 'class="verdict pass"' in page  # a warning does not fail the run


def test_report_cli_writes_the_report_and_still_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path / "project")
    out = tmp_path / "report"
    assert main(["--root", str(root), "validate", "--report", str(out)]) == 1
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f"report: {out / 'index.html'}" in capsys.readouterr().out
    assert re.search(r'<tr class="fail" id="check-ref-missing"', page)
    assert not re.search(r'<tr class="fail" id="check-gx-references"', page)  # the suites skip documents with located errors
    assert _is_self_contained(page)


def test_report_of_the_corpus_is_left_in_a_known_folder(capsys: pytest.CaptureFixture[str]) -> None:
    """Every test run (CI's included) leaves the corpus's validation report in reports/validation/."""
    root = Path(__file__).resolve().parent.parent
    out = root / "reports" / "validation"
    assert main(["--root", str(root), "validate", "--report", str(out)]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert _is_self_contained(page) and 'class="fail"' not in page


def test_report_shows_hostile_data_escaped_and_visible(split_project: Path) -> None:
    """An entity name with a script, and a mention id with a bidi override (written raw into the file) and ESC."""
    talks, dev = split_project / "annotations" / "talks.yaml", split_project / "annotations" / "talks-dev.yaml"
    text = talks.read_text(encoding="utf-8")
    assert text.count("name: Tehran\n") == 1
    talks.write_text(text.replace("name: Tehran\n", 'name: "<script>alert(1)</script>"\n'), encoding="utf-8")
    text = dev.read_text(encoding="utf-8")
    assert text.count("- id: m1\n") == 1
    dev.write_text(text.replace("- id: m1\n", '- id: "m\u202e1\\e[2J"\n'), encoding="utf-8")  # YAML's \e is ESC
    corpus, found = validate(root=split_project, gx=False)
    assert {"name-incompatible", "id-unsafe"} <= {f.check for f in found}
    page = render_report(corpus=corpus, findings=found)
    assert "<script" not in page and html.escape(repr("<script>alert(1)</script>")) in page
    assert "\u202e" not in page and "\x1b" not in page
    assert html.escape(repr("m\u202e1\x1b[2J")) in page  # in the message, as the terminal shows it
    assert html.escape('- id: "m\\u202e1\\e[2J"') in page  # the source line, its raw override made visible
