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
from khabar.io.annotation_fast import read_canonical
from khabar.io.corpus_files import decode
from khabar.io.guards import MAX_YAML_BYTES, read_guarded
from khabar.io.layers import LAYERS, SPAN_KEYS, Layers
from khabar.io.yamlfast import load_yaml
from khabar.io.yamlnodes import LDict, LList, YamlSyntaxError, line_of, yaml_findings
from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import (
    Attribution,
    Entity,
    Fragment,
    Mention,
    Relation,
    SchemaError,
    Value,
)


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
        ok = True
        for key in raw:
            if key not in required + optional:
                self.add("yaml-unknown-key", f"unknown key `{key}` in {what}; expected {', '.join(required + optional)}", line_of(raw, key, line))
                ok = False
        for key in required:
            if key not in raw:
                self.add("yaml-missing-key", f"{what} lacks the required key `{key}`", line)
                ok = False
        return ok

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


def _ids(raw: Any) -> Any:
    return tuple(raw) if isinstance(raw, list) else raw


def _entity(r: _Reader, raw: LDict, line: int) -> Entity | None:
    if not r.keys(raw, line, ("id", "type", "name"), ("members",), "an entity"):
        return None
    return r.build(lambda: Entity(id=raw["id"], type=raw["type"], name=raw["name"], members=_ids(raw.get("members", []))), line, "entity", raw.get("id"))


def _mention(r: _Reader, raw: LDict, line: int) -> Mention | None:
    if not r.keys(raw, line, ("id", "entity", "kind") + SPAN_KEYS + ("head",), (), "a mention"):
        return None
    head = r.span(raw["head"], line_of(raw, "head", line), "mention head")
    if head is None:
        return None
    return r.build(
        lambda: Mention(
            id=raw["id"], entity=raw["entity"], kind=raw["kind"], start=raw["start"], end=raw["end"], text=raw["text"], head_start=head.start, head_end=head.end
        ),
        line,
        "mention",
        raw.get("id"),
    )


def _value(r: _Reader, raw: LDict, line: int) -> Value | None:
    if not r.keys(raw, line, ("id", "type") + SPAN_KEYS, (), "a value"):
        return None
    return r.build(lambda: Value(id=raw["id"], type=raw["type"], start=raw["start"], end=raw["end"], text=raw["text"]), line, "value", raw.get("id"))


def _relation(r: _Reader, raw: LDict, line: int) -> Relation | None:
    if not r.keys(raw, line, ("id", "label", "head", "tail", "evidence"), (), "a relation"):
        return None
    return r.build(
        lambda: Relation(id=raw["id"], label=raw["label"], head=raw["head"], tail=raw["tail"], evidence=_ids(raw["evidence"])), line, "relation", raw.get("id")
    )


def _attribution(r: _Reader, raw: LDict, line: int) -> Attribution | None:
    if not r.keys(raw, line, ("id", "type", "cue", "content"), ("source", "source_entity", "parent"), "an attribution"):
        return None
    roles = {role: r.fragments(raw.get(role), line_of(raw, role, line), f"attribution {role}") for role in ATTRIBUTION_ROLES}
    if any(v is None for v in roles.values()):
        return None
    return r.build(
        lambda: Attribution(id=raw["id"], type=raw["type"], source_entity=raw.get("source_entity"), parent=raw.get("parent"), **roles),  # type: ignore[arg-type]
        line,
        "attribution",
        raw.get("id"),
    )


_BUILDERS = {"entities": _entity, "mentions": _mention, "values": _value, "relations": _relation, "attributions": _attribution}


def read_annotation_file(path: Path, *, shown: str, within: Sequence[Path] | None = None) -> tuple[Layers | None, list[Finding]]:
    """Parse an annotation file into :class:`Layers`, collecting every problem.

    Only a regular file is read, and a link only if it leads into ``within`` (see :func:`~khabar.io.guards.read_guarded`)."""
    data, found = read_guarded(path, shown=shown, limit=MAX_YAML_BYTES, within=within)
    if data is None:
        return None, found
    raw_text, found = decode(path, data, shown)
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
        data.line, data.key_lines = 1, {}
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
        builder, into = _BUILDERS[layer], getattr(layers, layer)
        for index, raw in enumerate(items):
            line = line_of(items, index, 1)
            built = builder(reader, raw, line)
            if built is not None:
                layers.item_lines[(layer, len(into))] = line
                if layer == "mentions":
                    layers.head_texts[len(into)] = raw["head"]["text"]
                into.append(built)
                layers.lines.setdefault(built.id, line)
    return layers, reader.found
