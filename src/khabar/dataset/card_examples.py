"""Examples for the card's composition section, drawn from the data at build time.

Every name and text of the data goes in through :func:`khabar.core.markdown.escape`."""

from __future__ import annotations

from collections import Counter

from khabar.core.markdown import code, escape
from khabar.schema.model import Document


def _quote(text: str) -> str:
    return '"' + escape(text) + '"'


def examples_markdown(doc: Document | None) -> str:
    """A chain, a group, relations and a nested attribution of ``doc``, as markdown."""
    if doc is None:
        return "_no documents_"
    names = {e.id: e for e in doc.entities}
    out = [f"From document {code(doc.id)}:", ""]
    sizes = Counter(m.entity for m in doc.mentions)
    if sizes:
        eid, _ = max(sizes.items(), key=lambda kv: (kv[1], kv[0]))
        chain = [m for m in doc.mentions if m.entity == eid]
        out.append(
            f"- The longest coreference chain, {escape(names[eid].name)} ({names[eid].type}), has {len(chain)} mentions: "
            + ", ".join(f"{_quote(m.text)} ({m.kind})" for m in chain[:8])
            + (", …" if len(chain) > 8 else "")
            + "."
        )
    group = next((e for e in doc.entities if e.members), None)
    if group is not None:
        mentions = [m.text for m in doc.mentions if m.entity == group.id]
        out.append(
            f"- A group entity, {escape(group.name)}, has members {', '.join(escape(names[x].name) for x in group.members if x in names)}; its mentions include "
            + ", ".join(_quote(t) for t in mentions[:4])
            + "."
        )
    shown: set[str] = set()
    for r in doc.relations:
        if r.label in shown or len(shown) == 3:
            continue
        shown.add(r.label)
        sentence = doc.sentences[r.evidence[0]] if r.evidence else None
        where = f" (evidence: {_quote(doc.text[sentence.start : sentence.end])})" if sentence else ""
        out.append(f"- Relation {code(r.label)}: {escape(names[r.head].name)} → {escape(names[r.tail].name)}{where}.")
    child = next((a for a in doc.attributions if a.parent), None)
    if child is not None:
        parent = next(a for a in doc.attributions if a.id == child.parent)
        for a, what in ((parent, "An attribution"), (child, "nested inside it")):
            source = " … ".join(f.text for f in a.source) or "(implicit)"
            out.append(
                f"- {what} ({a.type}): source {_quote(source)}, cue {_quote(' … '.join(f.text for f in a.cue))}, content {_quote(' … '.join(f.text for f in a.content))}."
            )
    return "\n".join(out)
