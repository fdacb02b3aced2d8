"""Documents by split: every document is in one split of :data:`khabar.schema.labels.SPLITS`.

The corpus reader refuses a document in no split (``split-missing``) or in an unknown one
(``split-unknown``); what is read here always has one. A document made otherwise (a brat
import without metadata, a hand-made model) and given here without a split is reported the
same way, never guessed into one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from khabar.core.findings import KhabarError, finding
from khabar.schema.labels import SPLITS, SPLITS_TEST_FIRST
from khabar.schema.model import Document

T = TypeVar("T")


def split_of(doc: Document) -> str:
    """``doc``'s split; :class:`KhabarError` (``split-missing``) when it has none."""
    if doc.split is None:
        raise KhabarError(
            [
                finding(
                    "split-missing",
                    f"expected document {doc.id!r} in a split ({', '.join(SPLITS)}); found none: it cannot be "
                    "built, scored or reported (state `split` in its front matter)",
                    document=doc.id,
                )
            ]
        )
    return doc.split


def by_split(documents: Iterable[Document]) -> dict[str, list[Document]]:
    """``documents`` grouped by split, in :data:`SPLITS` order, each group in the given order;
    a split without documents is left out."""
    groups: dict[str, list[Document]] = {split: [] for split in SPLITS}
    for doc in documents:
        groups[split_of(doc)].append(doc)
    return {split: docs for split, docs in groups.items() if docs}


def held_out_first(per_split: Mapping[str, T]) -> list[tuple[str, T]]:
    """The items of a mapping keyed by split, the held-out split first (the order figures are reported in)."""
    return [(split, per_split[split]) for split in SPLITS_TEST_FIRST if split in per_split]
