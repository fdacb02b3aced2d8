"""Reading system predictions: JSON Lines in the ``documents`` schema.

A prediction names its document by ``id`` and may omit any layer it does not
predict (``ner``, ``mentions``, ``entities``, ``values``, ``relations``,
``attributions``). Every problem is reported as a located finding
(``pred.jsonl:LINE: error[pred-...]``) naming the document and field; nothing
is scored until the file is clean.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khabar.core.findings import Finding, finding
from khabar.io.guards import MAX_PREDICTIONS_BYTES, read_guarded
from khabar.schema.labels import ATTRIBUTION_ROLES, ATTRIBUTION_TYPES, ENTITY_TYPES, NER_LABELS, VALUE_TYPES
from khabar.schema.relations import RELATIONS

LAYERS = ("ner", "mentions", "entities", "values", "relations", "attributions")
SPAN_FIELDS = {"ner": ("start", "end"), "mentions": ("start", "end"), "values": ("start", "end")}
#: (layer, field) -> the values the schema allows (`pred-label`); a field left out or null is not checked here.
VOCABULARIES: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("ner", "label"): NER_LABELS,
    ("entities", "type"): ENTITY_TYPES,
    ("values", "type"): VALUE_TYPES,
    ("relations", "label"): tuple(RELATIONS),
    ("attributions", "type"): ATTRIBUTION_TYPES,
}


@dataclass(frozen=True, slots=True)
class Prediction:
    """One predicted document: the layers it gives, as plain dicts."""

    id: str
    line: int
    layers: Mapping[str, list[dict[str, Any]]] = field(default_factory=dict)


def _spans(layer: str, items: list[Any]) -> Iterator[tuple[str, int, int, Any]]:
    """(where, start, end, stated text) of every span of a layer."""
    for i, item in enumerate(items):
        if layer in SPAN_FIELDS:
            yield f"{layer}[{i}]", item["start"], item["end"], item.get("text")
            if layer == "mentions" and "head_start" in item:
                yield f"{layer}[{i}].head", item["head_start"], item["head_end"], None
        elif layer == "attributions":
            for role in ATTRIBUTION_ROLES:
                for j, f in enumerate(item.get(role) or []):
                    yield f"{layer}[{i}].{role}[{j}]", f["start"], f["end"], f.get("text")


def _shape_errors(layer: str, items: Any) -> list[str]:
    """What is wrong with a layer's structure (field names and types), if anything."""
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        return [f"`{layer}` must be a list of objects"]
    needs: dict[str, dict[str, type]] = {
        "ner": {"start": int, "end": int, "label": str},
        "mentions": {"start": int, "end": int, "entity": str},
        "entities": {"id": str, "type": str},
        "values": {"start": int, "end": int, "type": str},
        "relations": {"label": str, "head": str, "tail": str},
        "attributions": {"content": list, "cue": list},
    }
    need = needs[layer]
    problems = []
    for i, item in enumerate(items):
        for key, kind in need.items():
            value = item.get(key)
            if not isinstance(value, kind) or isinstance(value, bool):
                problems.append(f"`{layer}[{i}].{key}` must be {kind.__name__}; found {value!r}")
        if layer == "mentions" and ("head_start" in item) != ("head_end" in item):
            problems.append(f"`{layer}[{i}]` must give both head_start and head_end, or neither")
        if layer == "attributions":
            for role in ATTRIBUTION_ROLES:
                for j, f in enumerate(item.get(role) or []):
                    if not (isinstance(f, dict) and isinstance(f.get("start"), int) and isinstance(f.get("end"), int)):
                        problems.append(f"`{layer}[{i}].{role}[{j}]` must be {{start, end[, text]}}; found {f!r}")
    return problems


def _unknown_labels(layer: str, items: list[dict[str, Any]]) -> list[str]:
    """What in a (well-shaped) layer is not in the schema's vocabularies (:data:`VOCABULARIES`)."""
    problems = []
    for (name, key), allowed in VOCABULARIES.items():
        if name != layer:
            continue
        for i, item in enumerate(items):
            if item.get(key) is not None and item[key] not in allowed:
                problems.append(f"expected `{layer}[{i}].{key}` to be one of the schema's ({', '.join(allowed)}); found {item[key]!r}")
    return problems


def read_predictions(
    *, path: Path, texts: Mapping[str, str], shown: str | None = None, split: str | None = None, elsewhere: Mapping[str, str] | None = None
) -> tuple[list[Prediction], list[Finding]]:
    """Parse and check a predictions file against the gold documents' ``texts`` (id -> text), those of
    ``split``; ``elsewhere``: the gold documents of the other splits (id -> split), whose
    predictions are ``pred-split`` findings."""
    elsewhere = elsewhere or {}
    shown = shown or str(path)
    found: list[Finding] = []
    out: list[Prediction] = []
    seen: dict[str, int] = {}
    if not os.path.lexists(path):
        return [], [
            finding(
                "pred-json",
                "expected a predictions file (JSON Lines) here; found none that can be read (no such file); check the --pred path",
                path=shown,
                line=1,
            )
        ]
    data, unreadable = read_guarded(path, shown=shown, limit=MAX_PREDICTIONS_BYTES, within=None)  # a FIFO, a device or a huge file: a finding
    if data is None:
        return [], unreadable
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [
            finding(
                "pred-json",
                f"expected UTF-8 JSON Lines; found byte {data[exc.start]:#04x} at offset {exc.start} that is not UTF-8 (write the file as UTF-8)",
                path=shown,
                line=data.count(b"\n", 0, exc.start) + 1,
            )
        ]
    empty = not text.strip()
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        at = {"path": shown, "line": number}
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            found.append(finding("pred-json", f"expected one JSON object per line; found invalid JSON ({exc.msg} at column {exc.colno})", **at))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            found.append(finding("pred-field", "expected an object with a string `id` naming a gold document", **at))
            continue
        doc_id = data["id"]
        at["document"] = doc_id
        if doc_id in elsewhere and doc_id not in texts:
            other = elsewhere[doc_id]
            found.append(
                finding(
                    "pred-split",
                    f"expected only documents of the split scored, {split}; found {doc_id!r}, a document of the {other} split: "
                    f"nothing is scored (remove its line, or score the {other} split with `--split {other}`)",
                    **at,
                )
            )
            continue
        if doc_id not in texts:
            found.append(
                finding("pred-unknown-document", f"document {doc_id!r} is not in the gold ({len(texts) + len(elsewhere)} documents); check the id", **at)
            )
            continue
        if doc_id in seen:
            found.append(finding("pred-duplicate-document", f"document {doc_id!r} was already predicted on line {seen[doc_id]}; give each document once", **at))
            continue
        seen[doc_id] = number
        text = texts[doc_id]
        if "text" in data and data["text"] != text:
            found.append(
                finding("pred-text-mismatch", f"`text` differs from the gold text of {doc_id!r}; predictions must be made on the gold text unchanged", **at)
            )
            continue
        layers: dict[str, list[dict[str, Any]]] = {}
        bad = False
        for layer in LAYERS:
            if layer not in data:
                continue
            problems = _shape_errors(layer, data[layer])
            found += [finding("pred-field", p, **at) for p in problems]
            unknown = [] if problems else _unknown_labels(layer, data[layer])
            found += [finding("pred-label", p, **at) for p in unknown]
            problems += unknown
            bad = bad or bool(problems)
            layers[layer] = data[layer] if not problems else []
        if bad:
            continue
        for layer, items in layers.items():
            for where, start, end, stated in _spans(layer, items):
                if not (0 <= start < end <= len(text)):
                    found.append(finding("pred-offset-range", f"`{where}` is {start}-{end}, outside the text (0-{len(text)}) or empty", **at))
                elif stated is not None and text[start:end] != stated:
                    found.append(finding("pred-text-mismatch", f"`{where}` states {stated!r} but the gold text at {start}-{end} is {text[start:end]!r}", **at))
        out.append(Prediction(doc_id, number, layers))
    if empty:
        found.append(
            finding(
                "pred-empty",
                "expected at least one prediction (a JSON object a line); found an empty file: nothing would be scored (check that the system wrote its output)",
                path=shown,
                line=1,
            )
        )
    return out, found
