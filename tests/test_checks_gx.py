"""The Great Expectations suites: each expectation group fires on a violating table, a clean corpus passes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from khabar.checks.gx import COLUMNS, check_tables, run_suites, tables
from khabar.cli import main
from khabar.core.catalogue import CATALOGUE
from khabar.io.tokenize import tokenize
from khabar.pipeline import validate
from khabar.schema.model import Attribution, Document, Entity, Fragment, Mention, Relation

TEXT = "Ahmad Massoud met Amir Khan Muttaqi in Tehran. He said the talks went well."
GX_IDS = ("gx-unique-ids", "gx-label-sets", "gx-offsets", "gx-references", "gx-sanity-ranges")


def _mention(mid: str, entity: str, kind: str, start: int, end: int) -> Mention:
    return Mention(id=mid, entity=entity, kind=kind, start=start, end=end, text=TEXT[start:end], head_start=start, head_end=end)


def _fragment(start: int, end: int) -> Fragment:
    return Fragment(start=start, end=end, text=TEXT[start:end])


def clean_document(doc_id: str = "tiny", **layers: object) -> Document:
    tokens, sentences = tokenize(TEXT)
    base: dict[str, object] = dict(
        entities=(
            Entity(id="e1", type="PERSON", name="Ahmad Massoud"),
            Entity(id="e2", type="PERSON", name="Amir Khan Muttaqi"),
            Entity(id="e3", type="GPE", name="Tehran"),
        ),
        mentions=(
            _mention("m1", "e1", "NAM", 0, 13),
            _mention("m2", "e2", "NAM", 18, 35),
            _mention("m3", "e3", "NAM", 39, 45),
            _mention("m4", "e1", "PRO", 47, 49),
        ),
        values=(),
        relations=(Relation(id="r1", label="per:associate", head="e1", tail="e2", evidence=(0,)),),
        attributions=(
            Attribution(id="a1", type="indirect", cue=(_fragment(50, 54),), source=(_fragment(47, 49),), content=(_fragment(55, 74),), source_entity="e1"),
        ),
    )
    base.update(layers)
    return Document(
        id=doc_id,
        title=None,
        source=None,
        url=None,
        published=None,
        language="en",
        licence="CC0-1.0",
        attribution=None,
        split="test",
        provenance=None,
        text=TEXT,
        sentences=sentences,
        tokens=tokens,
        **base,
    )  # type: ignore[arg-type]


def test_checks_gx_clean_document_has_no_findings() -> None:
    assert run_suites([clean_document(), clean_document("other")]) == []


def test_checks_gx_tables_have_a_document_column_and_one_row_per_fragment() -> None:
    frames = tables([clean_document()])
    assert set(frames) == set(COLUMNS)
    for name, frame in frames.items():
        assert list(frame.columns) == list(COLUMNS[name])
        assert set(frame["document"]) <= {"tiny"}
    assert list(frames["attributions"]["role"]) == ["cue", "source", "content"]
    assert list(frames["entities"]["mentions"]) == [2, 1, 1]
    assert (frames["sentences"]["tokens"] > 0).all()


def test_checks_gx_empty_corpus_has_no_findings() -> None:
    assert run_suites([]) == []


def _set(table: str, column: str, value: object, row: int = 0) -> Callable[[dict[str, pd.DataFrame]], None]:
    def mutate(frames: dict[str, pd.DataFrame]) -> None:
        frames[table].loc[row, column] = value

    return mutate


def _duplicate(table: str) -> Callable[[dict[str, pd.DataFrame]], None]:
    def mutate(frames: dict[str, pd.DataFrame]) -> None:
        frames[table] = pd.concat([frames[table], frames[table].iloc[[0]]], ignore_index=True)

    return mutate


@pytest.mark.parametrize(
    ("mutate", "check", "table", "expectation"),
    [
        (_duplicate("mentions"), "gx-unique-ids", "mentions", "expect_compound_columns_to_be_unique"),
        (_duplicate("entities"), "gx-unique-ids", "entities", "expect_compound_columns_to_be_unique"),
        (_duplicate("attributions"), "gx-unique-ids", "attributions", "expect_compound_columns_to_be_unique"),
        (_duplicate("documents"), "gx-unique-ids", "documents", "expect_column_values_to_be_unique"),
        (_set("entities", "type", "PERSONA"), "gx-label-sets", "entities", "expect_column_values_to_be_in_set"),
        (_set("mentions", "kind", "XX"), "gx-label-sets", "mentions", "expect_column_values_to_be_in_set"),
        (_set("relations", "label", "per:friend"), "gx-label-sets", "relations", "expect_column_values_to_be_in_set"),
        (_set("attributions", "type", "hearsay"), "gx-label-sets", "attributions", "expect_column_values_to_be_in_set"),
        (_set("documents", "last_token_end", len(TEXT) + 1), "gx-offsets", "documents", "expect_column_pair_values_a_to_be_greater_than_b"),
        (_set("documents", "first_token_start", -1), "gx-offsets", "documents", "expect_column_values_to_be_between"),
        (_set("documents", "overlapping_tokens", 1), "gx-offsets", "documents", "expect_column_values_to_be_between"),
        (_set("documents", "empty_tokens", 2), "gx-offsets", "documents", "expect_column_values_to_be_between"),
        (_set("documents", "tokens", 0), "gx-sanity-ranges", "documents", "expect_column_values_to_be_between"),
        (_set("mentions", "start", -1), "gx-offsets", "mentions", "expect_column_values_to_be_between"),
        (_set("mentions", "head_end", 14), "gx-offsets", "mentions", "expect_column_pair_values_a_to_be_greater_than_b"),
        (_set("attributions", "end", len(TEXT) + 1, row=2), "gx-offsets", "attributions", "expect_column_pair_values_a_to_be_greater_than_b"),
        (_set("sentences", "end", len(TEXT) + 5), "gx-offsets", "sentences", "expect_column_pair_values_a_to_be_greater_than_b"),
        (_set("mentions", "entity_key", "tiny/e9"), "gx-references", "mentions", "expect_column_values_to_be_in_set"),
        (_set("mentions", "entity_key", "other/e1"), "gx-references", "mentions", "expect_column_values_to_be_in_set"),
        (_set("relations", "tail_key", "tiny/e7"), "gx-references", "relations", "expect_column_values_to_be_in_set"),
        (_set("attributions", "parent_key", "tiny/a9"), "gx-references", "attributions", "expect_column_values_to_be_in_set"),
        (_set("attributions", "source_entity_key", "tiny/e8"), "gx-references", "attributions", "expect_column_values_to_be_in_set"),
        (_set("sentences", "tokens", 0), "gx-sanity-ranges", "sentences", "expect_column_values_to_be_between"),
        (_set("sentences", "tokens", 201), "gx-sanity-ranges", "sentences", "expect_column_values_to_be_between"),
        (_set("entities", "mentions", 0), "gx-sanity-ranges", "entities", "expect_column_values_to_be_between"),
        (_set("entities", "mentions", 201), "gx-sanity-ranges", "entities", "expect_column_values_to_be_between"),
    ],
)
def test_checks_gx_violating_table_fires_its_check(mutate: Callable[[dict[str, pd.DataFrame]], None], check: str, table: str, expectation: str) -> None:
    frames = tables([clean_document()])
    mutate(frames)
    found = check_tables(frames)
    assert [f.check for f in found] == [check]
    assert found[0].document == "tiny"
    assert found[0].level == CATALOGUE[check].level
    assert f"table `{table}`" in found[0].message and expectation in found[0].message
    rows = 2 if "unique" in expectation else 1  # both copies of a duplicate fail
    assert f"fails for {rows} row(s)" in found[0].message


@pytest.mark.parametrize(
    ("layers", "check", "annotation"),
    [
        (
            {
                "mentions": (
                    _mention("m1", "e9", "NAM", 0, 13),
                    _mention("m2", "e2", "NAM", 18, 35),
                    _mention("m3", "e3", "NAM", 39, 45),
                    _mention("m4", "e1", "PRO", 47, 49),
                )
            },
            "gx-references",
            "m1",
        ),
        (
            {
                "relations": (
                    Relation(id="r1", label="per:associate", head="e1", tail="e2", evidence=(0,)),
                    Relation(id="r1", label="per:associate", head="e2", tail="e1", evidence=(0,)),
                )
            },
            "gx-unique-ids",
            "r1",
        ),
        (
            {
                "mentions": (
                    _mention("m1", "e1", "NAM", 0, 13),
                    _mention("m2", "e2", "NAM", 18, 35),
                    _mention("m3", "e3", "NAM", 39, 45),
                    Mention(id="m4", entity="e1", kind="PRO", start=47, end=99, text="He", head_start=47, head_end=49),
                )
            },
            "gx-offsets",
            "m4",
        ),
        (
            {
                "attributions": (
                    Attribution(id="a1", type="direct", cue=(_fragment(50, 54),), source=(), content=(_fragment(55, 74),), source_entity="e1", parent="a2"),
                )
            },
            "gx-references",
            "a1",
        ),
    ],
)
def test_checks_gx_violating_document_fires_its_check(layers: dict[str, object], check: str, annotation: str) -> None:
    found = run_suites([clean_document(**layers)])
    assert [(f.check, f.document, f.annotation) for f in found] == [(check, "tiny", annotation)]


def test_checks_gx_entity_without_mention_is_a_sanity_warning() -> None:
    doc = clean_document(entities=clean_document().entities + (Entity(id="e4", type="ORG", name="Taliban"),))
    found = run_suites([doc])
    assert [(f.check, f.level, f.annotation) for f in found] == [("gx-sanity-ranges", "warning", "e4")]


def test_checks_gx_message_names_count_and_at_most_five_values() -> None:
    frames = tables([clean_document()])
    frames["sentences"] = pd.concat([frames["sentences"]] * 7, ignore_index=True)
    frames["sentences"]["id"] = range(len(frames["sentences"]))
    frames["sentences"]["start"] = range(len(frames["sentences"]))  # unique, but each sentence is now empty
    frames["sentences"]["end"] = frames["sentences"]["start"]
    found = [f for f in check_tables(frames) if f.check == "gx-offsets"]
    assert len(found) == 1
    count = len(frames["sentences"])
    assert f"fails for {count} row(s)" in found[0].message
    assert found[0].message.count("#") == 5 and found[0].message.endswith(", ...")
    assert found[0].span == (0, 0)


def test_checks_gx_tokens_are_checked_through_per_document_aggregates() -> None:
    tokens, _ = tokenize(TEXT)
    doc = clean_document()
    frame = tables([doc])["documents"]
    assert frame.to_dict("records") == [
        {
            "document": "tiny",
            "id": "tiny",
            "text_length": len(TEXT),
            "tokens": len(tokens),
            "first_token_start": tokens[0].start,
            "last_token_end": tokens[-1].end,
            "overlapping_tokens": 0,
            "empty_tokens": 0,
        }
    ]
    from dataclasses import replace

    swapped = tables([replace(doc, tokens=(tokens[1], tokens[0], *tokens[2:]))])["documents"]
    assert swapped["overlapping_tokens"].tolist() == [1]


def test_checks_gx_findings_are_split_per_document() -> None:
    frames = tables([clean_document("aa"), clean_document("bb")])
    frames["mentions"]["kind"] = "XX"
    found = check_tables(frames)
    assert [(f.check, f.document, f.annotation) for f in found] == [("gx-label-sets", "aa", None), ("gx-label-sets", "bb", None)]
    assert all("fails for 4 row(s)" in f.message for f in found)


def test_checks_gx_missing_column_is_refused() -> None:
    frames = tables([clean_document()])
    frames["mentions"] = frames["mentions"].drop(columns=["entity_key"])
    with pytest.raises(ValueError, match="mentions.entity_key"):
        check_tables(frames)


def test_checks_gx_wrong_dtype_is_refused_not_reported() -> None:
    frames = tables([clean_document()])
    frames["sentences"]["start"] = frames["sentences"]["start"].astype(str)
    with pytest.raises(ValueError, match="table `sentences`"):
        check_tables(frames)


def test_checks_gx_ids_are_catalogued_in_group_tables() -> None:
    assert all(CATALOGUE[check].group == "tables" for check in GX_IDS)


def _project(root: Path) -> Path:
    (root / "corpus").mkdir(parents=True)
    (root / "annotations").mkdir()
    (root / "corpus" / "tiny.txt").write_text(
        "---\nid: tiny\ntitle: null\nsource: null\nurl: null\npublished: null\nlanguage: en\nlicence: CC0-1.0\nsplit: test\n---\n" + TEXT + "\n",
        encoding="utf-8",
    )
    (root / "annotations" / "tiny.yaml").write_text(
        "document: tiny\nentities:\n- {id: e1, type: PERSON, name: Ahmad Massoud}\nmentions:\n"
        "- {id: m1, entity: e1, kind: NAM, start: 0, end: 13, text: Ahmad Massoud, head: {start: 0, end: 13, text: Ahmad Massoud}}\n"
        "- {id: m2, entity: e9, kind: PRO, start: 47, end: 49, text: He, head: {start: 47, end: 49, text: He}}\n"
        "values: []\nrelations: []\nattributions: []\n",
        encoding="utf-8",
    )
    return root


def _long_sentence_project(root: Path) -> Path:
    """A document the located checks accept but whose one sentence has 201+ tokens:
    only the suites' per-document sanity range (a warning) sees it."""
    (root / "corpus").mkdir(parents=True)
    (root / "annotations").mkdir()
    text = " ".join(["word"] * 205) + "."
    (root / "corpus" / "long.txt").write_text("---\nid: long\nlanguage: en\nlicence: CC0-1.0\nsplit: test\n---\n" + text, encoding="utf-8")
    (root / "annotations" / "long.yaml").write_text("document: long\n", encoding="utf-8")
    return root


def test_checks_gx_suites_skip_documents_with_located_errors(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    _, found = validate(root=root)
    assert [(f.check, f.path, f.line, f.annotation) for f in found] == [("ref-missing", "annotations/tiny.yaml", 6, "m2")]


def test_checks_gx_suites_join_the_findings_of_clean_documents(tmp_path: Path) -> None:
    root = _long_sentence_project(tmp_path / "project")
    _, found = validate(root=root)
    assert [(f.check, f.level, f.document) for f in found] == [("gx-sanity-ranges", "warning", "long")]
    _, fast = validate(root=root, gx=False)
    assert fast == []


@pytest.mark.parametrize(("flags", "shown"), [((), True), (("--no-gx",), False)])
def test_checks_gx_cli_no_gx_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: tuple[str, ...], shown: bool) -> None:
    root = _long_sentence_project(tmp_path / "project")
    assert main(["--root", str(root), "validate", *flags]) == 0
    captured = capsys.readouterr()
    assert ("warning[gx-sanity-ranges]" in captured.err + captured.out) is shown


def test_checks_gx_duplicate_entity_ids_in_a_document_fire_once() -> None:
    entities = clean_document().entities + (Entity(id="e3", type="GPE", name="Tehran"),)
    found = run_suites([clean_document(entities=entities)])
    assert [(f.check, f.annotation) for f in found] == [("gx-unique-ids", "e3")]
    assert "fails for 2 row(s)" in found[0].message


@pytest.mark.parametrize(
    "values, keys",
    [
        (["d/a", None, "d/x", "d/b", None], ["d/a", "d/b", None]),  # nulls on both sides, and a key that is no entity's
        ([None, None], ["d/a"]),  # an all-None column is pandas' object dtype
        ([], []),
        (["d/a", "d/b"], [None, None]),  # a pool with no key
    ],
)
def test_checks_gx_references_are_blanked_as_a_set_lookup_would(values: list[str | None], keys: list[str | None]) -> None:
    """``_resolved`` blanks each reference that names a key of its pool, in Arrow; the definition is a Python set."""
    from khabar.checks.gx import Expect, _resolved

    as_str = lambda items: pd.Series(items, dtype="str" if any(v is not None for v in items) else object)  # noqa: E731 - as tables() makes them
    frames = {"relations": pd.DataFrame({"head_key": as_str(values)}), "entities": pd.DataFrame({"key": as_str(keys)})}
    expect = Expect("gx-references", "ExpectColumnValuesToBeNull", {"column": "head_key"}, "every reference names a key", pool=("entities", "key"))
    named = set(frames["entities"]["key"].dropna())
    expected = frames["relations"]["head_key"].where([v not in named for v in frames["relations"]["head_key"]])
    got = _resolved(frames, "relations", [expect])["head_key"]
    assert got.equals(expected) and got.dtype == expected.dtype
    assert frames["relations"]["head_key"].tolist() == as_str(values).tolist()  # the input is not changed
