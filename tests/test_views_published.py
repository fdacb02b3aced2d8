"""Every published config checked by an independent route.

What each row of each config must say is rebuilt here from the annotation files
themselves (``yaml.safe_load`` of ``annotations/<id>.yaml``, the corpus file's
front matter and text) by simple code that shares nothing with
:mod:`khabar.views` or :mod:`khabar.schema.derive`: the flat NER layer by a
quadratic containment test, BIO tags token by token within each sentence, the
coreference clusters read back from token ranges to mention offsets and texts.
Only the tokenizer is shared: tokens are the views' input, not their work.

The rows compared are those of the parquet files a build publishes (both
splits, of the gold and of a generated corpus) and those the view functions
make for generated documents (hypothesis: documents of
:mod:`khabar.workflow.synthetic`, and small documents made for the NER edge cases:
adjacent names of one type, names at a sentence's end, names nested in names).
Nothing here touches the network.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml
from conftest import ROOT
from datasets import Features
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar.io.annotation_write import render_annotations
from khabar.io.corpus_files import DOCUMENT_META
from khabar.io.tokenize import pipeline, tokenize
from khabar.schema.labels import ATTRIBUTION_ROLES, ENTITY_TYPES, NER_LABELS, SPLITS, VALUE_TYPES
from khabar.schema.model import Document, Entity, Mention, Value
from khabar.views.configs import CONFIGS, config, view_rows
from khabar.workflow.synthetic import synthetic_document

CONFIG_NAMES = [c.name for c in CONFIGS]
pipeline()  # made before hypothesis runs: spaCy draws from `random` when it makes the pipeline, which hypothesis flags in a strategy
Row = dict[str, Any]


@dataclass(frozen=True)
class Source:
    """One document as its files state it: front matter, text, and the annotation file parsed as plain YAML."""

    meta: dict[str, Any]
    text: str
    annotation: dict[str, Any]

    def layer(self, key: str) -> list[dict[str, Any]]:
        return self.annotation.get(key) or []

    def tokens(self) -> list[Row]:
        return [{"start": t.start, "end": t.end, "text": self.text[t.start : t.end]} for t in tokenize(self.text)[0]]

    def sentences(self) -> list[Row]:
        return [{"start": s.start, "end": s.end} for s in tokenize(self.text)[1]]


def read_sources(root: Path) -> list[Source]:
    """Every document of the project at ``root``, read straight from its two files."""
    out = []
    for path in sorted((root / "corpus").glob("*.txt")):
        _, front, text = path.read_text(encoding="utf-8").split("---\n", 2)
        annotation = yaml.safe_load((root / "annotations" / f"{path.stem}.yaml").read_text(encoding="utf-8"))
        out.append(Source(yaml.safe_load(front), text, annotation))
    return out


def source_of(doc: Document) -> Source:
    """A generated document as its files would state it (its annotation file rendered, then parsed as YAML)."""
    return Source({key: getattr(doc, key) for key in DOCUMENT_META}, doc.text, yaml.safe_load(render_annotations(doc)))


# --- the independent route: what each config's rows must say ---------------------------


def ner_spans(src: Source) -> list[Row]:
    """The flat layer: heads of name mentions of an OntoNotes type that no other such head contains, and every value."""
    types = {e["id"]: e["type"] for e in src.layer("entities")}
    heads = {
        (m["head"]["start"], m["head"]["end"], types[m["entity"]]) for m in src.layer("mentions") if m["kind"] == "NAM" and types.get(m["entity"]) in NER_LABELS
    }
    kept = {h for h in heads if not any(o[:2] != h[:2] and o[0] <= h[0] and h[1] <= o[1] for o in heads)}
    kept |= {(v["start"], v["end"], v["type"]) for v in src.layer("values")}
    return [{"start": s, "end": e, "label": label, "text": src.text[s:e]} for s, e, label in sorted(kept)]


def bio_tag(token: Row, spans: list[Row]) -> str:
    span = next((s for s in spans if s["start"] <= token["start"] and token["end"] <= s["end"]), None)
    if span is None:
        return "O"
    return ("B-" if token["start"] == span["start"] else "I-") + span["label"]


def in_sentence(tokens: list[Row], sentence: Row) -> list[Row]:
    return [t for t in tokens if sentence["start"] <= t["start"] and t["end"] <= sentence["end"]]


def documents_rows(src: Source) -> list[Row]:
    def spans(items: list[dict[str, Any]]) -> list[Row]:
        return [{"start": f["start"], "end": f["end"], "text": f["text"]} for f in items]

    return [
        {
            **{key: src.meta.get(key) for key in DOCUMENT_META},
            "text": src.text,
            "sentences": src.sentences(),
            "tokens": src.tokens(),
            "entities": [{"id": e["id"], "type": e["type"], "name": e["name"], "members": list(e.get("members") or [])} for e in src.layer("entities")],
            "mentions": [
                {
                    "id": m["id"],
                    "entity": m["entity"],
                    "kind": m["kind"],
                    "start": m["start"],
                    "end": m["end"],
                    "text": m["text"],
                    "head_start": m["head"]["start"],
                    "head_end": m["head"]["end"],
                }
                for m in src.layer("mentions")
            ],
            "values": [{"id": v["id"], "type": v["type"], "start": v["start"], "end": v["end"], "text": v["text"]} for v in src.layer("values")],
            "relations": [
                {"id": r["id"], "label": r["label"], "head": r["head"], "tail": r["tail"], "evidence": list(r.get("evidence") or [])}
                for r in src.layer("relations")
            ],
            "attributions": [
                {
                    "id": a["id"],
                    "type": a["type"],
                    **{role: spans(a.get(role) or []) for role in ATTRIBUTION_ROLES},
                    "source_entity": a.get("source_entity"),
                    "parent": a.get("parent"),
                }
                for a in src.layer("attributions")
            ],
            "ner": ner_spans(src),
        }
    ]


def ner_rows(src: Source) -> list[Row]:
    doc, spans, tokens = src.meta["id"], ner_spans(src), src.tokens()
    return [
        {
            "id": f"{doc}-{number:04d}",
            "document_id": doc,
            "sentence": number,
            "tokens": [t["text"] for t in words],
            "ner_tags": [bio_tag(t, spans) for t in words],
        }
        for number, words in enumerate(in_sentence(tokens, s) for s in src.sentences())
    ]


def coref_rows(src: Source) -> list[Row]:
    """The coref row in a comparable form: each cluster as (mention offsets, mention texts, entity, type),
    clusters in text order of their mentions (the view's order of token ranges)."""
    tokens, entities = src.tokens(), {e["id"]: e for e in src.layer("entities")}
    chains: dict[str, list[tuple[int, int, str]]] = {}
    for m in src.layer("mentions"):
        chains.setdefault(m["entity"], []).append((m["start"], m["end"], m["text"]))
    clusters = sorted((sorted(c), entity, entities[entity]["type"]) for entity, c in chains.items())
    return [
        {
            "id": src.meta["id"],
            "sentences": [[t["text"] for t in in_sentence(tokens, s)] for s in src.sentences()],
            "clusters": [([(s, e) for s, e, _ in c], [text for _, _, text in c], entity, kind) for c, entity, kind in clusters],
        }
    ]


def coref_back(row: Row, src: Source) -> Row:
    """A published coref row read back: each token range to the character offsets and text it covers."""
    tokens = src.tokens()

    def back(first: int, last: int) -> tuple[int, int, str]:
        start, end = tokens[first]["start"], tokens[last]["end"]
        return start, end, src.text[start:end]

    clusters = [[back(first, last) for first, last in spans] for spans in row["clusters"]]
    return {
        "id": row["id"],
        "sentences": row["sentences"],
        "clusters": [
            ([(s, e) for s, e, _ in c], [text for _, _, text in c], entity, kind)
            for c, entity, kind in zip(clusters, row["cluster_entities"], row["cluster_types"], strict=True)
        ],
    }


def relations_rows(src: Source) -> list[Row]:
    doc, entities, sentences = src.meta["id"], {e["id"]: e for e in src.layer("entities")}, src.sentences()

    def entity(key: str) -> Row:
        return {"id": key, "name": entities[key]["name"], "type": entities[key]["type"]}

    return [
        {
            "id": f"{doc}-{r['id']}",
            "document_id": doc,
            "label": r["label"],
            "head": entity(r["head"]),
            "tail": entity(r["tail"]),
            "evidence": list(r.get("evidence") or []),
            "evidence_text": [src.text[sentences[i]["start"] : sentences[i]["end"]] for i in r.get("evidence") or []],
        }
        for r in src.layer("relations")
    ]


def attributions_rows(src: Source) -> list[Row]:
    doc, names = src.meta["id"], {e["id"]: e["name"] for e in src.layer("entities")}
    out = []
    for a in src.layer("attributions"):
        roles = {role: [{"start": f["start"], "end": f["end"], "text": f["text"]} for f in a.get(role) or []] for role in ATTRIBUTION_ROLES}
        who, parent = a.get("source_entity"), a.get("parent")
        out.append(
            {
                "id": f"{doc}-{a['id']}",
                "document_id": doc,
                "type": a["type"],
                **roles,
                **{f"{role}_text": " … ".join(f["text"] for f in roles[role]) for role in ATTRIBUTION_ROLES},
                "source_entity": who,
                "source_entity_name": names[who] if who else None,
                "parent": f"{doc}-{parent}" if parent else None,
            }
        )
    return out


EXPECTED: dict[str, Callable[[Source], list[Row]]] = {
    "documents": documents_rows,
    "ner": ner_rows,
    "coref": coref_rows,
    "relations": relations_rows,
    "attributions": attributions_rows,
}


def comparable(name: str, rows: list[Row], sources: list[Source]) -> list[Row]:
    """Published or viewed rows in the form :data:`EXPECTED` gives (coref's token ranges read back)."""
    if name != "coref":
        return rows
    by_id = {s.meta["id"]: s for s in sources}
    return [coref_back(row, by_id[row["id"]]) for row in rows]


def expected_rows(name: str, sources: list[Source]) -> list[Row]:
    return [row for src in sources for row in EXPECTED[name](src)]


def tag_names(features: Features) -> list[str]:
    return features["ner_tags"].feature.names


# --- the published parquet files ----------------------------------------------------


def published(folder: Path, name: str, split: str) -> list[Row]:
    """The rows of a config's split as published: its parquet files read with pyarrow, tags by their ClassLabel names."""
    files = sorted((folder / "data" / name).glob(f"{split}-*.parquet"))
    rows = [row for path in files for row in pq.read_table(path).to_pylist()]
    if name == "ner" and rows:
        names = tag_names(Features.from_arrow_schema(pq.read_schema(files[0])))
        rows = [{**row, "ner_tags": [names[i] for i in row["ner_tags"]]} for row in rows]
    return rows


@pytest.mark.parametrize("split", SPLITS)
@pytest.mark.parametrize("name", CONFIG_NAMES)
@pytest.mark.parametrize("which", ["built", "synthetic_built"])
def test_views_published_rows_equal_the_annotation_files(which: str, name: str, split: str, request: pytest.FixtureRequest) -> None:
    folder: Path = request.getfixturevalue(which)
    root = ROOT if which == "built" else folder.parent / "project"
    sources = [s for s in read_sources(root) if s.meta["split"] == split]
    expected = expected_rows(name, sources)
    assert sources and expected, f"{which} has no {name} rows in {split}: nothing would be compared"
    assert comparable(name, published(folder, name, split), sources) == expected


# --- the view functions on generated documents --------------------------------------


def viewed(name: str, doc: Document) -> list[Row]:
    rows = list(view_rows(name, [doc]))
    if name == "ner":
        names = tag_names(config("ner").features())
        rows = [{**row, "ner_tags": [names[i] for i in row["ner_tags"]]} for row in rows]
    return comparable(name, rows, [source_of(doc)])


def with_tokens(doc: Document) -> Document:
    tokens, sentences = tokenize(doc.text)
    return replace(doc, tokens=tokens, sentences=sentences)


def synthetic_documents(seed: int, n: int) -> list[Document]:
    """``n`` documents of :mod:`khabar.workflow.synthetic` from ``seed``, tokenized, in the splits by turns."""
    rng = random.Random(seed)
    return [with_tokens(synthetic_document(f"syn-{seed}-{i}", rng, split=SPLITS[i % 2])) for i in range(n)]


WORDS = ("Kabul", "talks", "Iran", "said", "the", "Ahmad", "Massoud", "on", "Monday", "2021", ",")


@st.composite
def ner_documents(draw: st.DrawFn) -> Document:
    """A small document whose token runs are names (some with a name nested in them), values or plain words, in
    any order: adjacent names of one type, names ending a sentence, names whose type (OTHER) is no NER label."""
    sentences = draw(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6), min_size=1, max_size=4))
    text = "\n".join(" ".join(words) + "." for words in sentences) + "\n"
    tokens, sents = tokenize(text)
    entities: list[Entity] = []
    mentions: list[Mention] = []
    values: list[Value] = []

    def name(first: int, last: int, head: tuple[int, int]) -> None:
        start, end, (h_first, h_last) = tokens[first].start, tokens[last].end, head
        entities.append(Entity(f"e{len(entities) + 1}", draw(st.sampled_from(ENTITY_TYPES)), text[start:end]))
        mentions.append(Mention(f"m{len(mentions) + 1}", entities[-1].id, "NAM", start, end, text[start:end], tokens[h_first].start, tokens[h_last].end))

    i = 0
    while i < len(tokens):
        last = min(i + draw(st.integers(1, 3)), len(tokens)) - 1
        kind = draw(st.sampled_from(("word", "name", "value")))
        if kind == "name":
            name(i, last, (i, last))
            if last > i and draw(st.booleans()):
                inner = draw(st.integers(i, last))
                name(inner, inner, (inner, inner))
        elif kind == "value":
            start, end = tokens[i].start, tokens[last].end
            values.append(Value(f"v{len(values) + 1}", draw(st.sampled_from(VALUE_TYPES)), start, end, text[start:end]))
        i = last + 1
    return Document(
        id="gen",
        title=None,
        source=None,
        url=None,
        published=None,
        language="en",
        licence=None,
        attribution=None,
        split="test",
        provenance=None,
        text=text,
        sentences=sents,
        tokens=tokens,
        entities=tuple(entities),
        mentions=tuple(mentions),
        values=tuple(values),
        relations=(),
        attributions=(),
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=ner_documents())
def test_views_ner_rows_of_generated_documents_equal_the_annotations(doc: Document) -> None:
    src = source_of(doc)
    assert viewed("ner", doc) == expected_rows("ner", [src])
    assert viewed("documents", doc) == expected_rows("documents", [src])


@pytest.mark.parametrize("name", CONFIG_NAMES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_views_rows_of_synthetic_documents_equal_the_annotations(name: str, seed: int) -> None:
    doc = with_tokens(synthetic_document(f"syn-{seed}", random.Random(seed)))
    expected = expected_rows(name, [source_of(doc)])
    assert expected
    assert viewed(name, doc) == expected


@pytest.mark.parametrize("name", CONFIG_NAMES)
def test_views_rows_round_trip_through_their_features(name: str) -> None:
    """Each config's declared features are its rows' fields, with types Arrow stores the rows in unchanged."""
    import pyarrow as pa

    doc = with_tokens(synthetic_document("syn-features", random.Random(19)))
    rows = list(view_rows(name, [doc]))
    features = config(name).features()
    assert rows and all(list(row) == list(features) for row in rows)
    assert pa.Table.from_pylist(rows, schema=features.arrow_schema).to_pylist() == rows
    assert Features.from_arrow_schema(features.arrow_schema) == features
