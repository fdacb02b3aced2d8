"""Licences, from the data: every document's text keeps its source's licence, the annotations are ours.

The front matter's ``licence`` is an id of :data:`khabar.schema.labels.TEXT_LICENCES`
(``licence-unknown`` otherwise). From the documents' metadata the build writes
``LICENSE.md`` into the dataset folder, the card's licence metadata (the Hub's
convention for mixed licences: ``license: other`` with a name and a link to that
file), its "Licences" table and its contamination warning (from ``provenance``),
and the licences croissant.json lists. Nothing here is typed by hand, and every
value of the metadata goes in escaped (:mod:`khabar.core.markdown`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from khabar.core.markdown import code, escape, link, table
from khabar.schema.labels import ANNOTATION_LICENCE, SPLITS_TEST_FIRST, TEXT_LICENCES

#: The file the build writes, and the card's ``license_link``.
LICENCE_FILE = "LICENSE.md"
#: The card's ``license_name`` (the Hub's convention: ``license: other`` plus a name and a link).
LICENCE_NAME = "khabar-mixed"

#: A document's front matter, as the pipeline keeps it: id, title, source, url, published, language,
#: licence, attribution, split, provenance.
Meta = Mapping[str, Any]

#: "also in GUM as GUM_news_afghan, split train": the GUM document's name and GUM's split.
_GUM = re.compile(r"\bGUM\b(?:\s+as\s+(?P<name>GUM_\w+))?(?:.*?\bsplit\s+(?P<split>\w+))?")


def licence_name(licence: str | None) -> str:
    return TEXT_LICENCES[licence][0] if licence is not None and licence in TEXT_LICENCES else f"unknown licence {licence!r}"


def licence_url(licence: str | None) -> str | None:
    return TEXT_LICENCES[licence][1] if licence is not None and licence in TEXT_LICENCES else None


def _ordered(documents: Sequence[Meta]) -> list[Meta]:
    """The held-out split first, then by id."""
    rank = {split: i for i, split in enumerate(SPLITS_TEST_FIRST)}
    return sorted(documents, key=lambda d: (rank.get(d["split"], len(rank)), d["id"]))


def documents_table(documents: Sequence[Meta]) -> str:
    """Every document: id, split, source, licence (linked), attribution, url."""
    rows = [
        (d["id"], d["split"], d["source"], link(licence_name(d["licence"]), licence_url(d["licence"])), d["attribution"], d["url"]) for d in _ordered(documents)
    ]
    return table(("document", "split", "source", "licence of the text", "attribution", "url"), rows)


def closed(documents: Sequence[Meta]) -> list[Meta]:
    """The documents whose text is not openly licensed (a licence without a public licence text)."""
    return [d for d in _ordered(documents) if licence_url(d["licence"]) is None]


def _closed_sentence(documents: Sequence[Meta]) -> str:
    shut = closed(documents)
    if not shut:
        return "Every text is openly licensed."
    sources = sorted({escape(d["source"] or "its publisher") for d in shut})
    ids = ", ".join(code(d["id"]) for d in shut)
    return (
        f"The text of {len(shut)} document(s) ({ids}; {', '.join(sources)}) is **not openly licensed**: all rights are reserved by "
        "the publisher. It is included for research use (evaluation) only, it is not covered by the annotations' licence, and "
        "redistributing it needs the publisher's permission."
    )


def licences_section(documents: Sequence[Meta], *, card: bool = True) -> str:
    """The card's "Licences" section body (``card=False``: ``LICENSE.md``'s)."""
    name, url = TEXT_LICENCES[ANNOTATION_LICENCE]
    counts = Counter(d["licence"] for d in documents)
    summary = ", ".join(
        f"{link(k, licence_url(k))} ({escape(licence_name(k))}) for {n} document(s)" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    )
    return "\n\n".join(
        [
            f"Khabar mixes licences. The annotations (entities, mentions, values, relations, attributions and the layers derived from them) are "
            f"released by the Khabar maintainers under {link(name, url)} ({ANNOTATION_LICENCE}). Each document's text (the `text` column, and the "
            f"tokens and sentences every config makes from it) keeps its source's licence, given per document below: {summary or 'no document yet'}.",
            _closed_sentence(documents),
            documents_table(documents),
            (
                f"The same table is in `{LICENCE_FILE}` next to this card; the card's metadata says `license: other` and links to it."
                if card
                else "The dataset card (`README.md`) gives the same table; its metadata says `license: other` and links to this file."
            ),
        ]
    )


def licence_file(*, documents: Sequence[Meta]) -> str:
    """``LICENSE.md`` of the dataset folder."""
    return f"# Licences of Khabar\n\n{licences_section(documents, card=False)}\n"


def card_licence(documents: Sequence[Meta]) -> dict[str, str]:
    """The card's licence metadata: the Hub's convention for a dataset of mixed licences."""
    in_use = sorted({str(d["licence"]) for d in documents})
    details = (
        f"Annotations: {ANNOTATION_LICENCE}. Texts: each document's own licence ({', '.join(in_use) or 'none yet'}), listed per document in "
        f"{LICENCE_FILE}; "
        + ("some texts are not openly licensed (all rights reserved by the publisher)." if closed(documents) else "all are openly licensed.")
    )
    return {"license": "other", "license_name": LICENCE_NAME, "license_link": LICENCE_FILE, "license_details": details}


def licences_in_use(documents: Sequence[Meta]) -> list[str]:
    """croissant.json's ``license``: the URL of the annotations' licence and of every text licence in use
    (a licence without a URL by its name)."""
    ids = [ANNOTATION_LICENCE, *sorted({str(d["licence"]) for d in documents} - {ANNOTATION_LICENCE})]
    return [licence_url(i) or licence_name(i) for i in ids]


def contamination(documents: Sequence[Meta]) -> list[tuple[str, str | None, str | None]]:
    """(document id, GUM document name, GUM split) of every document whose provenance says it is also in GUM."""
    out = []
    for d in _ordered(documents):
        found = _GUM.search(str(d.get("provenance") or ""))
        if found is not None:
            out.append((d["id"], found["name"], found["split"]))
    return out


def contamination_section(documents: Sequence[Meta]) -> str:
    """The card's contamination warning, from the documents' ``provenance``."""
    shared = contamination(documents)
    if not shared:
        return (
            "No document's provenance names another public corpus: as far as this repository records, no text of Khabar is in "
            "GUM, OntoGUM or another annotated corpus."
        )
    splits = {d["id"]: d["split"] for d in documents}
    rows = [(doc_id, splits[doc_id], name or "not stated", split or "not stated") for doc_id, name, split in shared]
    return "\n\n".join(
        [
            f"**Warning: {len(shared)} text(s) of Khabar are also in GUM**, the Georgetown University Multilayer corpus, and so in OntoGUM, "
            "which is derived from GUM. A system trained or tuned on GUM or OntoGUM has seen these texts (and their GUM annotations), so its "
            "scores on them are not held-out scores: report them apart, or leave those documents out.",
            table(("document", "Khabar split", "GUM document", "GUM split"), rows),
            "The list is generated from each document's `provenance` field.",
        ]
    )
