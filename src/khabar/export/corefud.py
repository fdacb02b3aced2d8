"""CorefUD 1.x export: CoNLL-U with coreference in the ``Entity`` attribute of MISC.

One ``<id>.conllu`` per document, read by ``udapi`` (``read.Conllu`` then
``doc.coref_entities``) and the CorefUD tools. Its first sentence carries
``# newdoc id = <id>`` and ``# global.Entity = eid-etype-head-other``; every sentence
``# sent_id = <id>-<n>`` and ``# text``. Columns are the tokens of Khabar's tokenizer
(FORM, ``SpaceAfter=No`` in MISC where no space follows); LEMMA, UPOS, XPOS, FEATS,
HEAD, DEPREL and DEPS are ``_`` (Khabar has no syntax).

Each entity is ``e<n>``, numbered from 1 by the text order of its first mention (the
CoNLL-2012 export's cluster order); its type is Khabar's, lower-cased. A mention of
tokens ``i..j`` opens with ``(e<n>-<type>-<head>`` on token ``i`` and closes with
``e<n>)`` on token ``j`` (``(e<n>-<type>-<head>)`` for one token); the head is the
position, counted from 1 in the mention, of the last token of the mention's head.
Brackets on one token follow udapi's canonical order (longer mentions open first,
shorter close first; closings before openings where mentions only touch). A group
entity names its members with ``SplitAnte=e<member><e<group>,...`` on the first token
of its first mention. Khabar's mentions are contiguous, so no discontinuous
(``[1/2]``) brackets are written. Sentences that a mention crosses are joined into one
CoNLL-U sentence: a mention is always inside one tree. Values, relations and
attributions are not carried.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from khabar.core.findings import KhabarError, finding
from khabar.export.common import require_references, token_span
from khabar.export.conll2012 import cluster_numbers
from khabar.schema.model import Document, Mention

GLOBAL_ENTITY = "eid-etype-head-other"


def docs_to_corefud(*, documents: Sequence[Document], out: Path) -> list[Path]:
    """Write each document's ``<id>.conllu``; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    rendered = [(out / f"{doc.id}.conllu", render_corefud(doc=doc)) for doc in documents]  # first: a refused document writes nothing
    for path, text in rendered:
        path.write_bytes(text.encode("utf-8"))
    return [path for path, _ in rendered]


def head_token(*, doc: Document, mention: Mention, first: int, last: int) -> int:
    """The token index of ``mention``'s head word: the last token of the mention that starts before its head ends."""
    return max(i for i in range(first, last + 1) if doc.tokens[i].start < mention.head_end)


def _chunks(doc: Document) -> dict[int, list[str]]:
    """Token index -> the Entity chunks on that token, in udapi's canonical order."""
    numbers = cluster_numbers(doc=doc)
    types = {e.id: e.type.lower() for e in doc.entities}
    opens: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    closes: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for m in doc.mentions:
        first, last = token_span(doc=doc, start=m.start, end=m.end, what=f"mention {m.id}")
        eid, head = f"e{numbers[m.entity] + 1}", head_token(doc=doc, mention=m, first=first, last=last) - first + 1
        opens[first].append((last, numbers[m.entity], f"({eid}-{types[m.entity]}-{head}"))
        closes[last].append((first, numbers[m.entity], f"{eid})"))
    out: dict[int, list[str]] = {}
    for t in set(opens) | set(closes):
        singles = [chunk + ")" for last, _, chunk in sorted(opens[t], key=lambda x: x[1]) if last == t]
        opening = [chunk for last, _, chunk in sorted(opens[t], key=lambda x: (-x[0], x[1])) if last > t]
        closing = [chunk for first, _, chunk in sorted(closes[t], key=lambda x: (-x[0], x[1])) if first < t]
        out[t] = closing + opening + singles if opening and closing else opening + singles + closing
    return out


def _split_antecedents(doc: Document) -> dict[int, list[str]]:
    """Token index -> the ``SplitAnte`` links of the group entities whose first mention starts there."""
    numbers, known = cluster_numbers(doc=doc), {e.id for e in doc.entities}
    missing = [
        finding("ref-missing", f"entity {e.id} names member {x!r}, which does not exist", document=doc.id, annotation=e.id)
        for e in doc.entities
        for x in e.members
        if x not in known
    ]
    if missing:
        raise KhabarError(missing)
    out: dict[int, list[str]] = defaultdict(list)
    for e in doc.entities:
        if e.members:
            first = min((m for m in doc.mentions if m.entity == e.id), key=lambda m: (m.start, -m.end))
            token = token_span(doc=doc, start=first.start, end=first.end, what=f"mention {first.id}")[0]
            out[token] += [f"e{numbers[x] + 1}<e{numbers[e.id] + 1}" for x in e.members]
    return out


def _sentences(doc: Document) -> list[tuple[int, int]]:
    """Token ranges ``[first, last)`` of the CoNLL-U sentences: Khabar's, joined where a mention crosses them."""
    sentence_of = [0] * len(doc.tokens)
    bounds: list[tuple[int, int]] = []
    t = 0
    for n, s in enumerate(doc.sentences):
        begin = t
        while t < len(doc.tokens) and doc.tokens[t].end <= s.end:
            sentence_of[t], t = n, t + 1
        bounds.append((begin, t))
    joined: set[int] = set()
    for m in doc.mentions:
        first, last = token_span(doc=doc, start=m.start, end=m.end, what=f"mention {m.id}")
        joined.update(range(sentence_of[first], sentence_of[last]))
    out: list[tuple[int, int]] = []
    for n, (begin, end) in enumerate(bounds):
        if n - 1 in joined:
            out[-1] = (out[-1][0], end)
        elif begin < end:
            out.append((begin, end))
    return out


def render_corefud(*, doc: Document) -> str:
    """One document in CorefUD CoNLL-U (see the module docstring)."""
    require_references(doc=doc)
    chunks, split = _chunks(doc), _split_antecedents(doc)
    lines = [f"# newdoc id = {doc.id}", f"# global.Entity = {GLOBAL_ENTITY}"]
    tokens = doc.tokens
    for n, (begin, end) in enumerate(_sentences(doc), start=1):
        text = re.sub(r"\s+", " ", doc.text[tokens[begin].start : tokens[end - 1].end])
        lines += [f"# sent_id = {doc.id}-{n}", f"# text = {text}"]
        for t in range(begin, end):
            misc = [f"Entity={''.join(chunks[t])}"] if t in chunks else []
            misc += [f"SplitAnte={','.join(split[t])}"] if t in split else []
            misc += ["SpaceAfter=No"] if t + 1 < len(tokens) and tokens[t + 1].start == tokens[t].end else []
            lines.append("\t".join((str(t - begin + 1), tokens[t].text, *("_",) * 7, "|".join(misc) or "_")))
        lines.append("")
    return "\n".join(lines) + "\n"
