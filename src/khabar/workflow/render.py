"""A review page for one document: ``khabar render DOC_ID --out FILE.html``.

``render_document(doc=...)`` returns one self-contained HTML page (inline CSS
from :mod:`khabar.workflow.render_css`, no script, no network) showing:

- the text, sentence by sentence, with every mention marked and coloured by its
  entity (``.mention[data-entity=...]``; NAM solid, NOM dashed, PRO dotted
  underline; heads bold; entity labels on hover or with the "labels" toggle),
  nested mentions stacked, values outlined (``.value``);
- the coreference chains (``#chains li``, one per entity with mentions);
- the relations (``#relations tr``, one per relation);
- the attributions (``.attribution[data-parent=...]``, children nested inside
  their parent's block) with ``.cue``, ``.source`` and ``.content`` marked.

Every piece of text is escaped; the output depends only on the document.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Any

from khabar.core.findings import Finding, KhabarError, errors, finding
from khabar.io.atomic import replacing_file
from khabar.io.outputs import PAGE, check_out
from khabar.pipeline import validate
from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import Attribution, Document, Entity, Mention, Sentence, Value
from khabar.workflow.render_css import CSS

_RANK = {Sentence: 0, Mention: 1, "head": 2, Value: 3, "role": 4}


@dataclass(slots=True)
class _Node:
    """A span to wrap in an element; a span crossing another is cut in pieces."""

    start: int
    end: int
    rank: int
    item: Any
    first: bool = True
    last: bool = True
    children: list[_Node] = field(default_factory=list)


def _forest(pieces: list[_Node]) -> list[_Node]:
    """Nest spans: each one inside the first that contains it, cut where two cross."""
    order = lambda n: (n.start, -n.end, n.rank)  # noqa: E731
    pieces, out = sorted(pieces, key=order), []
    while pieces:
        top, inner, rest = pieces[0], [], []
        for p in pieces[1:]:
            if p.start >= top.end:
                rest.append(p)
            elif p.end <= top.end:
                inner.append(p)
            else:
                inner.append(replace(p, end=top.end, last=False, children=[]))
                rest.append(replace(p, start=top.end, first=False, children=[]))
        top.children = _forest(inner)
        out.append(top)
        pieces = sorted(rest, key=order)
    return out


def _layers(node: _Node) -> int:
    """How many mentions are nested in one another below ``node``."""
    return max((_layers(c) + isinstance(c.item, Mention) for c in node.children), default=0)


def _html(text: str, nodes: list[_Node], lo: int, hi: int, wrap: Callable[[_Node, str], str]) -> str:
    out, pos = [], lo
    for n in nodes:
        out += [escape(text[pos : n.start]), wrap(n, _html(text, n.children, n.start, n.end, wrap))]
        pos = n.end
    out.append(escape(text[pos:hi]))
    return "".join(out)


def _a(value: object) -> str:
    return escape(str(value), quote=True)


class _Page:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.entities = {e.id: e for e in doc.entities}
        self.hue = {e.id: round(i * 137.508) % 360 for i, e in enumerate(doc.entities)}
        self.starts = [s.start for s in doc.sentences]
        self.sindex = {s: i for i, s in enumerate(doc.sentences)}

    def sentence_of(self, offset: int) -> int:
        return max(bisect.bisect_right(self.starts, offset) - 1, 0)

    def name(self, entity_id: str | None) -> str:
        e = self.entities.get(entity_id or "")
        style = f' style="--h:{self.hue[e.id]}"' if e else ""
        label = escape(e.name) if e else f"<em>unknown</em> {escape(str(entity_id))}"
        return f'<span class="ename" data-entity="{_a(entity_id)}"{style} title="{_a(entity_id)}">{label}</span>'

    # -- the marked text -------------------------------------------------
    def wrap(self, node: _Node, inner: str) -> str:
        item = node.item
        if node.rank == _RANK["head"]:
            return f'<b class="head" data-head-of="{_a(item.id)}">{inner}</b>'
        if isinstance(item, Sentence):
            i = self.sindex[item]
            head = f'<sup class="snum">{i}</sup>' if node.first else ""
            sid = f' id="sentence-{i}"' if node.first else ""
            lh = f' style="line-height:calc(1.6em + {_layers(node) * 5}px)"' if _layers(node) > 1 else ""
            return f'<span class="sentence"{sid} data-sentence="{i}"{lh}>{head}{inner}</span>'
        if isinstance(item, Mention):
            e = self.entities.get(item.entity)
            cls = f"mention k-{item.kind}" + ("" if e else " unknown-entity") + ("" if node.first else " cont")
            mid = f' id="mention-{_a(item.id)}"' if node.first else ""
            title = f"{item.id}: {item.entity}" + (f" ({e.type}, {e.name})" if e else " (unknown entity)") + f", {item.kind}"
            tag = f'<sup class="tag">{escape(item.entity)}</sup>' if node.last else ""
            return (
                f'<span class="{cls}"{mid} data-mention="{_a(item.id)}" data-entity="{_a(item.entity)}" data-kind="{item.kind}"'
                f' title="{_a(title)}" style="--h:{self.hue.get(item.entity, 0)};--lv:{_layers(node)}">{inner}{tag}</span>'
            )
        if isinstance(item, Value):
            vid = f' id="value-{_a(item.id)}"' if node.first else ""
            tag = f'<sub class="vtag">{item.type}</sub>' if node.last else ""
            return f'<span class="value"{vid} data-value="{_a(item.id)}" data-type="{item.type}" title="{_a(item.id)}: {item.type}">{inner}{tag}</span>'
        role, att = item
        return f'<span class="{role}" data-attribution="{_a(att.id)}">{inner}</span>'

    def text_view(self) -> str:
        doc = self.doc
        nodes = [_Node(s.start, s.end, _RANK[Sentence], s) for s in doc.sentences]
        nodes += [_Node(m.start, m.end, _RANK[Mention], m) for m in doc.mentions]
        nodes += [_Node(m.head_start, m.head_end, _RANK["head"], m) for m in doc.mentions]
        nodes += [_Node(v.start, v.end, _RANK[Value], v) for v in doc.values]
        forest = _forest([n for n in nodes if 0 <= n.start < n.end <= len(doc.text)])
        body = _html(doc.text, forest, 0, len(doc.text), self.wrap)
        return (
            f'<section id="text-view"><h2>Text, mentions and values</h2>'
            '<input type="checkbox" id="show-labels"> <label for="show-labels" class="toggle">show entity labels</label>'
            f'<div class="text" id="text">{body}</div></section>'
        )

    # -- chains, relations, attributions -----------------------------------
    def chain(self, e: Entity, mentions: list[Mention]) -> str:
        members = ", ".join(self.name(m) for m in e.members)
        items = '<span class="sep">·</span>'.join(
            f'<a class="chain-mention k-{m.kind}" href="#mention-{_a(m.id)}" data-mention="{_a(m.id)}" title="{_a(m.id)} {m.kind}">'
            f"{escape(m.text)}<sub>s{self.sentence_of(m.start)}</sub></a>"
            for m in mentions
        )
        return (
            f'<li class="chain" id="entity-{_a(e.id)}" data-entity="{_a(e.id)}" style="--h:{self.hue[e.id]}">'
            f'<span class="swatch"></span> <code>{escape(e.id)}</code> <span class="etype">{e.type}</span> '
            f'<span class="ename">{escape(e.name)}</span> <span class="muted">({len(mentions)} mention{"s" * (len(mentions) != 1)})</span>'
            + (f' <span class="members">group of {members}</span>' if e.members else "")
            + f'<div class="chain-mentions">{items}</div></li>'
        )

    def chains(self) -> str:
        by_entity: dict[str, list[Mention]] = {}
        for m in sorted(self.doc.mentions, key=lambda m: (m.start, m.end)):
            by_entity.setdefault(m.entity, []).append(m)
        rows = [self.chain(e, by_entity[e.id]) for e in self.doc.entities if e.id in by_entity]
        bare = [e for e in self.doc.entities if e.id not in by_entity]
        note = f'<p class="muted">Entities without mentions: {", ".join(self.name(e.id) for e in bare)}</p>' if bare else ""
        return f'<section><h2>Coreference chains ({len(rows)})</h2><ol id="chains">{"".join(rows)}</ol>{note}</section>'

    def evidence(self, indices: tuple[int, ...]) -> str:
        return "".join(f'<a class="snref" href="#sentence-{i}">s{i}</a>' for i in indices)

    def relations(self) -> str:
        rows = "".join(
            f'<tr data-relation="{_a(r.id)}" data-label="{_a(r.label)}"><td><code>{escape(r.id)}</code></td><td><code>{escape(r.label)}</code></td>'
            f'<td>{self.name(r.head)}</td><td class="arrow">→</td><td>{self.name(r.tail)}</td><td>{self.evidence(r.evidence)}</td></tr>'
            for r in self.doc.relations
        )
        return (
            f'<section><h2>Relations ({len(self.doc.relations)})</h2><table class="relations"><thead><tr><th>id</th><th>label</th>'
            f'<th>head</th><th></th><th>tail</th><th>evidence</th></tr></thead><tbody id="relations">{rows}</tbody></table></section>'
        )

    def attribution(self, a: Attribution, children: dict[str, list[Attribution]], seen: set[str], orphan: bool = False) -> str:
        seen.add(a.id)
        frags = [(role, f) for role in ATTRIBUTION_ROLES for f in getattr(a, role)]
        lo = self.doc.sentences[self.sentence_of(min(f.start for _, f in frags))].start if self.doc.sentences else 0
        last = self.sentence_of(max(f.end for _, f in frags) - 1)
        hi = max(self.doc.sentences[last].end if self.doc.sentences else 0, max(f.end for _, f in frags))
        nodes = [_Node(f.start, f.end, _RANK["role"], (role, a)) for role, f in frags if 0 <= f.start < f.end <= len(self.doc.text)]
        excerpt = _html(self.doc.text, _forest(nodes), lo, hi, self.wrap)
        source = f" · source entity {self.name(a.source_entity)}" if a.source_entity else ""
        parent = f' · inside <a href="#attribution-{_a(a.parent)}">{escape(a.parent)}</a>' if a.parent else ""
        kids = "".join(self.attribution(c, children, seen) for c in children.get(a.id, []) if c.id not in seen)
        return (
            f'<div class="attribution{" orphan" * orphan}" id="attribution-{_a(a.id)}" data-attribution="{_a(a.id)}" '
            f'data-parent="{_a(a.parent or "")}" data-type="{_a(a.type)}"><div class="att-head"><code>{escape(a.id)}</code> '
            f'{escape(a.type)}{source}{parent}</div><div class="att-text"><sup class="snum">s{self.sentence_of(lo)}</sup>{excerpt}</div>{kids}</div>'
        )

    def attributions(self) -> str:
        ids = {a.id for a in self.doc.attributions}
        children: dict[str, list[Attribution]] = {}
        for a in self.doc.attributions:
            if a.parent in ids:
                children.setdefault(a.parent, []).append(a)
        seen: set[str] = set()
        blocks = [self.attribution(a, children, seen) for a in self.doc.attributions if a.parent not in ids]
        blocks += [self.attribution(a, children, seen, orphan=True) for a in self.doc.attributions if a.id not in seen]  # cycles
        legend = (
            '<p class="legend"><span class="role-key cue">cue</span><span class="role-key source">source</span>'
            '<span class="role-key content">content</span><span class="muted">nested attributions are indented inside their parent</span></p>'
        )
        return f'<section><h2>Attributions ({len(self.doc.attributions)})</h2>{legend}<div id="attributions">{"".join(blocks)}</div></section>'

    def page(self) -> str:
        doc = self.doc
        meta = " · ".join(
            escape(f"{k}: {v}")
            for k, v in (("split", doc.split), ("licence", doc.licence), ("source", doc.source), ("published", doc.published), ("url", doc.url))
            if v
        )
        counts = (
            f"{len(doc.sentences)} sentences · {len(doc.entities)} entities · {len(doc.mentions)} mentions · {len(doc.values)} values · "
            f"{len(doc.relations)} relations · {len(doc.attributions)} attributions"
        )
        legend = (
            '<p class="legend"><span class="mention k-NAM" style="--h:210;--lv:0">name (NAM)</span>'
            '<span class="mention k-NOM" style="--h:210;--lv:0">description (NOM)</span>'
            '<span class="mention k-PRO" style="--h:210;--lv:0">pronoun (PRO)</span><span><b class="head">bold</b>: head</span>'
            '<span><span class="value">value<sub class="vtag">TYPE</sub></span></span><span><sup class="snum">3</sup> sentence number</span></p>'
        )
        return "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>khabar review: {escape(doc.id)}</title>",
                f"<style>{CSS}</style>",
                "</head>",
                "<body>",
                f'<header><h1>{escape(doc.title or "Untitled document")} <code class="muted">{escape(doc.id)}</code></h1>'
                f'<div class="muted">{meta}</div><div class="muted">{counts}</div>{legend}</header>',
                "<main>",
                self.text_view(),
                self.chains(),
                self.relations(),
                self.attributions(),
                "</main>",
                "</body>",
                "</html>",
                "",
            ]
        )


def render_document(*, doc: Document) -> str:
    """The review page of ``doc`` as one self-contained HTML string."""
    return _Page(doc).page()


def render_file(*, root: Path, doc_id: str, out: Path, gx: bool = True) -> tuple[Path, list[Finding]]:
    """Validate the project, then write the page of ``doc_id`` to ``out``.

    Raises :class:`KhabarError` with the document's findings when any is an
    error (or when there is no such document), and with ``out-refused`` when
    ``out`` holds anything but an empty file or a review page Khabar wrote
    (:data:`khabar.io.outputs.PAGE`); returns the path and the document's other
    findings (warnings). The page is written beside ``out`` and renamed onto it.
    """
    check_out(out=out, output=PAGE, project=root)  # before the work, as again before the rename
    corpus, found = validate(root=root, gx=gx)
    mine = [f for f in found if f.document == doc_id]
    if errors(mine):
        raise KhabarError(mine)
    doc = next((d for d in corpus.documents if d.id == doc_id), None)
    if doc is None:
        raise KhabarError(
            [
                finding(
                    "file-missing",
                    f"no document {doc_id!r}: expected corpus/{doc_id}.txt and annotations/{doc_id}.yaml",
                    path=f"corpus/{doc_id}.txt",
                    line=1,
                    document=doc_id,
                )
            ]
        )
    with replacing_file(out, output=PAGE, project=root) as staged:
        staged.write_text(render_document(doc=doc), encoding="utf-8", newline="\n")
    return out, mine
