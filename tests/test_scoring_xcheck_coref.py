"""Khabar's coreference scores cross-checked against scorch 0.2.0, an independent implementation of the CoNLL-2012
metrics (``scorch.scores``: MUC, B-cubed, CEAFe, CEAFm and BLANC; scorch has no LEA, so LEA is not cross-checked here).

The settings compared are those whose conventions scorch shares. scorch scores two partitions of hashable mentions
and has no options: Khabar's "extent, with singletons" is given to scorch as the clusters of mention extents, and
"extent, without singletons" as the same clusters with those of one mention removed from both sides (Khabar's rule).
The head settings are not compared: two mentions may share a head (wikinews-nasa), which Khabar settles by its
repeated-mention rule while scorch takes only partitions. scorch's command line adds the response's twinless mentions
to the key as singletons unless told not to (``add_sys_mentions``); its functions do not, nor does Khabar, so the
pooled test passes ``add_sys_mentions=False``.

Per document every metric's P/R/F1 must agree to 4 decimals. BLANC only where the key has two mentions or more:
with fewer it has no link of either kind, and scorch then scores 1 for an equal response where Khabar scores 0
(docs/evaluation.md). Pooled over documents, scorch averages the documents' scores weighted by their numbers of
mentions, which is Khabar's micro pooling only for the metrics counted in mentions: the recall and precision of
B-cubed, and CEAFm's recall, precision and F1 (docs/evaluation.md says why the others differ).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from conftest import GOLD_SETS
from scorch import scores as scorch
from scorch.main import process_dirs

from khabar.schema.model import Document
from khabar.scoring.layers import coref
from khabar.scoring.predictions import Prediction

Clusters = list[set[tuple[int, int]]]
SEEDS = range(4)
SETTINGS = {"extent, with singletons": 1, "extent, without singletons": 2}  # setting -> smallest cluster kept
SCORCH = {"muc": scorch.muc, "b_cubed": scorch.b_cubed, "ceafe": scorch.ceaf_e, "ceafm": scorch.ceaf_m, "blanc": scorch.blanc}


def _clusters(doc: Document) -> Clusters:
    chains: dict[str, set[tuple[int, int]]] = {}
    for m in doc.mentions:
        chains.setdefault(m.entity, set()).add((m.start, m.end))
    return list(chains.values())


def _drop(clusters: Clusters, rng: random.Random, doc: Document) -> Clusters:
    return [{m for m in sorted(c) if rng.random() > 0.2} for c in clusters]


def _merge(clusters: Clusters, rng: random.Random, doc: Document) -> Clusters:
    for _ in range(len(clusters) // 8 + 1):
        if len(clusters) < 2:
            break
        i, j = rng.sample(range(len(clusters)), 2)
        clusters[i] |= clusters[j]
        clusters = [c for n, c in enumerate(clusters) if n != j]
    return clusters


def _split(clusters: Clusters, rng: random.Random, doc: Document) -> Clusters:
    for i in [i for i, c in enumerate(clusters) if len(c) > 1][:3]:
        members = sorted(clusters[i])
        apart = set(rng.sample(members, rng.randint(1, len(members) - 1)))
        clusters[i] -= apart
        clusters.append(apart)
    return clusters


def _move(clusters: Clusters, rng: random.Random, doc: Document) -> Clusters:
    for _ in range(3):
        full = [i for i, c in enumerate(clusters) if c]
        if len(clusters) < 2 or not full:
            break
        i = rng.choice(full)
        j = rng.choice([n for n in range(len(clusters)) if n != i])
        mention = rng.choice(sorted(clusters[i]))
        clusters[i].discard(mention)
        clusters[j].add(mention)
    return clusters


def _spurious(clusters: Clusters, rng: random.Random, doc: Document) -> Clusters:
    used = {m for c in clusters for m in c}
    free = [(t.start, t.end) for t in doc.tokens if (t.start, t.end) not in used]
    for mention in rng.sample(free, min(len(free), len(used) // 10 + 1)):
        if clusters and rng.random() < 0.5:
            rng.choice(clusters).add(mention)  # a twinless mention inside a real cluster
        else:
            clusters.append({mention})  # or alone
    return clusters


STEPS: Mapping[str, Callable[[Clusters, random.Random, Document], Clusters]] = {
    "drop": _drop,
    "merge": _merge,
    "split": _split,
    "move": _move,
    "spurious": _spurious,
}
PERTURBATIONS = ("none", *STEPS, "all")


def _perturbed(doc: Document, how: str, seed: int) -> Clusters:
    rng = random.Random(f"{doc.id}/{how}/{seed}")
    clusters = [set(c) for c in _clusters(doc)]
    for step in STEPS if how == "all" else [how] if how in STEPS else []:
        clusters = STEPS[step](clusters, rng, doc)
    return [c for c in clusters if c]


def _prediction(doc: Document, clusters: Clusters, line: int = 1) -> Prediction:
    mentions = [{"entity": f"p{n}", "start": s, "end": e} for n, c in enumerate(clusters) for s, e in sorted(c)]
    return Prediction(id=doc.id, line=line, layers={"mentions": mentions})


def _kept(clusters: Clusters, setting: str) -> Clusters:
    return [c for c in clusters if len(c) >= SETTINGS[setting]]


def _assert_document_agrees(doc: Document, response: Clusters) -> None:
    ours = coref([doc], {doc.id: _prediction(doc, response)})
    for setting in SETTINGS:
        key, resp = _kept(_clusters(doc), setting), _kept(response, setting)
        for metric, score in SCORCH.items():
            if metric == "blanc" and sum(map(len, key)) < 2:
                continue  # no link in the key: the two differ by definition (see the module's docstring)
            r, p, f = score(key, resp)
            mine = getattr(ours[setting], metric)
            got = (float(mine.recall_fraction), float(mine.precision_fraction), float(mine.f1_fraction))
            assert got == pytest.approx((r, p, f), abs=5e-5), (doc.id, setting, metric)


@pytest.mark.parametrize("how", PERTURBATIONS)
@pytest.mark.parametrize("gold_set", GOLD_SETS)
def test_scoring_xcheck_coref_per_document_equals_scorch(gold_sets: dict[str, list[Document]], gold_set: str, how: str) -> None:
    for seed in SEEDS if how != "none" else [0]:
        for doc in gold_sets[gold_set]:
            _assert_document_agrees(doc, _perturbed(doc, how, seed))


def test_scoring_xcheck_coref_second_pass_against_first_equals_scorch(gold_sets: dict[str, list[Document]]) -> None:
    """Two real annotation passes of the same texts: one the key, the other the response."""
    second = {d.id: d for d in gold_sets["second pass"]}
    for doc in gold_sets["first pass"]:
        _assert_document_agrees(doc, _clusters(second[doc.id]))


def _write(folder: Path, doc_id: str, clusters: Clusters) -> None:
    folder.mkdir(exist_ok=True)
    data = {"type": "clusters", "clusters": {f"c{n}": [f"{s}-{e}" for s, e in sorted(c)] for n, c in enumerate(clusters)}}
    (folder / f"{doc_id}.json").write_text(json.dumps(data), encoding="utf-8")


def _scorch_pooled(lines: list[str]) -> dict[str, tuple[float, float, float]]:
    found = {}
    for line in lines:
        match = re.fullmatch(r"(\S+):\tR=(\S+)\tP=(\S+)\tF₁=(\S+)\n", line)
        if match is not None:  # the last line is the CoNLL average
            found[match[1]] = (float(match[2]), float(match[3]), float(match[4]))
    return found


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("gold_set", GOLD_SETS)
def test_scoring_xcheck_coref_pooled_b_cubed_and_ceafm_equal_scorch(gold_sets: dict[str, list[Document]], gold_set: str, setting: str, tmp_path: Path) -> None:
    docs = gold_sets[gold_set]
    responses = {d.id: _perturbed(d, "all", 0) for d in docs}
    for doc in docs:
        _write(tmp_path / "key", doc.id, _kept(_clusters(doc), setting))
        _write(tmp_path / "response", doc.id, _kept(responses[doc.id], setting))
    theirs = _scorch_pooled(list(process_dirs(tmp_path / "key", tmp_path / "response", add_sys_mentions=False)))
    ours: Any = coref(docs, {d.id: _prediction(d, responses[d.id], n + 1) for n, d in enumerate(docs)})[setting]
    assert (ours.b_cubed.recall, ours.b_cubed.precision) == pytest.approx(theirs["B³"][:2], abs=5e-5)
    # CEAFm's F1 too: its recall and precision share a numerator, so F1 = 2 num / (key + response mentions), and
    # scorch's average weighted by key + response mentions is the pooled F1.
    assert (ours.ceafm.recall, ours.ceafm.precision, ours.ceafm.f1) == pytest.approx(theirs["CEAF_m"], abs=5e-5)
