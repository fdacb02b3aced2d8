"""Structure checks: unique ids, no empty chains, sound mention layout."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from khabar.core.findings import Finding
from khabar.io.layers import LAYERS
from khabar.io.project import Corpus


def check_ids(corpus: Corpus) -> Iterator[Finding]:
    for doc in corpus.documents:
        seen: dict[str, str] = {}
        for layer in LAYERS:
            for index, item in enumerate(getattr(doc, layer)):
                if item.id in seen:
                    yield corpus.locate(
                        "id-duplicate",
                        f"id {item.id!r} is already used in {seen[item.id]}; ids must be unique across all layers of a document",
                        document=doc.id,
                        annotation=item.id,
                        item=(layer, index),
                    )
                else:
                    seen[item.id] = layer


def check_entity_mentions(corpus: Corpus) -> Iterator[Finding]:
    for doc in corpus.documents:
        used = {m.entity for m in doc.mentions}
        for e in doc.entities:
            if e.id not in used:
                yield corpus.locate(
                    "entity-no-mention", f"entity {e.id} ({e.name!r}) has no mention; add its mentions or remove the entity", document=doc.id, annotation=e.id
                )


def check_ner(corpus: Corpus) -> Iterator[Finding]:
    for doc in corpus.documents:
        owners = {(m.head_start, m.head_end): m.id for m in doc.mentions} | {(v.start, v.end): v.id for v in doc.values}
        for left, right in zip(doc.ner, doc.ner[1:], strict=False):
            if right.start < left.end:
                yield corpus.locate(
                    "ner-overlap",
                    f"derived NER spans {left.text!r} ({left.label}) and {right.text!r} ({right.label}) overlap; a flat layer cannot hold both: fix the value or name-mention head",
                    document=doc.id,
                    annotation=owners.get((right.start, right.end)),
                )


def check_mention_spans(corpus: Corpus) -> Iterator[Finding]:
    for doc in corpus.documents:
        counts = Counter((m.start, m.end) for m in doc.mentions)
        seen = set()
        for m in doc.mentions:
            if counts[(m.start, m.end)] > 1:
                if (m.start, m.end) in seen:
                    yield corpus.locate(
                        "mention-duplicate-span",
                        f"another mention already covers {m.text!r} ({m.start}-{m.end}); one span is one mention: merge them",
                        document=doc.id,
                        annotation=m.id,
                    )
                seen.add((m.start, m.end))
        chains = defaultdict(list)
        for m in doc.mentions:
            chains[m.entity].append(m)
        for mentions in chains.values():
            mentions.sort(key=lambda m: (m.start, -m.end))
            for i, a in enumerate(mentions):
                for b in mentions[i + 1 :]:
                    if b.start >= a.end:
                        break
                    if b.end > a.end:
                        yield corpus.locate(
                            "mention-crossing",
                            f"mentions {a.id} {a.text!r} and {b.id} {b.text!r} of entity {a.entity} overlap without nesting; expected nested or disjoint extents",
                            document=doc.id,
                            annotation=b.id,
                        )


CHECKS = (check_ids, check_entity_mentions, check_ner, check_mention_spans)
