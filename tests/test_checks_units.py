"""The checks layer's pieces called one by one: what the mutation run of issue 19 found no test reading.

``run_checks`` and the corpus-wide checks' own entry points (``check_name_types``, ``check_names_annotated``) are
not what ``khabar validate`` calls (the pipeline runs their parts itself), so they are checked here against the
fixtures' ``# expect:`` markers; ``validate`` must hand its options to the pipeline; a reviewed exception must
match on every one of its fields; and the refusals of ``annotations/exceptions.yaml`` are pinned whole.
"""

from __future__ import annotations

from array import array
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_checks_fixtures import CHECK_FIXTURES, IDS, _expectations

from khabar.checks import CORPUS_CHECKS, run_checks
from khabar.checks.exceptions import Exemption, read_exceptions
from khabar.checks.names import NameHeads, _agrees, _words, check_name_types, check_names_annotated, name_heads, name_index, name_strings, unannotated, windows
from khabar.core.findings import Finding
from khabar.io import load_project
from khabar.pipeline import validate
from khabar.schema.model import Entity

#: The fixtures whose finding is the pipeline's own, not a corpus check's or a reader's.
PIPELINE_ONLY = {"corpus-empty", "exception-check", "exception-unused"}
PROJECT_FIXTURES = [c for c in IDS if (CHECK_FIXTURES / c).is_dir() and c not in PIPELINE_ONLY]


@pytest.mark.parametrize("check", PROJECT_FIXTURES)
def test_checks_run_checks_gives_each_fixture_its_marked_findings(check: str) -> None:
    root = CHECK_FIXTURES / check
    found = run_checks(load_project(root=root))
    assert sorted((f.check, f.path, f.line) for f in found) == sorted(_expectations(root))


@pytest.mark.parametrize(("check", "entry"), [("type-inconsistent", check_name_types), ("name-unannotated", check_names_annotated)])
def test_checks_names_corpus_wide_entry_points_give_their_fixtures_findings(check: str, entry: object) -> None:
    root = CHECK_FIXTURES / check
    corpus = load_project(root=root)
    found = run_checks(corpus, checks=[entry])  # type: ignore[list-item]
    assert sorted((f.check, f.path, f.line) for f in found) == sorted(_expectations(root))
    assert run_checks(corpus, checks=()) == corpus.findings == []


def test_checks_run_checks_reports_its_progress_over_every_check() -> None:
    seen: list[tuple[int, int | None, str, str]] = []

    def progress(items, *, total=None, desc="", unit="doc"):  # type: ignore[no-untyped-def]
        items = list(items)
        seen.append((len(items), total, desc, unit))
        return items

    found = run_checks(load_project(root=CHECK_FIXTURES / "pronoun-agreement"), progress=progress)
    assert seen == [(len(CORPUS_CHECKS), len(CORPUS_CHECKS), "checking", "check")]
    assert {f.check for f in found} == {"pronoun-agreement"}


def test_checks_validate_hands_its_options_to_the_pipeline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import khabar.pipeline

    calls: list[dict[str, object]] = []

    def stream(**kwargs: object) -> SimpleNamespace:
        calls.append(kwargs)
        return SimpleNamespace(corpus="the corpus", findings=["a finding"])

    def progress(items, **_):  # type: ignore[no-untyped-def]
        return items

    monkeypatch.setattr(khabar.pipeline, "stream", stream)
    assert validate(root=tmp_path) == ("the corpus", ["a finding"])
    timings: dict[str, float] = {}
    validate(root=tmp_path, gx=False, release=True, progress=progress, timings=timings)  # type: ignore[arg-type]
    (default, given) = calls
    assert default["root"] == tmp_path and default["gx"] is True and default["release"] is False and default["timings"] is None
    assert given == {"root": tmp_path, "gx": False, "release": True, "documents": True, "progress": progress, "timings": timings}


# --- reviewed exceptions ------------------------------------------------------------

BY_SPAN = Exemption("name-unannotated", "d1", None, (3, 7), "reason", 2)
BY_ANNOTATION = Exemption("pronoun-agreement", "d1", "m4", None, "reason", 6)


def _found(check: str, document: str, annotation: str | None = None, span: tuple[int, int] | None = None) -> Finding:
    return Finding(check, "warning", "message", document=document, annotation=annotation, span=span)


@pytest.mark.parametrize(
    ("exemption", "found", "matches"),
    [
        (BY_SPAN, _found("name-unannotated", "d1", span=(3, 7)), True),
        (BY_SPAN, _found("name-unannotated", "d1", annotation="m9", span=(3, 7)), True),  # its annotation is no condition
        (BY_SPAN, _found("name-unannotated", "d1", span=(3, 8)), False),
        (BY_SPAN, _found("name-unannotated", "d2", span=(3, 7)), False),
        (BY_SPAN, _found("type-inconsistent", "d1", span=(3, 7)), False),
        (BY_ANNOTATION, _found("pronoun-agreement", "d1", annotation="m4"), True),
        (BY_ANNOTATION, _found("pronoun-agreement", "d1", annotation="m4", span=(0, 2)), True),  # its span is no condition
        (BY_ANNOTATION, _found("pronoun-agreement", "d1", annotation="m5"), False),
        (BY_ANNOTATION, _found("pronoun-agreement", "d2", annotation="m4"), False),
        (BY_ANNOTATION, _found("name-incompatible", "d1", annotation="m4"), False),
    ],
)
def test_checks_exceptions_match_on_check_document_and_place(exemption: Exemption, found: Finding, matches: bool) -> None:
    assert exemption.matches(found) is matches


NEEDS = "an exception needs check, document, reason and one of annotation, span; this one lacks {} (add it: an exception is about one place)"


@pytest.mark.parametrize(
    ("item", "lacks"),
    [
        ("- just words\n", "everything (it is not a mapping)"),
        ("- check: name-unannotated\n  document: d1\n  reason: r\n", "`annotation` or `span`"),
        ("- check: name-unannotated\n  annotation: m1\n", "`document`, `reason`"),
        ("- check: name-unannotated\n", "`document`, `reason`, `annotation` or `span`"),
    ],
)
def test_checks_exceptions_a_lacking_item_says_what_it_lacks(item: str, lacks: str, tmp_path: Path) -> None:
    path = tmp_path / "exceptions.yaml"
    path.write_text("exceptions:\n" + item, encoding="utf-8")
    exemptions, found = read_exceptions(path, shown="annotations/exceptions.yaml")
    assert exemptions == []
    assert [(f.check, f.path, f.line, f.message) for f in found] == [("yaml-missing-key", "annotations/exceptions.yaml", 2, NEEDS.format(lacks))]


@pytest.mark.parametrize(("document", "named"), [("d1", "d1"), ("42", None), ("[d1]", None)])
def test_checks_exceptions_a_refused_item_names_its_document_only_if_it_is_text(document: str, named: str | None, tmp_path: Path) -> None:
    path = tmp_path / "exceptions.yaml"
    path.write_text(f"exceptions:\n- check: span-text\n  document: {document}\n  annotation: m1\n  reason: r\n", encoding="utf-8")
    _, found = read_exceptions(path, shown="exceptions.yaml")
    assert [(f.check, f.line, f.document) for f in found] == [("exception-check", 2, named)]


# --- names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("need", "etype", "members", "named", "agrees"),
    [
        ("thing", "PERSON", (), True, False),  # "it" for a person
        ("thing", "ORG", (), True, True),
        ("thing", "ORG", ("a", "b"), False, False),  # "it" for a group
        ("person", "PERSON", (), True, True),
        ("person", "ORG", (), True, False),
        ("plural", "PERSON", (), True, False),
        ("plural", "PERSON", (), False, True),  # an unnamed set
        ("plural", "NORP", (), True, True),
    ],
)
def test_checks_names_agreement_of_each_class_and_entity(need: str, etype: str, members: tuple[str, ...], named: bool, agrees: bool) -> None:
    entity = Entity(id="e1", type=etype, name="Name", members=members)
    assert _agrees(need, entity, named=named) is agrees


def test_checks_names_words_are_lowercased_and_split_on_non_word_characters() -> None:
    assert _words("Ismail KHAN-Tehrani's") == ["ismail", "khan", "tehrani", "s"]
    assert _words("Straße") == ["straße"]  # lowercase, not folded: "STRASSE" in upper case


def test_checks_names_windows_read_a_lone_surrogate_as_its_code_point() -> None:
    text = "a\ud800bc"  # a lone surrogate: no file decodes to it, but a str can hold one
    codes = windows(text, array("q", [0, 2, 3]))
    pad = (1 << 21) - 1
    assert codes.tolist() == [(ord("a") << 42) | (0xD800 << 21) | ord("b"), (ord("b") << 42) | (ord("c") << 21) | pad, (ord("c") << 42) | (pad << 21) | pad]


def test_checks_names_a_name_at_the_very_start_is_found() -> None:
    text = "X and X"  # one-character names: the first at offset 0, unannotated
    h = NameHeads("d", text, ((6, 7, "ORG", "m1"),), array("q", [0, 2, 6]), array("q", [1, 5, 7]))
    assert unannotated(h, name_index(name_strings([h]))) == [(0, 1)]


def test_checks_names_heads_keep_a_name_ending_the_text_and_drop_one_past_it() -> None:
    (doc,) = load_project(root=CHECK_FIXTURES.parent / "valid").documents
    names = [m for m in doc.mentions if m.kind == "NAM"]
    last = max(names, key=lambda m: m.head_end)
    beyond = [m for m in names if m.head_end > last.head_end - 1]
    cut = replace(doc, text=doc.text[: last.head_end])  # the last name's head now ends the text
    heads = {(s, e): m for s, e, _, m in name_heads(cut).heads}
    assert heads[(last.head_start, last.head_end)] == last.id
    shorter = replace(doc, text=doc.text[: last.head_end - 1])
    assert not {(m.head_start, m.head_end) for m in beyond} & {(s, e) for s, e, _, _ in name_heads(shorter).heads}


def _pronoun_findings(doc_edit) -> list[tuple[str, str | None, str | None, str]]:  # type: ignore[no-untyped-def]
    """``pronoun-agreement``'s findings on the valid fixture's document after ``doc_edit``."""
    from khabar.checks.names import check_pronouns

    corpus = load_project(root=CHECK_FIXTURES.parent / "valid")
    corpus.documents[0] = doc_edit(corpus.documents[0])
    return [(f.check, f.document, f.annotation, f.message) for f in check_pronouns(corpus)]


def _with(doc, mention):  # type: ignore[no-untyped-def]
    """``doc`` with ``mention`` in place of its namesake, or added."""
    kept = tuple(m for m in doc.mentions if m.id != mention.id)
    return replace(doc, mentions=kept + (mention,))


def _pro(doc, word: str, entity: str, mid: str = "m8"):  # type: ignore[no-untyped-def]
    from khabar.schema.model import Mention

    start = doc.text.index(word)
    return _with(doc, Mention(mid, entity, "PRO", start, start + len(word), word, start, start + len(word)))


FIX = "; fix the mention's entity or the entity's type"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: _pro(d, "him", "e5"), "pronoun 'him' needs a single PERSON but its entity e5 is a group" + FIX),
        (lambda d: _pro(d, "him", "e4"), "pronoun 'him' needs a single PERSON but its entity e4 is GPE" + FIX),
        (lambda d: _pro(d, "that", "e1"), "pronoun 'that' needs a single non-person but its entity e1 is PERSON" + FIX),
        (
            lambda d: _pro(replace(d, text=d.text.replace("went", "they")), "they", "e2"),
            "pronoun 'they' needs a group, an ORG, a NORP or an unnamed set but its entity e2 is PERSON" + FIX,
        ),
    ],
    ids=["person-for-a-group", "person-for-a-place", "thing-for-a-person", "plural-for-a-named-person"],
)
def test_checks_names_pronoun_disagreement_is_reported_in_words(edit, message: str) -> None:  # type: ignore[no-untyped-def]
    assert _pronoun_findings(edit) == [("pronoun-agreement", "talks", "m8", message)]


def test_checks_names_a_pronoun_outside_the_lexicon_is_reported_with_the_lexicon() -> None:
    from khabar.checks.names import PRONOUNS

    lexicon = ", ".join(sorted(PRONOUNS))
    assert lexicon.startswith("each other, each other's, he, her, hers, herself, him, himself, his, i, it, its")
    found = _pronoun_findings(lambda d: _pro(d, "Monday", "e1", mid="m8"))
    assert found == [("pronoun-agreement", "talks", "m8", f"'Monday' is marked PRO but is not in the pronoun lexicon; expected one of {lexicon} (or kind NOM)")]
