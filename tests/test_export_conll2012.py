"""CoNLL-2012 export: read our own output back and compare it with the annotations.

The reader here is written from the format description (coreference brackets in
the last column, one stack of open mentions per cluster, blank lines between
sentences); it keeps every mention, where the Perl reference scorer keeps only
one of two identical spans.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES

from khabar.core.findings import KhabarError
from khabar.export import EXPORTERS
from khabar.export.common import token_range
from khabar.export.conll2012 import COLUMNS, FILE_NAME, cluster_numbers, docs_to_conll2012, render_conll2012
from khabar.io import load_project
from khabar.schema.model import Document, Mention, Value

Span = tuple[int, int]


def _documents(root: Path) -> list[Document]:
    return sorted(load_project(root=root).documents, key=lambda d: d.id)


@pytest.fixture(scope="module", params=["repository", "fixture"])
def documents(request: pytest.FixtureRequest, project_root: Path) -> list[Document]:
    return _documents(project_root if request.param == "repository" else FIXTURES / "valid")


def _parse(text: str) -> dict[str, dict[str, list[list[str]]]]:
    """document name -> {"rows": token rows, "sentences": rows per sentence}."""
    out: dict[str, dict[str, list[list[str]]]] = {}
    name, sentence = None, []
    for line in text.split("\n"):
        begin = re.fullmatch(r"#begin document \((.+)\); part 000", line)
        if begin:
            name = begin[1]
            out[name] = {"rows": [], "sentences": []}
        elif line == "#end document":
            name = None
        elif line == "":
            if sentence and name is not None:
                out[name]["sentences"].append(sentence)
            sentence = []
        else:
            assert name is not None, f"a token line outside a document: {line!r}"
            row = line.split("\t")
            out[name]["rows"].append(row)
            sentence.append(row)
    return out


def _clusters(rows: list[list[str]]) -> dict[int, list[Span]]:
    """Cluster number -> its mentions' inclusive token spans (sorted, repeats kept)."""
    clusters: dict[int, list[Span]] = defaultdict(list)
    open_at: dict[int, list[int]] = defaultdict(list)
    for t, row in enumerate(rows):
        if row[-1] == "-":
            continue
        for part in row[-1].split("|"):
            whole = re.fullmatch(r"\((\d+)\)", part)
            start = re.fullmatch(r"\((\d+)", part)
            end = re.fullmatch(r"(\d+)\)", part)
            if whole:
                clusters[int(whole[1])].append((t, t))
            elif start:
                open_at[int(start[1])].append(t)
            else:
                assert end, f"bad coreference part {part!r}"
                clusters[int(end[1])].append((open_at[int(end[1])].pop(), t))
    assert not any(open_at.values()), "a mention was opened and never closed"
    return {n: sorted(spans) for n, spans in clusters.items()}


def _ner(rows: list[list[str]]) -> list[tuple[int, int, str]]:
    spans, opened = [], None
    for t, row in enumerate(rows):
        cell = row[-2]
        if match := re.fullmatch(r"\(([A-Z_]+)\)", cell):
            spans.append((t, t, match[1]))
        elif match := re.fullmatch(r"\(([A-Z_]+)\*", cell):
            opened = (t, match[1])
        elif cell == "*)":
            assert opened is not None
            spans.append((opened[0], t, opened[1]))
            opened = None
        else:
            assert cell == "*"
    return spans


def _annotated_clusters(doc: Document, *, singletons: bool = True) -> dict[int, list[Span]]:
    numbers = cluster_numbers(doc=doc)
    clusters: dict[int, list[Span]] = defaultdict(list)
    for m in doc.mentions:
        clusters[numbers[m.entity]].append(tuple(token_range(doc, m.start, m.end)))  # type: ignore[arg-type]
    return {n: sorted(spans) for n, spans in clusters.items() if singletons or len(spans) > 1}


def _export(documents: list[Document], tmp_path: Path, **options: bool) -> dict[str, dict[str, list[list[str]]]]:
    [path] = docs_to_conll2012(documents=documents, out=tmp_path, **options)
    assert path == tmp_path / FILE_NAME
    return _parse(path.read_text(encoding="utf-8"))


def test_export_conll2012_is_in_the_exporters_table() -> None:
    assert EXPORTERS["conll2012"] is docs_to_conll2012


@pytest.mark.parametrize("singletons", [True, False])
def test_export_conll2012_clusters_equal_the_annotation(documents: list[Document], tmp_path: Path, singletons: bool) -> None:
    parsed = _export(documents, tmp_path, singletons=singletons)
    assert list(parsed) == [d.id for d in documents]
    for doc in documents:
        assert _clusters(parsed[doc.id]["rows"]) == _annotated_clusters(doc, singletons=singletons)


def test_export_conll2012_keeps_identical_spans_of_different_entities(tmp_path: Path) -> None:
    [doc] = _documents(FIXTURES / "valid")
    copied = doc.mentions[0]
    other = next(e.id for e in doc.entities if e.id != copied.entity)
    twin = Mention(
        id="twin", entity=other, kind=copied.kind, start=copied.start, end=copied.end, text=copied.text, head_start=copied.head_start, head_end=copied.head_end
    )
    doubled = replace(doc, mentions=doc.mentions + (twin,))
    clusters = _clusters(_export([doubled], tmp_path)[doc.id]["rows"])
    span = tuple(token_range(doc, copied.start, copied.end))
    numbers = cluster_numbers(doc=doubled)
    assert span in clusters[numbers[copied.entity]] and span in clusters[numbers[other]]
    assert clusters == _annotated_clusters(doubled)


def test_export_conll2012_columns_are_constant_and_tokens_complete(documents: list[Document], tmp_path: Path) -> None:
    parsed = _export(documents, tmp_path)
    for doc in documents:
        rows, sentences = parsed[doc.id]["rows"], parsed[doc.id]["sentences"]
        assert {len(row) for row in rows} == {COLUMNS}
        assert [row[3] for row in rows] == [t.text for t in doc.tokens]
        assert {row[0] for row in rows} == {doc.id} and {row[1] for row in rows} == {"0"}
        assert len(sentences) == len(doc.sentences)
        assert all([row[2] for row in sentence] == [str(i) for i in range(len(sentence))] for sentence in sentences)
        assert all(set(row[4:10]) == {"-"} for row in rows)


def test_export_conll2012_ner_column_equals_the_ner_layer(documents: list[Document], tmp_path: Path) -> None:
    parsed = _export(documents, tmp_path)
    for doc in documents:
        expected = [(*token_range(doc, s.start, s.end), s.label) for s in doc.ner]
        assert _ner(parsed[doc.id]["rows"]) == expected


def test_export_conll2012_numbers_clusters_in_order_of_first_mention(documents: list[Document], tmp_path: Path) -> None:
    parsed = _export(documents, tmp_path)
    for doc in documents:
        seen: list[int] = []
        for row in parsed[doc.id]["rows"]:
            for number in re.findall(r"\((\d+)", row[-1]):
                if int(number) not in seen:
                    seen.append(int(number))
        assert seen == list(range(len(doc.entities)))


def _brackets(rows: list[list[str]]) -> list[tuple[list[Span], list[Span]]]:
    """Per token: the (first, last) token spans of the multi-token mentions opened there, then of those closed
    there, each in the column's order (an opening is paired with its closing by its cluster's stack)."""
    cells: list[tuple[list[dict[str, int]], list[dict[str, int]]]] = [([], []) for _ in rows]
    open_at: dict[int, list[dict[str, int]]] = defaultdict(list)
    for t, row in enumerate(rows):
        for part in row[-1].split("|") if row[-1] != "-" else ():
            if start := re.fullmatch(r"\((\d+)", part):
                mention = {"first": t}
                open_at[int(start[1])].append(mention)
                cells[t][0].append(mention)
            elif end := re.fullmatch(r"(\d+)\)", part):
                mention = open_at[int(end[1])].pop()
                mention["last"] = t
                cells[t][1].append(mention)
    return [([(m["first"], m["last"]) for m in opened], [(m["first"], m["last"]) for m in closed]) for opened, closed in cells]


def test_export_conll2012_nested_brackets_of_one_token_are_balanced(project_root: Path, tmp_path: Path) -> None:
    """Where mentions of several clusters open (or close) on one token, the outermost opens first and the
    innermost closes first, so the brackets nest as the mentions do."""
    documents = _documents(project_root)
    parsed = _export(documents, tmp_path)
    cells = [cell for doc in documents for cell in _brackets(parsed[doc.id]["rows"])]
    for opened, closed in cells:
        assert [last for _, last in opened] == sorted((last for _, last in opened), reverse=True), opened
        assert [first for first, _ in closed] == sorted((first for first, _ in closed), reverse=True), closed
    assert any(len({last for _, last in opened}) > 1 for opened, _ in cells)  # the corpus has such tokens: the test can fail
    assert any(len({first for first, _ in closed}) > 1 for _, closed in cells)


def _valid_with(**layers: tuple) -> Document:
    """The valid fixture's document with some layers replaced (``ner`` is derived again)."""
    [doc] = _documents(FIXTURES / "valid")
    return replace(doc, **layers)


def test_export_conll2012_refuses_overlapping_ner_spans() -> None:
    """'on Monday' (DATE) and 'Monday' (CARDINAL) overlap on their last token: the NER column cannot hold both."""
    doc = _valid_with(values=(Value("v1", "DATE", 47, 56, "on Monday"), Value("v2", "CARDINAL", 50, 56, "Monday")))
    with pytest.raises(KhabarError) as raised:
        render_conll2012(doc=doc)
    [found] = raised.value.findings
    assert (found.check, found.document, found.span) == ("ner-overlap", "talks", (50, 56))
    assert found.message == "ner span CARDINAL 50-56 ('Monday') overlaps another; the NER column cannot nest"


def test_export_conll2012_adjacent_ner_spans_are_both_written(tmp_path: Path) -> None:
    doc = _valid_with(values=(Value("v1", "CARDINAL", 47, 49, "on"), Value("v2", "DATE", 50, 56, "Monday")))
    rows = _export([doc], tmp_path)["talks"]["rows"]
    tagged = [(row[3], row[-2]) for row in rows if row[-2] != "*"]
    assert tagged[tagged.index(("on", "(CARDINAL)")) + 1] == ("Monday", "(DATE)")


@pytest.mark.parametrize(
    ("layer", "item", "what"),
    [
        ("mentions", Mention("m1", "e1", "NOM", 0, 11, "Ahmad Masso", 0, 5), "mention m1 0-11 "),
        ("values", Value("v1", "DATE", 50, 55, "Monda"), "ner span DATE 50-55 "),
    ],
    ids=["mention", "ner-span"],
)
def test_export_conll2012_names_a_span_off_token_boundaries(layer: str, item: object, what: str) -> None:
    [doc] = _documents(FIXTURES / "valid")
    doc = replace(doc, **{layer: (item, *getattr(doc, layer)[1:])})
    with pytest.raises(KhabarError) as raised:
        render_conll2012(doc=doc)
    [found] = raised.value.findings
    assert found.check == "span-token-boundary" and found.message.startswith(what), found.message


def test_export_conll2012_writes_into_a_new_nested_folder_with_singletons_by_default(tmp_path: Path) -> None:
    [doc] = _documents(FIXTURES / "valid")
    [path] = docs_to_conll2012(documents=[doc], out=tmp_path / "new" / "folder")
    assert path.read_text(encoding="utf-8") == render_conll2012(doc=doc) == render_conll2012(doc=doc, singletons=True)
    assert render_conll2012(doc=doc) != render_conll2012(doc=doc, singletons=False)  # Tehran is a singleton
