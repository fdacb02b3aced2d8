"""``sentence-cooccurrence-relations``: keyword-triggered relations between entities of one sentence.

Entities and their types come from the ``string-match-coref`` baseline. For
every ordered pair of distinct entities mentioned in the same sentence, each
keyword rule whose trigger occurs in that sentence predicts its label, when
the pair's types fit the label's signature in ``khabar.schema.relations``;
evidence is that sentence. The rules, exactly, are in ``docs/baselines.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from khabar.baselines.string_match_coref import CorefResult, Mention, layers, resolve
from khabar.schema.relations import RELATIONS

VERSION = "1.0"

PLACE_KINDS = {"city": "per:cities_of_residence", "province": "per:stateorprovinces_of_residence", "state": "per:stateorprovinces_of_residence"}


@dataclass(frozen=True)
class Pair:
    """Two entities' first mentions in one sentence, in text order or not."""

    head: int
    tail: int
    head_mention: Mention
    tail_mention: Mention


def _always(result: CorefResult, pair: Pair) -> bool:
    return True


def _head_first(result: CorefResult, pair: Pair) -> bool:
    return pair.head_mention.first < pair.tail_mention.first


def _possessed_place(result: CorefResult, pair: Pair) -> bool:
    """'TAIL's (word) HEAD city/province': the head place is named as the tail's."""
    t, h = pair.tail_mention, pair.head_mention
    between = [x.lower for x in result.tokens[t.last : h.first]]
    after = result.tokens[h.last].lower if h.last < len(result.tokens) else ""
    return between[:1] == ["'s"] and len(between) <= 2 and after in ("city", "province", "state", "region", "district")


def _residence_kind(label: str) -> Callable[[CorefResult, Pair], bool]:
    """Residence labels by the word after the place: city, province/state, else country."""

    def check(result: CorefResult, pair: Pair) -> bool:
        m = pair.tail_mention
        after = result.tokens[m.last].lower if m.last < len(result.tokens) else ""
        return PLACE_KINDS.get(after, "per:countries_of_residence") == label

    return check


RESIDENCE = r"\bliving in\b|\blives in\b|\blive in\b|\bbased\b|\bhails? from\b|\bbelongs? to\b"
LEADERSHIP = r"\bleader\b|\bled\b|\bministers?\b|\bdiplomat\b|\bcaretaker\b|\bchief\b|\bhead\b|\bpresident\b|\bcommander\b"

#: (label, trigger regex on the lowercased sentence, extra condition on the pair)
RULES: tuple[tuple[str, str, Callable[[CorefResult, Pair], bool]], ...] = (
    ("per:employee_or_member_of", r"\bspokes(?:man|woman|person)\b|\bmember\b|\bofficials?\b|\bworks? for\b", _always),
    ("org:top_members_employees", LEADERSHIP, _always),
    ("per:countries_of_residence", RESIDENCE, _residence_kind("per:countries_of_residence")),
    ("per:cities_of_residence", RESIDENCE, _residence_kind("per:cities_of_residence")),
    ("per:stateorprovinces_of_residence", RESIDENCE, _residence_kind("per:stateorprovinces_of_residence")),
    ("per:origin", r"\bethnic\b|\bnationality\b|\bcitizens?\b", _always),
    ("per:parents", r"\bfather\b|\bmother\b", _head_first),
    ("per:other_family", r"\bnephew\b|\bniece\b|\buncle\b|\baunt\b|\bcousin\b", _always),
    ("per:associate", r"\bconfidant(?:e)?\b|\bally\b|\baide\b|\bassociate\b", _always),
    ("org:founded_by", r"\bfounded\b|\bformed\b|\bestablished\b", _always),
    ("loc:located_in", r"'s", _possessed_place),
)


def _fits(label: str, head_type: str, tail_type: str) -> bool:
    spec = RELATIONS[label]
    return head_type in spec.head_types and tail_type in spec.tail_types


def document_relations(result: CorefResult) -> list[tuple[str, int, int, tuple[int, ...]]]:
    """(label, head cluster, tail cluster, evidence sentences), merged over sentences, in a fixed order.

    Group entities ("X and Y") are never arguments: their members are mentioned
    in the same sentence. A symmetric label is stored once, with the entity
    mentioned first in the document as head.
    """
    found: dict[tuple[str, int, int], set[int]] = {}
    first_seen: dict[int, tuple[int, int]] = {}
    for m in result.mentions:
        first_seen.setdefault(m.cluster, (m.first, m.last))
    compiled = [(label, re.compile(pattern), check) for label, pattern, check in RULES]
    for number, (first, last) in enumerate(result.sentences):
        sentence = result.text[result.tokens[first].start : result.tokens[last - 1].end].lower()
        firsts: dict[int, Mention] = {}
        for m in result.mentions:
            if first <= m.first < last and not result.clusters[m.cluster].members:
                firsts.setdefault(m.cluster, m)
        for label, pattern, check in compiled:
            if not pattern.search(sentence):
                continue
            for h, hm in firsts.items():
                for t, tm in firsts.items():
                    if h == t or not _fits(label, result.clusters[h].type, result.clusters[t].type):
                        continue
                    if not check(result, Pair(h, t, hm, tm)):
                        continue
                    key = (label, t, h) if RELATIONS[label].symmetric and first_seen[t] < first_seen[h] else (label, h, t)
                    found.setdefault(key, set()).add(number)
    return [(label, h, t, tuple(sorted(ev))) for (label, h, t), ev in sorted(found.items())]


def predict(*, documents: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """One prediction per document: the coreference layers plus ``relations``."""
    out = []
    for doc_id, text in documents:
        result = resolve(text)
        coref = layers(result)
        ids = {}
        for m, row in zip(result.mentions, coref["mentions"], strict=True):
            ids[m.cluster] = row["entity"]
        relations = [
            {"id": f"r{n}", "label": label, "head": ids[h], "tail": ids[t], "evidence": list(ev)}
            for n, (label, h, t, ev) in enumerate(document_relations(result), start=1)
        ]
        out.append({"id": doc_id, **coref, "relations": relations})
    return out
