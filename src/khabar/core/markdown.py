"""Markdown for the card and LICENSE.md: every piece of data escaped, one helper for every table and every sentence.

Data (a name, a mention's text, a document's source or attribution, an id) goes through :func:`escape`,
in table cells (:func:`table`) and in prose alike, so that it renders as the text it is: never as a
table column (``|``), code (a backtick), a link (``[``, ``]``), an HTML tag or entity (``<``, ``>``,
``&``), a line of its own (line breaks become spaces) or an escape (``\\``); control characters and
bidirectional overrides are shown as visible escapes (:func:`khabar.core.findings.visible`). Markdown the
code writes itself (a link, code) is a :class:`Markup` and goes in as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from khabar.core.findings import visible

NONE = "–"  # a cell without a value

#: The characters :func:`escape` escapes, and how: a backslash escape, or an HTML entity (which every renderer decodes).
_MARKUP = re.compile(r"[\\`|\[\]<>&]")
_ESCAPES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "\\": "\\\\", "`": "\\`", "|": "\\|", "[": "\\[", "]": "\\]"}


class Markup(str):
    """Markdown the code wrote (a link, a code span): :func:`cell` puts it in as it is."""


def escape(value: object) -> str:
    """``value`` as Markdown text that renders as itself, on one line (see the module's docstring).

    Text with nothing to escape (the common case) costs a split, a join and one regular-expression search."""
    text = " ".join(str(value).split())
    if _MARKUP.search(text) is not None:
        text = _MARKUP.sub(lambda m: _ESCAPES[m.group()], text)
    return visible(text)


def cell(value: object) -> str:
    """One table cell: ``None`` (or nothing) as a dash, :class:`Markup` as it is, anything else :func:`escape`-d."""
    if value is None or value == "":
        return NONE
    if isinstance(value, Markup):
        return value
    return escape(value)


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, numeric: Sequence[bool] | None = None) -> str:
    """A Markdown table; ``numeric`` marks the columns aligned right (default: none). Every header and cell goes through :func:`cell`."""
    right = list(numeric) if numeric is not None else [False] * len(headers)
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "|".join("---:" if r else "---" for r in right) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def link(text: object, url: str | None) -> Markup:
    """``[text](url)``, or ``text`` alone without a URL; the text escaped, the characters that would end the URL percent-encoded."""
    shown = escape(text)
    return Markup(f"[{shown}]({quote(url, safe=':/?#@!$&*+,;=%-._~')})" if url else shown)


def code(text: str) -> Markup:
    """``text`` as a code span: an id, a label, a config's name; escaped text instead when it holds what a code span cannot."""
    if text and text.isprintable() and "`" not in text and "|" not in text and text == text.strip():
        return Markup(f"`{text}`")
    return Markup(escape(text))
