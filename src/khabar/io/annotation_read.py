"""Reading standoff annotation files (``annotations/<id>.yaml``) into model objects.

Every problem is collected as a located finding; items that cannot be built are
left out of the result (and the run fails), never repaired.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from khabar.core.findings import Finding, finding
from khabar.io.annotation_format import read_canonical
from khabar.io.corpus_files import decode
from khabar.io.guards import MAX_YAML_BYTES, read_guarded
from khabar.io.layers import FIELDS, ITEM_NAMES, LAYERS, SPAN_KEYS, Item, Layers, build_item
from khabar.io.yamlnodes import LDict, LList, YamlSyntaxError, line_of, load_yaml, yaml_findings
from khabar.schema.model import Fragment, SchemaError


class _Reader:
    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.found: list[Finding] = []

    def add(self, check: str, message: str, line: int, annotation: str | None = None) -> None:
        self.found.append(finding(check, message, path=self.shown, line=line, annotation=annotation))

    def keys(self, raw: Any, line: int, required: tuple[str, ...], optional: tuple[str, ...], what: str) -> bool:
        must, may = _key_sets(required, optional)
        if type(raw) is LDict and must <= raw.keys() <= may:
            return True  # the common case, in two set comparisons; the loops below say what is wrong
        if not isinstance(raw, LDict):
            self.add("yaml-type", f"expected {what} as a mapping with keys {', '.join(required)}; found {type(raw).__name__} {raw!r}", line)
            return False
        for key in raw:
            if key not in may:
                self.add("yaml-unknown-key", f"unknown key `{key}` in {what}; expected {', '.join(required + optional)}", line_of(raw, key, line))
        for key in required:
            if key not in raw:
                self.add("yaml-missing-key", f"{what} lacks the required key `{key}`", line)
        return False  # a mapping with every key it needs and no other took the first return

    def span(self, raw: Any, line: int, what: str) -> Fragment | None:
        if not self.keys(raw, line, SPAN_KEYS, (), what):
            return None
        return self.build(lambda: Fragment(start=raw["start"], end=raw["end"], text=raw["text"]), line, what)

    def fragments(self, raw: Any, line: int, what: str) -> tuple[Fragment, ...] | None:
        if raw is None:
            raw = LList()
        if not isinstance(raw, list):
            self.add("yaml-type", f"{what} must be a list of {{start, end, text}} fragments; found {type(raw).__name__}", line)
            return None
        out = [self.span(item, line_of(raw, i, line), f"{what} fragment") for i, item in enumerate(raw)]
        return None if any(f is None for f in out) else tuple(out)  # type: ignore[arg-type]

    def build(self, make: Callable[[], Any], line: int, what: str, annotation: str | None = None) -> Any:
        try:
            return make()
        except SchemaError as exc:
            self.add(exc.check, f"{what}: {exc.message}", line, annotation)
        except TypeError as exc:  # a list where a scalar was expected, and the like
            self.add("yaml-type", f"{what}: {exc}", line, annotation)
        return None


@cache
def _key_sets(required: tuple[str, ...], optional: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """The keys a mapping must have, and those it may have."""
    return frozenset(required), frozenset(required + optional)


#: Each layer's (required, optional) keys, from the format's one declaration.
_KEYS = {layer: (tuple(f.key for f in fs if not f.optional), tuple(f.key for f in fs if f.optional)) for layer, fs in FIELDS.items()}


def _item(r: _Reader, layer: str, raw: Any, line: int) -> Item | None:
    """One item of ``layer`` (any YAML value), checked key by key and built, or None with findings."""
    what = ITEM_NAMES[layer]
    if not r.keys(raw, line, *_KEYS[layer], f"an {what}" if what[0] in "aeiou" else f"a {what}"):
        return None
    values = dict(raw)
    for f in FIELDS[layer]:
        if f.kind == "span":
            span = r.span(raw[f.key], line_of(raw, f.key, line), f"{what} {f.key}")
            values[f.key] = None if span is None else (span.start, span.end, span.text)
        elif f.kind == "spans":
            values[f.key] = r.fragments(raw.get(f.key), line_of(raw, f.key, line), f"{what} {f.key}")
        else:
            continue
        if values[f.key] is None:
            return None
    named = raw.get("id")  # the finding's annotation: an id, never the list or mapping a bad file holds there
    return r.build(lambda: build_item(layer, values), line, what, named if isinstance(named, str) else None)


def read_annotation_file(path: Path, *, shown: str, within: Sequence[Path] | None = None) -> tuple[Layers | None, list[Finding]]:
    """Parse an annotation file into :class:`Layers`, collecting every problem.

    Only a regular file is read, and a link only if it leads into ``within`` (see :func:`~khabar.io.guards.read_guarded`)."""
    data, found = read_guarded(path, shown=shown, limit=MAX_YAML_BYTES, within=within)
    if data is None:
        return None, found
    raw_text, found = decode(data, shown=shown)
    if raw_text is None or any(f.check == "text-control" for f in found):  # YAML refuses them too: its finding would only echo
        return None, found
    canonical = read_canonical(raw_text)  # the layout khabar writes, with nothing to report: straight into the model
    if canonical is not None:
        return canonical, found
    layers, problems = read_annotation_text(raw_text, shown=shown, stem=path.stem)
    return layers, found + problems


def read_annotation_text(raw_text: str, *, shown: str, stem: str) -> tuple[Layers | None, list[Finding]]:
    """The general path of :func:`read_annotation_file`, for any layout: YAML (with line
    numbers), then each item checked and built. ``stem`` is the file's name without ``.yaml``."""
    reader = _Reader(shown)
    try:
        data = load_yaml(raw_text)
    except YamlSyntaxError as exc:
        return None, yaml_findings(exc, path=shown, hint=" (the file must be valid YAML; check indentation and quoting near this line)")
    if data is None:
        data = LDict(document=stem)
        data.key_lines = {}
    if not reader.keys(data, 1, ("document",), LAYERS + ("unreviewed",), "the annotation file"):
        if not isinstance(data, LDict):
            return None, reader.found
    document = data.get("document")
    if "document" in data and not isinstance(document, str):
        reader.add("yaml-type", f"`document` must be the document id, a string; found {document!r}", line_of(data, "document", 1))
        document = None
    layers = Layers(document=document, document_line=line_of(data, "document", 1), unreviewed_line=line_of(data, "unreviewed", 1))
    unreviewed = data.get("unreviewed") or []
    if not isinstance(unreviewed, list) or not all(isinstance(x, str) for x in unreviewed):
        reader.add("yaml-type", f"`unreviewed` must be a list of annotation ids; found {unreviewed!r}", line_of(data, "unreviewed", 1))
    else:
        layers.unreviewed = tuple(unreviewed)
    for layer in LAYERS:
        items = data.get(layer) or LList()
        if not isinstance(items, list):
            reader.add("yaml-type", f"`{layer}` must be a list; found {type(items).__name__}", line_of(data, layer, 1))
            continue
        into = getattr(layers, layer)
        for index, raw in enumerate(items):
            line = line_of(items, index, 1)
            built = _item(reader, layer, raw, line)
            if built is not None:
                layers.item_lines[(layer, len(into))] = line
                if layer == "mentions":
                    layers.head_texts[len(into)] = raw["head"]["text"]
                into.append(built)
                layers.lines.setdefault(built.id, line)
    return layers, reader.found
