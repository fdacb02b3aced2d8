"""Khabar's NER scores cross-checked against seqeval 1.2.2, an independent implementation of span-level scoring,
in its strict IOB2 mode (``mode="strict", scheme=IOB2``: an entity is correct only when its type and both
boundaries are).

The spans are written as one BIO tag a token, a sentence a sequence. Only spans that start and end on token
boundaries, lie inside one sentence and do not overlap can be written so; every gold set's ``Document.ner`` is such
(asserted below), and each perturbation keeps a prediction such: a boundary moves by whole tokens and only onto
tokens no other span holds, an added span covers free tokens only. Khabar scores the same spans as character
offsets, through the evaluation's own path (:func:`khabar.scoring.layers.ner` on predictions).
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Mapping

import pytest
from conftest import GOLD_SETS
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from khabar.schema.labels import NER_LABELS
from khabar.schema.model import Document
from khabar.scoring.layers import ner
from khabar.scoring.predictions import Prediction

Span = tuple[int, int, str]  # first token, last token (inclusive), label
SEEDS = range(4)
STRICT = {"mode": "strict", "scheme": IOB2, "zero_division": 0}


def _token_spans(doc: Document) -> list[Span]:
    first = {t.start: i for i, t in enumerate(doc.tokens)}
    last = {t.end: i for i, t in enumerate(doc.tokens)}
    return [(first[s.start], last[s.end], s.label) for s in doc.ner]


def _sentence_of(doc: Document) -> list[int]:
    """Each token's sentence: the last one starting at or before it (sentences are in text order)."""
    starts = [s.start for s in doc.sentences]
    return [bisect_right(starts, t.start) - 1 for t in doc.tokens]


def _taken(spans: list[Span], but: int | None = None) -> set[int]:
    return {i for n, (a, b, _) in enumerate(spans) if n != but for i in range(a, b + 1)}


def _shift(spans: list[Span], rng: random.Random, doc: Document) -> list[Span]:
    """Move one boundary of some spans by a token, where it stays in the sentence and off other spans."""
    sentence = _sentence_of(doc)
    for n in rng.sample(range(len(spans)), min(len(spans), len(spans) // 5 + 1)):
        a, b, label = spans[n]
        side, step = rng.choice(((0, -1), (0, 1), (1, -1), (1, 1)))
        a, b = (a + step, b) if side == 0 else (a, b + step)
        inside = 0 <= a <= b < len(doc.tokens) and sentence[a] == sentence[b]
        if inside and not _taken(spans, but=n) & set(range(a, b + 1)):
            spans[n] = (a, b, label)
    return spans


def _relabel(spans: list[Span], rng: random.Random, doc: Document) -> list[Span]:
    return [(a, b, rng.choice([x for x in NER_LABELS if x != label])) if rng.random() < 0.2 else (a, b, label) for a, b, label in spans]


def _drop(spans: list[Span], rng: random.Random, doc: Document) -> list[Span]:
    return [span for span in spans if rng.random() > 0.2]


def _add(spans: list[Span], rng: random.Random, doc: Document) -> list[Span]:
    """New spans of one or two free tokens of one sentence."""
    sentence, taken = _sentence_of(doc), _taken(spans)
    for a in rng.sample(range(len(doc.tokens)), min(len(doc.tokens), len(spans) // 5 + 1)):
        b = a + rng.randint(0, 1)
        if b < len(doc.tokens) and sentence[a] == sentence[b] and not taken & {a, b}:
            spans.append((a, b, rng.choice(NER_LABELS)))
            taken |= {a, b}
    return spans


STEPS: Mapping[str, Callable[[list[Span], random.Random, Document], list[Span]]] = {"shift": _shift, "relabel": _relabel, "drop": _drop, "add": _add}
PERTURBATIONS = ("none", *STEPS, "all")


def _perturbed(doc: Document, how: str, seed: int) -> list[Span]:
    rng = random.Random(f"{doc.id}/{how}/{seed}")
    spans = _token_spans(doc)
    for step in STEPS if how == "all" else [how] if how in STEPS else []:
        spans = STEPS[step](spans, rng, doc)
    return spans


def _tags(doc: Document, spans: list[Span]) -> list[list[str]]:
    """One IOB2 sequence a sentence."""
    tags = ["O"] * len(doc.tokens)
    for a, b, label in spans:
        assert set(tags[a : b + 1]) == {"O"}, (doc.id, a, b)  # no overlap: BIO could not write it
        tags[a : b + 1] = [f"B-{label}"] + [f"I-{label}"] * (b - a)
    sentence = _sentence_of(doc)
    return [[tag for tag, s in zip(tags, sentence, strict=True) if s == n] for n in range(len(doc.sentences))]


def _prediction(doc: Document, spans: list[Span], line: int) -> Prediction:
    items = [{"start": doc.tokens[a].start, "end": doc.tokens[b].end, "label": label} for a, b, label in spans]
    return Prediction(id=doc.id, line=line, layers={"ner": items})


@pytest.mark.parametrize("gold_set", GOLD_SETS)
def test_scoring_xcheck_ner_gold_is_writable_as_bio(gold_sets: dict[str, list[Document]], gold_set: str) -> None:
    """Every gold NER span is on token boundaries, in one sentence, and overlaps no other (what the cross-check needs)."""
    for doc in gold_sets[gold_set]:
        spans = _token_spans(doc)  # a KeyError: a span off token boundaries
        sentence = _sentence_of(doc)
        assert all(doc.sentences[n].start <= t.start and t.end <= doc.sentences[n].end for t, n in zip(doc.tokens, sentence, strict=True)), doc.id
        assert all(sentence[a] == sentence[b] for a, b, _ in spans), doc.id
        assert len(_taken(spans)) == sum(b - a + 1 for a, b, _ in spans), doc.id


@pytest.mark.parametrize("how", PERTURBATIONS)
@pytest.mark.parametrize("gold_set", GOLD_SETS)
def test_scoring_xcheck_ner_equals_seqeval_strict_iob2(gold_sets: dict[str, list[Document]], gold_set: str, how: str) -> None:
    docs = gold_sets[gold_set]
    for seed in SEEDS if how != "none" else [0]:
        predicted = {d.id: _perturbed(d, how, seed) for d in docs}
        y_true = [seq for d in docs for seq in _tags(d, _token_spans(d))]
        y_pred = [seq for d in docs for seq in _tags(d, predicted[d.id])]
        ours = ner(docs, {d.id: _prediction(d, predicted[d.id], n + 1) for n, d in enumerate(docs)})
        theirs = (precision_score(y_true, y_pred, **STRICT), recall_score(y_true, y_pred, **STRICT), f1_score(y_true, y_pred, **STRICT))
        assert (ours.micro.precision, ours.micro.recall, ours.micro.f1) == pytest.approx(theirs, abs=5e-5), seed
        report = classification_report(y_true, y_pred, output_dict=True, **STRICT)
        assert set(ours.per_label) == set(report) - {"micro avg", "macro avg", "weighted avg"}, seed
        for label, prf in ours.per_label.items():
            theirs_label = (report[label]["precision"], report[label]["recall"], report[label]["f1-score"])
            assert (prf.precision, prf.recall, prf.f1) == pytest.approx(theirs_label, abs=5e-5), (seed, label)
