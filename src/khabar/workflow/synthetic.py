"""Synthetic Khabar projects: random but valid documents, for benchmarks and tests.

``generate_corpus(root=..., n=..., seed=...)`` writes a buildable project (pyproject.toml,
CHANGELOG.md, dataset_card.md, corpus/, annotations/) whose documents have about the seed
document's annotation density (tokens, sentences, mentions, chains, values, relations,
attributions; the Wikinews documents added in 0.2.0 have fewer mentions and relations each). Every fifth document (the first included) is in the dev split, the others in
test (:func:`split_of`); every text is CC0-1.0. The texts come from :mod:`khabar.workflow.synthetic_text`, which computes every offset
while writing. ``perturb(documents=..., seed=...)`` degrades documents into predictions.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from khabar.io.annotation_write import render_annotations
from khabar.io.corpus_files import DOCUMENT_META, render_corpus_file
from khabar.schema.labels import ATTRIBUTION_ROLES, NER_LABELS
from khabar.schema.model import Attribution, Document, Entity, Fragment, Mention, Relation, Value
from khabar.schema.relations import RELATIONS
from khabar.workflow.synthetic_text import TEMPLATES, Span, Writer

VERSION = "0.1.0"
LICENCE = "CC0-1.0"  # synthetic text: no rights reserved
_CARD = "---\npretty_name: Khabar (synthetic)\nlicense: cc0-1.0\n---\n# Khabar (synthetic)\n\nVersion ${version}.\n"  # without the repository's card


def split_of(index: int) -> str:
    """The split of the ``index``-th synthetic document: every fifth one (0, 5, 10, ...) is dev, the others test."""
    return "dev" if index % 5 == 0 else "test"


def synthetic_document(doc_id: str, rng: random.Random, *, split: str = "test") -> Document:
    """One random, valid document with about the seed document's annotation density, in ``split``."""
    d = Writer(rng)
    for _ in range(rng.randint(22, 27)):
        rng.choices([t for t, _ in TEMPLATES], weights=[w for _, w in TEMPLATES])[0](d)
        d.end()
    target, cast = rng.randint(36, 48), [e for e in d.ents.values() if e.id in d.first]
    if len(d.rels) > target:
        keep = set(rng.sample(sorted(d.rels), target))
        d.rels = {k: v for k, v in d.rels.items() if k in keep}
    for _ in range(20 * target):  # pad with type-correct pairs of the cast; evidence: where the later one appears
        if len(d.rels) >= target:
            break
        spec = RELATIONS[rng.choice(sorted(RELATIONS))]
        heads, tails = [e for e in cast if e.type in spec.head_types], [e for e in cast if e.type in spec.tail_types]
        if heads and tails:
            head, tail = rng.choice(heads), rng.choice(tails)
            d.sentence = max(d.first[head.id], d.first[tail.id])
            d.rel(spec.name, head, tail)
    text = "".join(d.parts) + "\n"
    mentions = sorted(d.mentions, key=lambda m: (m[2], -m[3], m[0]))
    order: dict[str, int] = {}
    for m in mentions:
        order.setdefault(m[0], len(order))

    def frags(spans: tuple[Span, ...]) -> tuple[Fragment, ...]:
        return tuple(Fragment(s, e, text[s:e]) for s, e in spans)

    return Document(
        id=doc_id,
        title=None,
        source="synthetic",
        url=None,
        published=None,
        language="en",
        licence=LICENCE,
        attribution=None,
        split=split,
        provenance=None,
        text=text,
        sentences=(),
        tokens=(),
        entities=tuple(Entity(e.id, e.type, e.name, e.members) for e in sorted(cast, key=lambda e: order[e.id])),
        mentions=tuple(Mention(f"m{i}", ent, kind, s, e, text[s:e], hs, he) for i, (ent, kind, s, e, hs, he) in enumerate(mentions, 1)),
        values=tuple(Value(f"v{i}", t, s, e, text[s:e]) for i, (t, s, e) in enumerate(sorted(d.values, key=lambda v: v[1]), 1)),
        relations=tuple(Relation(f"r{i}", label, h, t, tuple(sorted(ev))) for i, ((label, h, t), ev) in enumerate(d.rels.items(), 1)),
        attributions=tuple(
            Attribution(f"a{i}", t, frags(cue), frags(src), frags(content), who, parent) for i, (t, cue, src, content, who, parent) in enumerate(d.atts, 1)
        ),
    )


def generate_corpus(*, root: Path, n: int, seed: int) -> None:
    """Write a valid, buildable project of ``n`` synthetic documents into ``root``; same seed, same bytes."""
    for folder in ("corpus", "annotations"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    card = Path(__file__).resolve().parents[2] / "dataset_card.md"  # the repository's card, in a source checkout
    (root / "dataset_card.md").write_text(card.read_text(encoding="utf-8") if card.exists() else _CARD, encoding="utf-8")
    (root / "pyproject.toml").write_text(f'[project]\nname = "khabar-synthetic"\nversion = "{VERSION}"\n', encoding="utf-8")
    (root / "CHANGELOG.md").write_text(f"# Changelog\n\n## [{VERSION}] - 2026-01-01\n\n### Added\n- {n} synthetic documents (seed {seed}).\n", encoding="utf-8")
    for i in range(n):
        doc = synthetic_document(f"syn{seed}-{i:06d}", random.Random(f"{seed}/{i}"), split=split_of(i))
        meta = {key: getattr(doc, key) for key in DOCUMENT_META}
        (root / "corpus" / f"{doc.id}.txt").write_text(render_corpus_file(meta=meta, text=doc.text), encoding="utf-8")
        (root / "annotations" / f"{doc.id}.yaml").write_text(render_annotations(doc), encoding="utf-8")


def _span(text: str, start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text[start:end]}


def perturb(*, documents: Sequence[Document], seed: int) -> list[dict[str, Any]]:
    """Predictions (``documents`` schema) degraded from ``documents``: of the mentions about 10% dropped and
    10% extended by one token; 10% of NER labels changed, 5% of NER spans, 15% of relations and 10% of
    attributions dropped."""
    rng, out = random.Random(seed), []
    for doc in documents:
        next_end = {a.end: b.end for a, b in zip(doc.tokens, doc.tokens[1:], strict=False)}
        mentions = []
        for m in doc.mentions:
            if (r := rng.random()) >= 0.1:
                end = next_end.get(m.end, m.end) if r < 0.2 else m.end
                mentions.append(
                    {"id": m.id, "entity": m.entity, "kind": m.kind, **_span(doc.text, m.start, end), "head_start": m.head_start, "head_end": m.head_end}
                )
        out.append(
            {
                "id": doc.id,
                "ner": [
                    {**_span(doc.text, s.start, s.end), "label": rng.choice([x for x in NER_LABELS if x != s.label]) if rng.random() < 0.1 else s.label}
                    for s in doc.ner
                    if rng.random() >= 0.05
                ],
                "mentions": mentions,
                "entities": [{"id": e.id, "type": e.type, "name": e.name} for e in doc.entities],
                "relations": [
                    {"id": r.id, "label": r.label, "head": r.head, "tail": r.tail, "evidence": list(r.evidence)} for r in doc.relations if rng.random() >= 0.15
                ],
                "attributions": [
                    {
                        "id": a.id,
                        "type": a.type,
                        **{role: [_span(doc.text, f.start, f.end) for f in getattr(a, role)] for role in ATTRIBUTION_ROLES},
                        "source_entity": a.source_entity,
                        "parent": a.parent,
                    }
                    for a in doc.attributions
                    if rng.random() >= 0.1
                ],
            }
        )
    return out
