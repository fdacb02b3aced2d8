"""Markdown of the card and LICENSE.md: data renders as the text it is, in table cells and in prose.

Rendered with markdown-it-py (CommonMark with tables and raw HTML on, as the Hub renders cards); nothing
here touches the network.
"""

from __future__ import annotations

import html
import re

import pytest

from khabar.core import markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "a | b || c",
    "`code` and ``more``",
    "[link](https://example.org) and ![image](x.png)",
    "&amp; &lt;b&gt; & <b>bold</b>",
    "back\\slash \\| \\` \\[",
    "line\nbreak\r\nand\u2028separator",
    "<https://example.org> <mailto:a@b.c>",
    "ESC \x1b[31m and an override \u202e here",
    "plain words: nothing to escape",
]


def _render(text: str) -> tuple[str, str]:
    """The HTML of ``text`` and its text (tags stripped, entities decoded)."""
    markdown_it = pytest.importorskip("markdown_it")
    page = markdown_it.MarkdownIt("commonmark").enable("table").render(text)
    return page, html.unescape(re.sub(r"<[^>]+>", "", page))


def _shown(value: str) -> str:
    """What the reader must see: the text, line breaks as spaces, control characters as visible escapes."""
    from khabar.core.findings import visible

    return visible(" ".join(value.split()))


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_markdown_escape_renders_as_the_text_in_prose(value: str) -> None:
    page, text = _render(f"The name {markdown.escape(value)} ends here.")
    assert page.count("<p>") == 1 and not re.search(r"<(?!/?p>)", page)  # one paragraph, no element of the data's
    assert text.strip() == f"The name {_shown(value)} ends here."


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_markdown_table_cells_render_as_the_text(value: str) -> None:
    page, _ = _render(markdown.table(("name", "other"), [(value, "x"), ("y", value)]))
    cells = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td>(.*?)</td>", page, flags=re.DOTALL)]
    assert cells == [_shown(value), "x", "y", _shown(value)]
    assert not re.search(r"<(?!/?(table|thead|tbody|tr|th|td)>)", page)


def test_markdown_code_and_links_are_markup_the_data_inside_escaped() -> None:
    page, _ = _render(markdown.table(("a", "b", "c"), [(markdown.code("documents"), markdown.code("a`b|c"), markdown.link("CC <BY>", "https://e.org/x y(z)"))]))
    assert "<td><code>documents</code></td>" in page and "<td>a`b|c</td>" in page
    assert '<a href="https://e.org/x%20y%28z%29">CC &lt;BY&gt;</a>' in page
    assert markdown.cell(None) == markdown.cell("") == markdown.NONE


def test_markdown_escape_leaves_plain_text_as_it_is() -> None:
    for value in ("Ismail Khan", "per:employee_or_member_of", "Wikinews contributors", "مرحبا", "12.5 / 40.0 / 18.9"):
        assert markdown.escape(value) == value
