"""CorefUD export: read every file back with udapi (the CorefUD reference library) and compare its clusters, heads,
entity types and split antecedents with the annotations."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, text_document
from udapi.block.read.conllu import Conllu
from udapi.core.document import Document as UdapiDocument

from khabar.core.findings import KhabarError
from khabar.export import EXPORTERS
from khabar.export.corefud import docs_to_corefud, render_corefud
from khabar.io import load_project
from khabar.io.tokenize import tokenize
from khabar.schema.model import Document, Entity, Mention, Sentence

Span = tuple[int, int]


def _read(path: Path) -> Any:
    """The file as udapi reads it: ``read.Conllu`` (HEAD is ``_``: no syntax, no warning asked for), then its entities."""
    doc = UdapiDocument()
    Conllu(files=[str(path)], empty_parent="ignore").apply_on_document(doc)
    return doc


def _token_index(doc: Document, offset: int, *, end: bool = False) -> int:
    """The token starting (or, ``end``, ending) at a character offset, found by a scan of the tokens."""
    return next(i for i, t in enumerate(doc.tokens) if (t.end if end else t.start) == offset)


def _expected(doc: Document) -> tuple[set[frozenset[Span]], dict[Span, set[int]], dict[frozenset[Span], str]]:
    """Clusters as sets of token spans, the head token(s) of each span, and each cluster's type, from the annotation."""
    clusters: dict[str, set[Span]] = {}
    heads: dict[Span, set[int]] = {}
    for m in doc.mentions:
        span = (_token_index(doc, m.start), _token_index(doc, m.end, end=True))
        clusters.setdefault(m.entity, set()).add(span)
        # The head word: the last token of the mention that overlaps the mention's head.
        heads.setdefault(span, set()).add(max(i for i in range(span[0], span[1] + 1) if doc.tokens[i].start < m.head_end and doc.tokens[i].end > m.head_start))
    types = {e.id: e.type.lower() for e in doc.entities}
    return {frozenset(c) for c in clusters.values()}, heads, {frozenset(c): types[e] for e, c in clusters.items()}


def _got(path: Path) -> tuple[set[frozenset[Span]], dict[Span, set[int]], dict[frozenset[Span], str], Any]:
    udoc = _read(path)
    index = {id(node): i for i, node in enumerate(udoc.nodes)}
    clusters, heads, types = set(), {}, {}
    for entity in udoc.coref_entities:
        spans = frozenset((index[id(m.words[0])], index[id(m.words[-1])]) for m in entity.mentions)
        clusters.add(spans)
        types[spans] = entity.etype
        for m in entity.mentions:
            assert [index[id(w)] for w in m.words] == list(range(index[id(m.words[0])], index[id(m.words[-1])] + 1))  # contiguous
            heads.setdefault((index[id(m.words[0])], index[id(m.words[-1])]), set()).add(index[id(m.head)])
    return clusters, heads, types, udoc


def test_export_corefud_is_in_the_exporters_table() -> None:
    assert EXPORTERS["corefud"] is docs_to_corefud


def test_export_corefud_udapi_reads_the_clusters_heads_and_types(export_documents: list[Document], tmp_path: Path) -> None:
    paths = docs_to_corefud(documents=export_documents, out=tmp_path)
    assert paths == [tmp_path / f"{d.id}.conllu" for d in export_documents]
    for doc, path in zip(export_documents, paths, strict=True):
        clusters, heads, types, udoc = _got(path)
        assert (clusters, heads, types) == _expected(doc), doc.id
        assert [n.form for n in udoc.nodes] == [t.text for t in doc.tokens]
        assert "".join(n.form + ("" if n.no_space_after else " ") for n in udoc.nodes).split() == doc.text.split()


def test_export_corefud_group_entities_have_their_members_as_split_antecedents(export_documents: list[Document], tmp_path: Path) -> None:
    groups = 0
    for doc, path in zip(export_documents, docs_to_corefud(documents=export_documents, out=tmp_path), strict=True):
        _, _, _, udoc = _got(path)
        first_span = {}
        for m in sorted(doc.mentions, key=lambda m: (m.start, -m.end)):
            first_span.setdefault(m.entity, (_token_index(doc, m.start), _token_index(doc, m.end, end=True)))
        index = {id(node): i for i, node in enumerate(udoc.nodes)}
        by_first = {min((index[id(m.words[0])], index[id(m.words[-1])]) for m in e.mentions): e for e in udoc.coref_entities}
        for e in doc.entities:
            members = sorted(first_span[x] for x in e.members)
            got = sorted(min((index[id(m.words[0])], index[id(m.words[-1])]) for m in a.mentions) for a in by_first[first_span[e.id]].split_ante)
            assert got == members, (doc.id, e.id)
            groups += bool(e.members)
    assert groups or all(not e.members for d in export_documents for e in d.entities)


def test_export_corefud_joins_the_sentences_a_mention_crosses(tmp_path: Path) -> None:
    [doc] = load_project(root=FIXTURES / "valid").documents
    first = doc.mentions[0]  # "Ahmad Massoud", two tokens of the first sentence
    cut = doc.tokens[_token_index(doc, first.start) + 1].start  # a sentence boundary inside the mention
    split = (Sentence(doc.sentences[0].start, cut - 1), Sentence(cut, doc.sentences[0].end), *doc.sentences[1:])
    crossed = replace(doc, sentences=split)
    [path] = docs_to_corefud(documents=[crossed], out=tmp_path)
    clusters, heads, types, udoc = _got(path)
    assert (clusters, heads, types) == _expected(doc)
    assert len(udoc.bundles) == len(doc.sentences)  # the two halves are one CoNLL-U sentence again


def test_export_corefud_nested_mentions_of_one_token_are_well_ordered(tmp_path: Path) -> None:
    """Two mentions starting on one token and one ending on it: the longer opens first (CorefUD's rule 2), udapi
    reads both with their own heads."""
    [doc] = load_project(root=FIXTURES / "valid").documents
    outer = next(m for m in doc.mentions if len(m.text.split()) > 1)
    inner = Mention(
        id="inner",
        entity=outer.entity,
        kind="NOM",
        start=outer.start,
        end=outer.start + len(outer.text.split()[0]),
        text=outer.text.split()[0],
        head_start=outer.start,
        head_end=outer.start + len(outer.text.split()[0]),
    )
    nested = replace(doc, mentions=(*doc.mentions, inner))
    [path] = docs_to_corefud(documents=[nested], out=tmp_path)
    assert _got(path)[:3] == _expected(nested)
    line = next(x for x in path.read_text(encoding="utf-8").splitlines() if x.startswith("1\t") and "Entity=" in x)
    assert "Entity=(e1-person-2(e1-person-1)" in line


def test_export_corefud_refuses_a_mention_off_token_boundaries() -> None:
    [doc] = load_project(root=FIXTURES / "valid").documents
    off = Mention("m1", "e1", "NOM", 0, 11, "Ahmad Masso", 0, 5)
    with pytest.raises(KhabarError) as raised:
        render_corefud(doc=replace(doc, mentions=(off, *doc.mentions[1:])))
    [found] = raised.value.findings
    assert found.check == "span-token-boundary" and found.message.startswith("mention m1 0-11 "), found.message


def _tiny() -> Document:
    """A hand-made document: a two-token name with its head last, a one-token name before a full stop, and a group
    of the two whose text holds a double space."""
    text = "Ahmad Massoud met Khan. The two men  left together.\n"

    def mention(mid: str, entity: str, kind: str, words: str, head: str) -> Mention:
        start = text.index(words)
        return Mention(mid, entity, kind, start, start + len(words), words, text.index(head, start), text.index(head, start) + len(head))

    return text_document(
        doc_id="tiny",
        text=text,
        entities=(
            Entity(id="both", type="PERSON", name="the two men", members=("khan", "ahmad")),
            Entity(id="khan", type="PERSON", name="Khan"),
            Entity(id="ahmad", type="PERSON", name="Ahmad Massoud"),
        ),
        mentions=(
            mention("m3", "both", "NOM", "The two men", "men"),
            mention("m2", "khan", "NAM", "Khan", "Khan"),
            mention("m1", "ahmad", "NAM", "Ahmad Massoud", "Massoud"),
        ),
    )


def test_export_corefud_writes_what_the_format_says_for_a_hand_made_document() -> None:
    """Written out by hand from the module's description of the format (not from its output)."""
    columns = "\t_" * 7
    expected = [
        "# newdoc id = tiny",
        "# global.Entity = eid-etype-head-other",
        "# sent_id = tiny-1",
        "# text = Ahmad Massoud met Khan.",
        f"1\tAhmad{columns}\tEntity=(e1-person-2",
        f"2\tMassoud{columns}\tEntity=e1)",
        f"3\tmet{columns}\t_",
        f"4\tKhan{columns}\tEntity=(e2-person-1)|SpaceAfter=No",
        f"5\t.{columns}\t_",
        "",
        "# sent_id = tiny-2",
        "# text = The two men left together.",
        f"1\tThe{columns}\tEntity=(e3-person-3|SplitAnte=e2<e3,e1<e3",
        f"2\ttwo{columns}\t_",
        f"3\tmen{columns}\tEntity=e3)",
        f"4\tleft{columns}\t_",
        f"5\ttogether{columns}\tSpaceAfter=No",
        f"6\t.{columns}\t_",
        "",
    ]
    assert render_corefud(doc=_tiny()).split("\n") == [*expected, ""]


def test_export_corefud_refuses_a_group_whose_member_does_not_exist(tmp_path: Path) -> None:
    doc = _tiny()
    broken = replace(doc, entities=(replace(doc.entities[0], members=("khan", "nobody", "ghost")), *doc.entities[1:]))
    with pytest.raises(KhabarError) as raised:
        docs_to_corefud(documents=[doc, broken], out=tmp_path / "out")
    assert [(f.check, f.document, f.annotation, f.message) for f in raised.value.findings] == [
        ("ref-missing", "tiny", "both", f"entity both names member {name!r}, which does not exist") for name in ("nobody", "ghost")
    ]
    assert not (tmp_path / "out" / "tiny.conllu").exists()  # the good document is not written either


def test_export_corefud_brackets_on_one_token_follow_the_canonical_order(tmp_path: Path) -> None:
    """Nested, crossing and touching mentions, written out by hand from the rules in the module's description: longer
    mentions open first, inner ones close first, a one-token mention sits inside what closes on its token, and closings
    come before openings where both meet."""
    text = "Ali met Bob, Cem and Dan. Ali Bob Cem Dan left.\n"
    tokens, sentences = tokenize(text)
    second = text.index("Ali Bob")

    def mention(mid: str, entity: str, words: str, head: str, at: int) -> Mention:
        start = text.index(words, at)
        return Mention(mid, entity, "NAM", start, start + len(words), words, text.index(head, start), text.index(head, start) + len(head))

    names = ("ali", "bob", "cem", "dan")
    doc = replace(
        _tiny(),
        id="order",
        text=text,
        tokens=tokens,
        sentences=sentences,
        entities=tuple(Entity(id=n, type="PERSON", name=n.title()) for n in names),
        mentions=(
            *(mention(f"first-{n}", n, n.title(), n.title(), 0) for n in names),
            mention("m1", "dan", "Ali Bob Cem Dan", "Ali Bob Cem Dan", second),  # the outer mention of a later cluster
            mention("m2", "bob", "Ali Bob", "Ali Bob", second),
            mention("m3", "cem", "Bob", "Bob", second),
            mention("m4", "ali", "Cem Dan", "Cem Dan", second),  # the inner one of an earlier cluster
            mention("m5", "cem", "Dan", "Dan", second),
            mention("m6", "bob", "Dan left.", "Dan", second),
        ),
    )
    misc = [row.split("\t")[-1] for row in render_corefud(doc=doc).splitlines() if row and not row.startswith("#")]
    assert misc[8:] == [
        "Entity=(e4-person-4(e2-person-2",  # Ali: the longer mention opens first, whatever its cluster's number
        "Entity=(e3-person-1)e2)",  # Bob: the one-token mention inside the one closing there
        "Entity=(e1-person-2",  # Cem
        "Entity=e1)e4)(e2-person-1(e3-person-1)",  # Dan: inner closes first; closings, then openings, then one-token mentions
        "SpaceAfter=No",  # left
        "Entity=e2)",  # the full stop, the document's last token, ends a mention
    ]
    assert docs_to_corefud(documents=[doc], out=tmp_path / "a" / "b") == [tmp_path / "a" / "b" / "order.conllu"]  # folders made
