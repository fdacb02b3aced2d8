"""Layer 6 (beside export), baselines: deterministic predictions from the document texts alone, and their
scores on documents (:mod:`~khabar.baselines.scores`, which the pipeline computes for the card). May import:
``views``, ``checks``, ``scoring``, ``io``, ``schema``, ``core``.

``BASELINES`` is the one table: name -> (function, description, version of the
rules). Each function is called as ``function(documents=[(id, text), ...],
**options)`` and returns prediction objects in the format of
``khabar.scoring.predictions`` (one dict per document). A baseline never
reads the gold annotations. Rules and failure modes: ``docs/baselines.md``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from khabar.baselines import cooccurrence_relations, cue_lexicon_attribution, spacy_ner, string_match_coref
from khabar.core.parallel import chunked_map
from khabar.io.atomic import replacing_file
from khabar.io.outputs import PREDICTIONS
from khabar.io.proofs import BASELINE_KEY

__all__ = ["BASELINES", "Baseline", "run_baseline", "write_predictions"]

Baseline = Callable[..., list[dict[str, Any]]]

BASELINES: Mapping[str, tuple[Baseline, str, str]] = {
    "string-match-coref": (
        string_match_coref.predict,
        "coreference: capitalised-token name runs clustered by exact and partial string match, pronouns by recency and agreement",
        string_match_coref.VERSION,
    ),
    "cue-lexicon-attribution": (
        cue_lexicon_attribution.predict,
        "attribution: reporting cues from a lexicon, source and content by their position around the cue",
        cue_lexicon_attribution.VERSION,
    ),
    "sentence-cooccurrence-relations": (
        cooccurrence_relations.predict,
        "relations: keyword-triggered labels between string-match entities mentioned in one sentence",
        cooccurrence_relations.VERSION,
    ),
    "spacy-ner": (
        spacy_ner.predict,
        "NER: the entities of an installed spaCy pipeline (option `model`, default en_core_web_sm)",
        spacy_ner.VERSION,
    ),
}


def _options_of(function: Baseline) -> set[str]:
    return {name for name, p in inspect.signature(function).parameters.items() if p.kind is p.KEYWORD_ONLY and name != "documents"}


def run_baseline(*, name: str, documents: Sequence[tuple[str, str]], options: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Run the baseline ``name`` on ``(id, text)`` pairs; ValueError for an unknown name or option."""
    if name not in BASELINES:
        raise ValueError(f"unknown baseline {name!r}; the baselines are: {', '.join(sorted(BASELINES))}")
    function = BASELINES[name][0]
    unknown = sorted(set(options) - _options_of(function))
    if unknown:
        takes = ", ".join(sorted(_options_of(function))) or "no option"
        raise ValueError(f"baseline {name!r} takes {takes}; found {', '.join(unknown)}")

    # One prediction per document, none depending on another (see khabar.core.parallel).
    return list(chunked_map(_predict, documents, function, dict(options)))


def _predict(documents: list[tuple[str, str]], function: Baseline, options: dict[str, Any]) -> list[dict[str, Any]]:
    return function(documents=documents, **options)


def write_predictions(*, predictions: Sequence[Mapping[str, Any]], out: Path, baseline: str | None = None) -> Path:
    """Write JSON Lines (sorted keys, one document a line), atomically: a file beside ``out``, then a rename.

    ``baseline`` (``"<name> <version>"``) is written into every line as ``khabar_baseline`` (the
    evaluator ignores it): the mark by which a later run may replace the file. ``out`` must be new,
    empty or such a file (:data:`khabar.io.outputs.PREDICTIONS`); anything else is refused
    (``out-refused``, nothing touched)."""
    with replacing_file(out, output=PREDICTIONS) as staged:
        with staged.open("w", encoding="utf-8", newline="\n") as handle:
            for prediction in predictions:
                line = {**prediction, BASELINE_KEY: baseline} if baseline is not None else prediction
                handle.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")
    return out
