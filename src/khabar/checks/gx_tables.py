"""The flattened tables the Great Expectations suites run on (:mod:`khabar.checks.gx`).

One table per annotation layer and one for sentences, each with a ``document``
column; tokens are summarised in ``documents``, one row per document (see
:mod:`khabar.checks.gx`). Plain Python and pandas: no Great Expectations here.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from khabar.core.gcpause import gc_paused
from khabar.schema.labels import ATTRIBUTION_ROLES

if TYPE_CHECKING:
    import pandas as pd

    from khabar.schema.model import Document

#: Every table's columns; the integer ones are typed so that empty tables validate.
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "entities": ("document", "id", "item", "key", "type", "name", "members", "mentions"),
    "mentions": ("document", "id", "item", "entity", "entity_key", "kind", "start", "end", "head_start", "head_end", "text_length"),
    "values": ("document", "id", "item", "type", "start", "end", "text_length"),
    "relations": ("document", "id", "item", "label", "head", "head_key", "tail", "tail_key"),
    "attributions": (
        "document",
        "id",
        "item",
        "key",
        "type",
        "role",
        "fragment",
        "start",
        "end",
        "text_length",
        "source_entity",
        "source_entity_key",
        "parent",
        "parent_key",
    ),
    "sentences": ("document", "id", "start", "end", "text_length", "tokens"),
    "documents": ("document", "id", "text_length", "tokens", "first_token_start", "last_token_end", "overlapping_tokens", "empty_tokens"),
}
INTEGERS = frozenset(
    {
        "item",
        "members",
        "mentions",
        "start",
        "end",
        "head_start",
        "head_end",
        "text_length",
        "fragment",
        "tokens",
        "first_token_start",
        "last_token_end",
        "overlapping_tokens",
        "empty_tokens",
    }
)


def _key(document: str, ident: str | None) -> str | None:
    return None if ident is None else f"{document}/{ident}"


def _rows(doc: Document) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of every table of one document."""
    n, d = len(doc.text), doc.id
    per_entity: dict[str, int] = defaultdict(int)
    for m in doc.mentions:
        per_entity[m.entity] += 1
    keys: dict[str | None, str | None] = {None: None}  # one key string per id of the document, not one per row

    def key(ident: str | None) -> str | None:
        found = keys.get(ident, "")
        if found == "":
            found = keys[ident] = _key(d, ident)
        return found

    starts = [t.start for t in doc.tokens]
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in COLUMNS}
    for i, e in enumerate(doc.entities):
        rows["entities"].append((d, e.id, i, key(e.id), e.type, e.name, len(e.members), per_entity[e.id]))
    for i, m in enumerate(doc.mentions):
        rows["mentions"].append((d, m.id, i, m.entity, key(m.entity), m.kind, m.start, m.end, m.head_start, m.head_end, n))
    for i, v in enumerate(doc.values):
        rows["values"].append((d, v.id, i, v.type, v.start, v.end, n))
    for i, r in enumerate(doc.relations):
        rows["relations"].append((d, r.id, i, r.label, r.head, key(r.head), r.tail, key(r.tail)))
    for i, a in enumerate(doc.attributions):
        for role in ATTRIBUTION_ROLES:
            for j, f in enumerate(getattr(a, role)):
                rows["attributions"].append(
                    (d, a.id, i, key(a.id), a.type, role, j, f.start, f.end, n, a.source_entity, key(a.source_entity), a.parent, key(a.parent))
                )
    for i, s in enumerate(doc.sentences):
        inside = sum(1 for k in range(bisect_left(starts, s.start), bisect_right(starts, s.end)) if doc.tokens[k].end <= s.end)
        rows["sentences"].append((d, i, s.start, s.end, n, inside))
    ends = [t.end for t in doc.tokens]
    overlapping = sum(1 for before, start in zip(ends, starts[1:], strict=False) if start < before)
    empty = sum(1 for start, end in zip(starts, ends, strict=True) if end <= start)
    rows["documents"].append((d, d, n, len(starts), starts[0] if starts else 0, ends[-1] if ends else 0, overlapping, empty))
    return rows


def tables(documents: Sequence[Document]) -> dict[str, pd.DataFrame]:
    """Every layer of ``documents`` as one pandas table, each with a ``document`` column.

    Built as one list per column (not a tuple per row), which halves the memory
    the rows take before pandas converts them."""
    columns: dict[str, dict[str, list[Any]]] = {name: {c: [] for c in cols} for name, cols in COLUMNS.items()}
    with gc_paused():
        for doc in documents:
            for name, found in _rows(doc).items():
                if found:
                    for column, values in zip(columns[name].values(), zip(*found, strict=True), strict=True):
                        column += values
    out = {}
    for name, names in COLUMNS.items():
        frame = pd.DataFrame(columns.pop(name), columns=list(names))
        out[name] = frame.astype({c: "int64" for c in names if c in INTEGERS})
    return out
