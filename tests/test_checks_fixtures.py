"""The validation suite, proved check by check on tiny failing fixtures, plus a valid project.

``tests/fixtures/checks/<check-id>/`` is a project folder (``corpus/``,
``annotations/``) that is valid except for one problem, which trips exactly that
check. The line where the finding must be reported carries a trailing YAML
comment ``# expect: <check-id>``; where no comment can go there (the text of a
corpus file, a ``---`` line), the fixture's ``expect.yaml`` names the path and
line, and says how the line was computed. ``tests/fixtures/valid/`` is the same
text annotated correctly, with every layer.

Nothing here touches the network.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import unicodedata
from functools import cache
from pathlib import Path

import pytest
import yaml
from conftest import deadline, hostile_project

from khabar.cli import main
from khabar.core.catalogue import CATALOGUE
from khabar.core.findings import Finding
from khabar.pipeline import validate

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHECK_FIXTURES = FIXTURES / "checks"
VALID = FIXTURES / "valid"
MARK = re.compile(r"#\s*expect:\s*([a-z0-9-]+)")

#: Catalogue groups without a fixture here, and why.
GROUPS_ELSEWHERE = {
    "release": "fixtures of their own (tests/fixtures/checks/<id>/ with release files; tests/test_checks_release.py)",
    "tables": "the Great Expectations suites run only on documents the located checks found clean, so no one file "
    "problem trips them (each is shadowed by a located check); tests/test_checks_gx.py mutates the tables",
    "predictions": "checks of a `khabar evaluate` predictions file, not of a project folder",
    "import": "checks of a brat or XMI folder read by `khabar import`, not of a project folder (tests/fixtures/brat, tests/fixtures/xmi)",
    "benchmark": "checks of the baselines' models, not of a project folder",
}
#: Catalogued ids of other commands in a group `khabar validate` otherwise runs.
IDS_ELSEWHERE = {
    "preannotate-model": "`khabar new --preannotate`",
    "release-refused": "`khabar release`",
    "diff-source": "`khabar diff`",
    "io-error": "any command given a path it cannot use (tests/test_cli.py)",
    "out-refused": "any command given an output path it may not replace (tests/test_outputs.py, tests/test_cli.py)",
}
IDS = sorted(c for c, spec in CATALOGUE.items() if spec.group not in GROUPS_ELSEWHERE and c not in IDS_ELSEWHERE)

#: Fixtures that cannot live in git, made once a session in a temporary folder by conftest's hostile_project (the case named).
MADE = {"file-special": "fifo-corpus", "file-symlink": "symlink-out", "file-too-large": "big-text"}


@cache
def _fixture(check: str) -> Path:
    if check not in MADE:
        return CHECK_FIXTURES / check
    folder = Path(tempfile.mkdtemp(prefix=f"khabar-{check}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    root, expected = hostile_project(MADE[check], folder / "project")
    where = [re.fullmatch(r"(.+?):(\d+): error\[([a-z-]+)\]", e) for e in expected]
    (root / "expect.yaml").write_text(yaml.safe_dump([{"check": m[3], "path": m[1], "line": int(m[2])} for m in where if m]), encoding="utf-8")
    return root


def _located(path: str, line: int | None) -> str:
    """``path:line``, or ``path`` for a finding about a folder (``corpus-empty``)."""
    return path if line is None else f"{path}:{line}"


@cache
def _findings(check: str) -> tuple[Finding, ...]:
    _, found = validate(root=_fixture(check))
    return tuple(found)


def _expectations(fixture: Path) -> list[tuple[str, str, int]]:
    """(check, path, line) of every ``# expect:`` marker and of ``expect.yaml``."""
    out = []
    for path in sorted(p for p in fixture.rglob("*") if p.is_file() and p.suffix in (".txt", ".yaml") and p.name != "expect.yaml"):
        text = path.read_bytes().decode("utf-8", errors="replace")  # file-encoding's fixture is not UTF-8
        for number, line in enumerate(text.split("\n"), start=1):
            if (match := MARK.search(line)) is not None:
                out.append((match.group(1), path.relative_to(fixture).as_posix(), number))
    expect = fixture / "expect.yaml"
    if expect.exists():
        data = yaml.safe_load(expect.read_text(encoding="utf-8"))
        out += [(item["check"], item["path"], item["line"]) for item in (data if isinstance(data, list) else [data])]
    return out


@pytest.mark.parametrize("check", IDS)
def test_checks_fixture_fires_exactly_its_check(check: str) -> None:
    assert _fixture(check).is_dir(), f"no fixture folder tests/fixtures/checks/{check}/"
    found = _findings(check)
    level = CATALOGUE[check].level
    assert {f.check for f in found} == {check}, [f.render() for f in found]
    assert {f.check for f in found if f.level == "error"} == ({check} if level == "error" else set())
    assert all(f.level == level for f in found)


@pytest.mark.parametrize("check", IDS)
def test_checks_fixture_finding_is_located_at_its_marker(check: str) -> None:
    expected = _expectations(_fixture(check))
    assert expected, f"tests/fixtures/checks/{check}/ marks no line with `# expect: {check}` and has no expect.yaml"
    assert {c for c, _, _ in expected} == {check}
    found = [f for f in _findings(check) if f.check == check]
    assert sorted((f.path, f.line) for f in found) == sorted((path, line) for _, path, line in expected), [f.render() for f in found]
    assert all(f.message.strip() and (f.document or f.line is None) for f in found)  # a folder's finding has no document


@pytest.mark.parametrize("check", IDS)
def test_checks_fixture_fails_through_the_cli(check: str, capsys: pytest.CaptureFixture[str]) -> None:
    level = CATALOGUE[check].level
    code = main(["--root", str(_fixture(check)), "validate"])
    out, err = capsys.readouterr()
    assert code == (1 if level == "error" else 0)
    for _, path, line in _expectations(_fixture(check)):
        assert f"{_located(path, line)}: {level}[{check}]" in err
    assert "Traceback" not in out + err


def test_checks_every_validate_check_has_a_fixture() -> None:
    folders = {p.name for p in CHECK_FIXTURES.iterdir() if p.is_dir()}
    theirs = {c for c in folders if c in CATALOGUE and CATALOGUE[c].group in GROUPS_ELSEWHERE}
    assert folders - theirs == set(IDS) - set(MADE) and set(MADE) <= set(IDS)
    assert set(GROUPS_ELSEWHERE) <= {spec.group for spec in CATALOGUE.values()}
    assert set(IDS_ELSEWHERE) <= set(CATALOGUE)


@pytest.mark.parametrize(
    ("check", "path", "holds"),
    [
        ("line-endings", "corpus/talks.txt", lambda raw: raw.count(b"\r\n") == raw.count(b"\n") > 0),
        ("file-encoding", "corpus/talks.txt", lambda raw: b"\xe9" in raw),
        ("text-nfc", "corpus/talks.txt", lambda raw: not unicodedata.is_normalized("NFC", raw.decode("utf-8"))),
    ],
    ids=["line-endings", "file-encoding", "text-nfc"],
)
def test_checks_byte_level_fixtures_keep_their_bytes(check: str, path: str, holds: object) -> None:
    """Guards against an editor or git (``core.autocrlf``) normalising the bytes away."""
    assert holds((_fixture(check) / path).read_bytes())  # type: ignore[operator]


# --- the valid fixture ------------------------------------------------------------


def test_checks_valid_fixture_has_no_findings(capsys: pytest.CaptureFixture[str]) -> None:
    corpus, found = validate(root=VALID)
    assert found == []
    assert [d.id for d in corpus.documents] == ["talks"]
    assert main(["--root", str(VALID), "validate"]) == 0
    out, err = capsys.readouterr()
    assert "1 document(s) checked" in out and "error[" not in err and "warning[" not in err


def test_checks_valid_fixture_has_every_layer() -> None:
    corpus, _ = validate(root=VALID, gx=False)
    (doc,) = corpus.documents
    groups = [e for e in doc.entities if e.members]
    assert groups and all(len(set(e.members)) >= 2 for e in groups)
    assert {m.kind for m in doc.mentions} == {"NAM", "NOM", "PRO"}
    assert doc.values and doc.relations
    by_id = {a.id: a for a in doc.attributions}
    assert any(a.parent in by_id for a in doc.attributions)
    assert len(doc.sentences) <= 3


# --- regressions of the bugs the fixtures found -------------------------------------


def _variant(tmp_path: Path, old: str, new: str, *, file: str = "annotations/talks.yaml") -> Path:
    """A copy of the valid fixture with ``old`` replaced by ``new`` once in ``file``."""
    root = tmp_path / "project"
    shutil.copytree(VALID, root)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return root


def _where(found: list[Finding]) -> list[tuple[str, str | None, int | None]]:
    return [(f.check, f.path, f.line) for f in found]


def test_checks_missing_document_key_is_reported_once(tmp_path: Path) -> None:
    root = _variant(tmp_path, "document: talks\n", "")
    _, found = validate(root=root, gx=False)
    assert _where(found) == [("yaml-missing-key", "annotations/talks.yaml", 1)]


def test_checks_null_document_is_a_type_error(tmp_path: Path) -> None:
    root = _variant(tmp_path, "document: talks\n", "document:\n")
    _, found = validate(root=root, gx=False)
    assert _where(found) == [("yaml-type", "annotations/talks.yaml", 3)]


def test_checks_head_text_is_compared_with_the_text(tmp_path: Path) -> None:
    root = _variant(tmp_path, "head: {start: 77, end: 84, text: leaders}", "head: {start: 77, end: 84, text: Leaders}")
    _, found = validate(root=root, gx=False)
    assert _where(found) == [("span-text", "annotations/talks.yaml", 50)]
    assert "mention head 77-84 states 'Leaders'" in found[0].message


def test_checks_name_head_beyond_the_text_does_not_hang(tmp_path: Path) -> None:
    root = _variant(
        tmp_path,
        "  end: 138\n  text: Iran\n  head: {start: 134, end: 138, text: Iran}",
        "  end: 1380\n  text: Iran\n  head: {start: 1340, end: 1344, text: Iran}",
    )
    with deadline(60):
        _, found = validate(root=root, gx=False)
    assert ("span-range", "annotations/talks.yaml", 78) in _where(found)
    assert {f.check for f in found} <= {"span-range", "name-unannotated"}


def test_checks_unannotated_name_inside_unannotated_name_is_reported_once(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(VALID, root)
    corpus = (root / "corpus" / "talks.txt").read_text(encoding="utf-8")
    (root / "corpus" / "bare.txt").write_text(corpus.replace("id: talks", "id: bare"), encoding="utf-8")
    (root / "annotations" / "bare.yaml").write_text("document: bare\n", encoding="utf-8")
    _, found = validate(root=root, gx=False)
    spans = [f.span for f in found if f.check == "name-unannotated"]
    # "Massoud" in "Ahmad Massoud" (0-13) and "Khan" in "Ismail Khan" (18-29) are not reported again.
    assert spans == [(0, 13), (18, 29), (33, 39), (41, 45), (102, 106), (112, 119), (134, 138)]
    assert {f.check for f in found} == {"name-unannotated"}


def _front_matter_variant(tmp_path: Path, old: str, new: str) -> Path:
    return _variant(tmp_path, old, new, file="corpus/talks.txt")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("split: test\n", "split: null\n", [("split-missing", "corpus/talks.txt", 7)]),  # a document in no split, at the key
        ("split: test\n", "split:\n", [("split-missing", "corpus/talks.txt", 7)]),
        ("split: test\n", "split: Test\n", [("split-unknown", "corpus/talks.txt", 7)]),
        ("split: test\n", "split: 3\n", [("yaml-type", "corpus/talks.txt", 7)]),  # not a string: one finding, not two
        ("licence: CC-BY-4.0\n", "licence: null\n", [("licence-unknown", "corpus/talks.txt", 6)]),  # every document states its licence
        ("licence: CC-BY-4.0\n", "", [("licence-unknown", "corpus/talks.txt", 7)]),  # absent: at the closing `---`
        ("licence: CC-BY-4.0\nsplit: test\n", "", [("licence-unknown", "corpus/talks.txt", 6), ("split-missing", "corpus/talks.txt", 6)]),
    ],
)
def test_checks_split_and_licence_are_located(tmp_path: Path, old: str, new: str, expected: list) -> None:
    corpus, found = validate(root=_front_matter_variant(tmp_path, old, new), gx=False)
    assert sorted(_where(found)) == sorted(expected)
    assert corpus.documents == []  # a format error: the document is not checked further, nor built
    assert all("expected" in f.message and "found" in f.message for f in found if f.check != "yaml-type")


@pytest.mark.parametrize("split", ["dev", "test"])
def test_checks_every_split_and_licence_of_the_tables_is_accepted(tmp_path: Path, split: str) -> None:
    from khabar.schema.labels import TEXT_LICENCES

    for licence in TEXT_LICENCES:
        root = _front_matter_variant(tmp_path / f"{split}-{licence}", "licence: CC-BY-4.0\nsplit: test\n", f"licence: {licence}\nsplit: {split}\n")
        corpus, found = validate(root=root, gx=False)
        assert found == [] and [(d.split, d.licence) for d in corpus.documents] == [(split, licence)]


_LAST_CONTENT = "  - {start: 112, end: 149, text: Massoud told him that Iran would help}"
_MONDAY = "  text: Monday\n"
_LAST_MENTION = "  head: {start: 134, end: 138, text: Iran}\n"
_TEHRAN = "  start: 33\n  end: 39\n  text: Tehran\n  head: {start: 33, end: 39, text: Tehran}\n"
_VALID_TEXT = (VALID / "annotations" / "talks.yaml").read_text(encoding="utf-8")
#: From a1's source_entity to a2's: the lines where both attributions may be given a parent.
_A1_TO_A2 = _VALID_TEXT[_VALID_TEXT.index("  source_entity: e5\n") : _VALID_TEXT.index("  source_entity: e2\n") + len("  source_entity: e2\n")]


@pytest.mark.parametrize(
    ("old", "new", "final_newline", "expected"),
    [
        ("  evidence: [0]\n", "  evidence: [2]\n", True, []),  # the last sentence (the text has sentences 0-2)
        ("  evidence: [0]\n", "  evidence: [3]\n", True, [("evidence-range", "r1")]),  # one past it
        (_LAST_CONTENT, "  - {start: 112, end: 150, text: Massoud told him that Iran would help.}", False, []),  # ends at the text's end
        (_LAST_CONTENT, "  - {start: 112, end: 151, text: Massoud told him that Iran would help..}", False, [("span-range", "a2")]),  # one past it
        # Fragments of one role: the same start is an overlap, not a wrong order; touching ones are disjoint.
        ("  - {start: 91, end: 100, text: went well}\n", "  - {start: 58, end: 61, text: The}\n", True, [("fragment-overlap", "a1")]),
        ("  - {start: 91, end: 100, text: went well}\n", "  - {start: 67, end: 68, text: ','}\n", True, []),
        # NER spans and mentions of one entity that touch do not overlap; mentions nested from one start do not cross.
        (_MONDAY, _MONDAY + "- {id: v2, type: CARDINAL, start: 45, end: 46, text: ','}\n", True, []),
        (_LAST_MENTION, _LAST_MENTION + "- {id: m10, entity: e4, kind: NOM, start: 45, end: 46, text: ',', head: {start: 45, end: 46, text: ','}}\n", True, []),
        (
            _LAST_MENTION,
            _LAST_MENTION + "- {id: m10, entity: e5, kind: NOM, start: 69, end: 76, text: the two, head: {start: 73, end: 76, text: two}}\n",
            True,
            [],
        ),
        # A crossing in a later chain is found after an earlier chain's disjoint mentions.
        (
            _LAST_MENTION,
            _LAST_MENTION + "- {id: m10, entity: e2, kind: NOM, start: 25, end: 39, text: Khan in Tehran, head: {start: 25, end: 29, text: Khan}}\n",
            True,
            [("mention-crossing", "m10")],
        ),
        # A relation with a missing entity does not stop the signature check of the next one.
        (
            "  head: e3\n  tail: e4\n  evidence: [0]\n",
            "  head: e30\n  tail: e4\n  evidence: [0]\n- {id: r2, label: loc:located_in, head: e1, tail: e4, evidence: [0]}\n",
            True,
            [("ref-missing", "r1"), ("relation-signature", "r2")],
        ),
        (
            _LAST_MENTION,
            _LAST_MENTION + "- {id: m10, entity: e5, kind: NOM, start: 73, end: 84, text: two leaders, head: {start: 77, end: 84, text: leaders}}\n",
            True,
            [],
        ),
        # a2 and a3 are each other's parent; a1's chain of parents runs into that cycle (a1 -> a2 -> a3 -> a2 ...) and must end.
        (
            _A1_TO_A2,
            _A1_TO_A2.replace("  source_entity: e5\n", "  source_entity: e5\n  parent: a2\n") + "  parent: a3\n",
            True,
            [("attribution-outside-parent", "a1"), ("attribution-outside-parent", "a2"), ("nesting-cycle", "a2"), ("nesting-cycle", "a3")],
        ),
        # Every span is judged: a second problem of the same kind in the same document is reported too.
        (_TEHRAN, _TEHRAN.replace("text: Tehran", "text: Tehren"), True, [("span-text", "m3"), ("span-text", "m3")]),
        (
            _TEHRAN,
            _TEHRAN.replace("start: 33", "start: 32").replace("text: Tehran", "text: ' Tehran'"),
            True,
            [("span-whitespace", "m3"), ("span-whitespace", "m3")],
        ),
        # A source that is a mention needs its entity named; a group that contains itself through a member is a cycle.
        ("  source_entity: e2\n", "", True, [("attribution-source-entity", "a2")]),
        ("  name: Ahmad Massoud\n", "  name: Ahmad Massoud\n  members: [e5, e2]\n", True, [("nesting-cycle", "e1"), ("nesting-cycle", "e5")]),
        # An attribution's roles that touch do not overlap, in either order.
        ("  - {start: 85, end: 89, text: said}\n", "  - {start: 67, end: 68, text: ','}\n", True, []),
        ("  - {start: 91, end: 100, text: went well}\n", "  - {start: 89, end: 90, text: ','}\n", True, []),
        # Neighbouring roles of the list (the cue and the source) that overlap are found.
        ("  - {start: 107, end: 111, text: said}\n", "  - {start: 102, end: 111, text: Khan said}\n", True, [("attribution-role-overlap", "a2")]),
        # A relation whose label is not symmetric may be stored in both directions: no duplicate.
        ("  evidence: [0]\n", "  evidence: [0]\n- {id: r2, label: loc:located_in, head: e4, tail: e3, evidence: [0]}\n", True, []),
        # Every pair of fragments is compared: the cue against the first of two content fragments (not neighbours in the list).
        ("  - {start: 85, end: 89, text: said}\n", "  - {start: 62, end: 67, text: talks}\n", True, [("attribution-role-overlap", "a1")]),
    ],
    ids=[
        "evidence-last-sentence",
        "evidence-one-past",
        "span-ends-at-the-end",
        "span-ends-one-past",
        "fragments-same-start",
        "fragments-touching",
        "ner-spans-touching",
        "mentions-touching",
        "mentions-nested-from-one-start",
        "crossing-in-a-later-chain",
        "signature-after-a-missing-entity",
        "mentions-nested-to-one-end",
        "parents-into-a-cycle",
        "two-span-texts",
        "two-span-whitespaces",
        "source-entity-missing",
        "group-cycle",
        "roles-touching-before",
        "roles-touching-after",
        "cue-overlaps-source",
        "asymmetric-relation-both-ways",
        "cue-overlaps-a-far-fragment",
    ],
)
def test_checks_fixtures_both_sides_of_each_bound(tmp_path: Path, old: str, new: str, final_newline: bool, expected: list) -> None:
    root = _variant(tmp_path, old, new)
    corpus = root / "corpus" / "talks.txt"
    text = corpus.read_text(encoding="utf-8")
    assert text.endswith("help.\n")
    corpus.write_text(text if final_newline else text[:-1], encoding="utf-8")
    with deadline(60):
        _, found = validate(root=root, gx=False)
    assert sorted((f.check, f.annotation, f.path) for f in found) == [(*e, "annotations/talks.yaml") for e in expected], [f.render() for f in found]


@pytest.mark.parametrize(
    ("annotation", "field", "missing", "kind"),
    [
        ("m6", "entity", "e22", "entity"),
        ("m9", "entity", "e40", "entity"),
        ("e5", "members", "e20", "entity"),
        ("r1", "head", "e30", "entity"),
        ("r2", "tail", "e31", "entity"),
        ("a2", "source_entity", "e22", "entity"),
        ("a3", "parent", "a20", "attribution"),
    ],
)
def test_checks_fixture_ref_missing_names_the_field_and_the_kind(annotation: str, field: str, missing: str, kind: str) -> None:
    """Each reference path of the ref-missing fixture (its header says which) is reported with its field and the kind of id it names."""
    _, found = validate(root=_fixture("ref-missing"), gx=False)  # not the cached _findings: mutmut sees which tests run a check by tracing
    messages = {f.annotation: f.message for f in found}
    assert messages[annotation] == f"`{field}` names {kind} {missing!r}, which does not exist; expected one of the document's {kind} ids"
