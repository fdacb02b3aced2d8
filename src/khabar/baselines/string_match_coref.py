"""``string-match-coref``: name runs clustered by string match, pronouns by recency.

The rules, exactly, are in ``docs/baselines.md``. In short: a name mention is a
maximal run of capitalised tokens; names cluster by exact string, then a
single-token name joins the nearest earlier multi-token name containing it;
"X and Y" of two names is a group mention; a pronoun joins the nearest
preceding cluster it agrees with. The baseline sees only the document text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from khabar.baselines.lexicons import (
    CALENDAR,
    DEMONYMS,
    DIRECTIONS,
    FUNCTION_WORDS,
    ORG_WORDS,
    PLACE_NOUNS,
    PLACE_PREPOSITIONS,
    PLACE_TITLE_WORDS,
    PRONOUNS,
)
from khabar.baselines.textutil import Tok, analyse, span

VERSION = "1.0"


@dataclass
class Cluster:
    """An output entity in the making."""

    index: int
    names: list[str] = field(default_factory=list)
    members: tuple[int, ...] = ()
    resolved: set[str] = field(default_factory=set)  # pronoun classes joined (he, she, it, they)
    type: str = "OTHER"


@dataclass(frozen=True)
class Mention:
    first: int  # token range first .. last - 1
    last: int
    kind: str
    cluster: int


@dataclass
class CorefResult:
    """Everything the relation baseline reuses: tokens, sentences, mentions and clusters."""

    text: str
    tokens: list[Tok]
    sentences: list[tuple[int, int]]
    mentions: list[Mention]
    clusters: list[Cluster]


def _sentence_initial(tokens: list[Tok], k: int) -> bool:
    """The first word of a sentence (an opening quote before it does not count)."""
    j = k - 1
    while j >= 0 and tokens[j].sent == tokens[k].sent and not any(c.isalnum() for c in tokens[j].text):
        j -= 1
    return j < 0 or tokens[j].sent != tokens[k].sent


def _nameable(tokens: list[Tok], k: int, seen_inside: set[str]) -> bool:
    t = tokens[k]
    if not t.capitalised or not t.text[0].isalpha() or t.lower in PRONOUNS or t.lower in CALENDAR:
        return False
    if not _sentence_initial(tokens, k):
        return True
    if t.lower in FUNCTION_WORDS:
        return False
    # a lone sentence-initial word must be seen capitalised inside a sentence elsewhere
    follows = k + 1 < len(tokens) and tokens[k + 1].sent == t.sent and tokens[k + 1].capitalised
    return follows or t.text in seen_inside


def name_runs(tokens: list[Tok]) -> list[tuple[int, int]]:
    """Maximal runs of capitalised tokens, as token ranges; '-' and "'s" end a run."""
    seen_inside = {t.text for k, t in enumerate(tokens) if t.capitalised and not _sentence_initial(tokens, k)}
    runs: list[tuple[int, int]] = []
    k = 0
    while k < len(tokens):
        if _nameable(tokens, k, seen_inside):
            j = k + 1
            while j < len(tokens) and tokens[j].sent == tokens[k].sent and _nameable(tokens, j, seen_inside):
                j += 1
            runs.append((k, j))
            k = j
        else:
            k += 1
    return runs


def _person_like(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 3 and not any(w.lower() in ORG_WORDS or w.lower() in PLACE_TITLE_WORDS or _demonym(w) for w in words)


def _demonym(word: str) -> bool:
    low = word.lower()
    return low in DEMONYMS or (len(low) > 5 and low.endswith(("ian", "ese")))


def _guess_type(cluster: Cluster, contexts: list[tuple[str, str]]) -> str:
    """PERSON > NORP > ORG word > place votes > "the" votes > OTHER.

    ``contexts`` holds (word before, word after) of each name mention of the cluster.
    """
    if any(_person_like(n) for n in cluster.names):
        return "PERSON"
    if all(len(n.split()) == 1 and _demonym(n) for n in cluster.names):
        return "NORP"
    if any(w.lower() in ORG_WORDS for n in cluster.names for w in n.split()):
        return "ORG"
    place = sum(b in PLACE_PREPOSITIONS or b in DIRECTIONS or a in PLACE_NOUNS for b, a in contexts)
    the = sum(b == "the" for b, _ in contexts)
    if place > the:
        return "GPE"
    return "ORG" if the else "OTHER"


def _context(tokens: list[Tok], first: int, last: int) -> tuple[str, str]:
    before = tokens[first - 1].lower if first > 0 else ""
    after = tokens[last].lower if last < len(tokens) else ""
    return before, after


def _cluster_names(tokens: list[Tok], runs: list[tuple[int, int]]) -> tuple[list[Mention], list[Cluster]]:
    clusters: list[Cluster] = []
    mentions: list[Mention] = []
    by_string: dict[str, int] = {}
    multi: list[tuple[tuple[str, ...], int]] = []  # earlier multi-token names, in text order
    for first, last in runs:
        words = tuple(t.text for t in tokens[first:last])
        name = " ".join(words)
        if name in by_string:
            c = by_string[name]
        else:
            c = next((cl for ws, cl in reversed(multi) if len(words) == 1 and words[0] in ws), -1)
            if c < 0:
                c = len(clusters)
                clusters.append(Cluster(c))
            by_string[name] = c
        if len(words) > 1:
            multi.append((words, c))
        clusters[c].names.append(name)
        mentions.append(Mention(first, last, "NAM", c))
    return mentions, clusters


def _coordinations(tokens: list[Tok], names: list[Mention], clusters: list[Cluster]) -> list[Mention]:
    """ "X and Y" of two name mentions of different clusters: a group mention (NOM)."""
    groups: dict[frozenset[int], int] = {}
    out = []
    for a, b in zip(names, names[1:], strict=False):
        if b.first == a.last + 1 and tokens[a.last].lower == "and" and a.cluster != b.cluster:
            key = frozenset({a.cluster, b.cluster})
            if key not in groups:
                groups[key] = len(clusters)
                clusters.append(Cluster(len(clusters), members=(a.cluster, b.cluster)))
            out.append(Mention(a.first, b.last, "NOM", groups[key]))
    return out


def _compatible(cluster: Cluster, pclass: str) -> bool:
    person = any(_person_like(n) for n in cluster.names) or bool(cluster.resolved & {"he", "she"})
    if pclass in ("he", "she"):
        other = "she" if pclass == "he" else "he"
        return not cluster.members and other not in cluster.resolved and (person or pclass in cluster.resolved)
    if pclass == "it":
        return not cluster.members and not person and cluster.type not in ("PERSON", "NORP") and "they" not in cluster.resolved
    return bool(cluster.members) or cluster.type == "ORG" or "they" in cluster.resolved


def _resolve_pronouns(tokens: list[Tok], mentions: list[Mention], clusters: list[Cluster]) -> list[Mention]:
    out = list(mentions)
    for k, t in enumerate(tokens):
        pclass = PRONOUNS.get(t.lower)
        if pclass is None:
            continue
        latest: dict[int, tuple[int, int]] = {}
        for m in out:
            if m.last <= k:
                latest[m.cluster] = max(latest.get(m.cluster, (-1, -1)), (m.first, m.last))
        candidates = [(pos, -c) for c, pos in latest.items() if _compatible(clusters[c], pclass)]
        if candidates:
            c = -max(candidates)[1]
            clusters[c].resolved.add(pclass)
            out.append(Mention(k, k + 1, "PRO", c))
    return out


def resolve(text: str) -> CorefResult:
    """Mentions and clusters of one text."""
    tokens, sentences = analyse(text)
    runs = name_runs(tokens)
    names, clusters = _cluster_names(tokens, runs)
    contexts: dict[int, list[tuple[str, str]]] = {}
    for m in names:
        contexts.setdefault(m.cluster, []).append(_context(tokens, m.first, m.last))
    for c in clusters:
        c.type = _guess_type(c, contexts.get(c.index, []))
    groups = _coordinations(tokens, names, clusters)
    for g in clusters:
        if g.members:
            kinds = {clusters[i].type for i in g.members}
            g.type = kinds.pop() if len(kinds) == 1 else "ORG"
    mentions = _resolve_pronouns(tokens, sorted(names + groups, key=lambda m: (m.first, m.last)), clusters)
    return CorefResult(text, tokens, sentences, sorted(mentions, key=lambda m: (m.first, m.last)), clusters)


def layers(result: CorefResult) -> dict[str, list[dict[str, Any]]]:
    """The ``mentions`` and ``entities`` layers; entities numbered by first mention."""
    order: dict[int, str] = {}
    for m in result.mentions:
        order.setdefault(m.cluster, f"e{len(order) + 1}")
    mentions = []
    for n, m in enumerate(result.mentions, start=1):
        frag = span(result.text, result.tokens, m.first, m.last)
        mentions.append({"id": f"m{n}", "entity": order[m.cluster], "kind": m.kind, **frag, "head_start": frag["start"], "head_end": frag["end"]})
    entities = []
    for c in sorted((c for c in result.clusters if c.index in order), key=lambda c: int(order[c.index][1:])):
        if c.members:
            name = " and ".join(_display(result.clusters[i]) for i in c.members)
        else:
            name = _display(c)
        entities.append({"id": order[c.index], "type": c.type, "name": name, "members": [order[i] for i in c.members]})
    return {"mentions": mentions, "entities": entities}


def _display(cluster: Cluster) -> str:
    """The longest name of a cluster (the first of the longest)."""
    return max(cluster.names, key=len) if cluster.names else f"entity {cluster.index}"


def predict(*, documents: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """One prediction per document: ``mentions`` (NAM, NOM for "X and Y", PRO) and ``entities``."""
    return [{"id": doc_id, **layers(resolve(text))} for doc_id, text in documents]
