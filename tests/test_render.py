"""The review page (``khabar render``): every annotation shown, self-contained, escaped; opened in a real browser."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_project

from khabar.cli import main
from khabar.io import load_project, render_annotations
from khabar.schema.model import Document, Mention
from khabar.workflow.render import render_document

VOID = {"meta", "input", "br", "img", "hr", "link", "wbr"}


@dataclass(eq=False)
class El:
    tag: str
    attrs: dict[str, str]
    parent: El | None = None
    children: list[El | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self, skip: tuple[str, ...] = ()) -> str:
        return "".join(c if isinstance(c, str) else ("" if set(skip) & set(c.classes) else c.text(skip)) for c in self.children)

    def walk(self):
        for c in self.children:
            if isinstance(c, El):
                yield c
                yield from c.walk()

    def find(self, cls: str | None = None, **attrs: str) -> list[El]:
        return [e for e in self.walk() if (cls is None or cls in e.classes) and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def ancestor(self, cls: str) -> El | None:
        node = self.parent
        while node is not None and cls not in node.classes:
            node = node.parent
        return node


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.node = El("#root", {})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = El(tag, {k: v or "" for k, v in attrs}, self.node)
        self.node.children.append(el)
        if tag not in VOID:
            self.node = el

    def handle_endtag(self, tag: str) -> None:
        node = self.node
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.node = node.parent

    def handle_data(self, data: str) -> None:
        self.node.children.append(data)


def parse(page: str) -> El:
    parser = _Parser()
    parser.feed(page)
    parser.close()
    return parser.root


def by_id(root: El, element_id: str) -> El:
    found = [e for e in root.walk() if e.attrs.get("id") == element_id]
    assert len(found) == 1, f"expected one #{element_id}, found {len(found)}"
    return found[0]


@pytest.fixture(scope="module")
def gold(project_root: Path) -> Document:
    return min(load_project(root=project_root).documents, key=lambda d: d.id)


@pytest.fixture(scope="module")
def page(gold: Document) -> str:
    return render_document(doc=gold)


def check_page(root: El, doc: Document) -> None:
    """The structural promises of the page, shared by the unit tests and the browser test."""
    text = by_id(root, "text")
    for m in doc.mentions:
        pieces = text.find("mention", data_mention=m.id)
        assert pieces and all(p.attrs["data-entity"] == m.entity and p.attrs["data-kind"] == m.kind for p in pieces)
        assert "".join(p.text(skip=("tag", "vtag", "snum")) for p in pieces) == m.text
        assert sum(p.attrs.get("id") == f"mention-{m.id}" for p in pieces) == 1
        heads = text.find("head", data_head_of=m.id)
        assert "".join(h.text(skip=("tag", "vtag", "snum")) for h in heads) == doc.text[m.head_start : m.head_end]
    for v in doc.values:
        assert by_id(root, f"value-{v.id}").attrs["data-type"] == v.type
    with_mentions = [e.id for e in doc.entities if any(m.entity == e.id for m in doc.mentions)]
    chains = by_id(root, "chains").find(None)
    assert [li.attrs["data-entity"] for li in chains if li.tag == "li"] == with_mentions
    for li in (li for li in chains if li.tag == "li"):
        assert len(li.find("chain-mention")) == sum(m.entity == li.attrs["data-entity"] for m in doc.mentions)
    rows = [e for e in by_id(root, "relations").walk() if e.tag == "tr"]
    assert [r.attrs["data-relation"] for r in rows] == [r.id for r in doc.relations]
    for a in doc.attributions:
        block = by_id(root, f"attribution-{a.id}")
        assert block.attrs["data-parent"] == (a.parent or "")
        outer = block.ancestor("attribution")
        assert (outer.attrs["data-attribution"] if outer else None) == a.parent
        for role in ("cue", "source", "content"):
            own = [e for e in block.find(role, data_attribution=a.id) if e.ancestor("attribution") is block]
            assert "".join(e.text() for e in own) == "".join(f.text for f in getattr(a, role))


def test_render_shows_every_annotation(page: str, gold: Document) -> None:
    check_page(parse(page), gold)


def test_render_chain_count_equals_entities_with_mentions(page: str, gold: Document) -> None:
    root = parse(page)
    items = [e for e in by_id(root, "chains").walk() if e.tag == "li"]
    assert len(items) == len({m.entity for m in gold.mentions} & {e.id for e in gold.entities})


def test_render_relation_rows_equal_relations(page: str, gold: Document) -> None:
    assert len([e for e in by_id(parse(page), "relations").walk() if e.tag == "tr"]) == len(gold.relations)


def test_render_every_entity_has_its_coloured_mentions(page: str, gold: Document) -> None:
    root = parse(page)
    hues = {}
    for e in gold.entities:
        marked = root.find("mention", data_entity=e.id)
        assert len({p.attrs["data-mention"] for p in marked}) == sum(m.entity == e.id for m in gold.mentions)
        hues[e.id] = {re.search(r"--h:(\d+)", p.attrs["style"]).group(1) for p in marked}  # type: ignore[union-attr]
        assert len(hues[e.id]) <= 1
    coloured = [h for h in hues.values() if h]
    assert len({next(iter(h)) for h in coloured}) > len(coloured) // 2  # the palette tells neighbours apart


def test_render_outer_mentions_underline_below_inner_ones(page: str, gold: Document) -> None:
    root = parse(page)
    level = {p.attrs["data-mention"]: int(re.search(r"--lv:(\d+)", p.attrs["style"]).group(1)) for p in root.find("mention") if "id" in p.attrs}  # type: ignore[union-attr]
    nested = [(o, i) for o in gold.mentions for i in gold.mentions if o is not i and o.start <= i.start and i.end <= o.end]
    assert nested
    assert all(level[o.id] > level[i.id] for o, i in nested)


def test_render_is_self_contained(page: str) -> None:
    root = parse(page)
    links = [v for e in root.walk() for k, v in e.attrs.items() if k in ("src", "href")]
    assert links and all(not re.match(r"\s*(https?:)?//", v) for v in links)
    lowered = page.lower()
    assert not any(bad in lowered for bad in ("<script", "<link", "@import", "url(", "<iframe"))


def test_render_is_deterministic(gold: Document, page: str) -> None:
    assert render_document(doc=gold) == page


def test_render_escapes_everything(gold: Document) -> None:
    hostile = '<script>alert("x")</script> & "q"'
    entities = tuple(replace(e, name=hostile) if i == 0 else e for i, e in enumerate(gold.entities))
    doc = replace(gold, entities=entities, title=hostile)
    page = render_document(doc=doc)
    assert "<script" not in page.lower()
    assert parse(page).text().count(hostile) >= 2


def test_render_cuts_crossing_spans_into_pieces(gold: Document) -> None:
    inner = next(m for m in gold.mentions if len(m.text.split()) >= 3)
    start = inner.start + inner.text.index(" ") + 1
    cross = Mention(
        id="mx", entity=inner.entity, kind="NOM", start=start, end=inner.end + 6, text=gold.text[start : inner.end + 6], head_start=start, head_end=inner.end
    )
    doc = replace(gold, mentions=gold.mentions + (cross,))
    root = parse(render_document(doc=doc))
    check_page(root, doc)
    assert len(root.find("mention", data_mention="mx")) >= 2


def _broken_project(tmp_path: Path) -> tuple[Path, str]:
    """A copy of the valid fixture whose first mention names a missing entity."""
    root = copy_project(FIXTURES / "valid", tmp_path / "project")
    doc = load_project(root=root).documents[0]
    broken = replace(doc, mentions=(replace(doc.mentions[0], entity="no-such-entity"),) + doc.mentions[1:])
    (root / "annotations" / f"{doc.id}.yaml").write_text(render_annotations(broken), encoding="utf-8")
    return root, doc.id


def test_render_cli_writes_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(FIXTURES / "valid", tmp_path / "project")
    doc = load_project(root=root).documents[0]
    out = tmp_path / "out" / "page.html"
    assert main(["--root", str(root), "render", doc.id, "--out", str(out), "--no-gx"]) == 0
    assert str(out) in capsys.readouterr().out
    check_page(parse(out.read_text(encoding="utf-8")), doc)


def test_render_cli_refuses_a_document_with_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, doc_id = _broken_project(tmp_path)
    out = tmp_path / "page.html"
    assert main(["--root", str(root), "render", doc_id, "--out", str(out), "--no-gx"]) == 1
    assert "error[ref-missing]" in capsys.readouterr().err
    assert not out.exists()


def test_render_cli_refuses_an_unknown_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(FIXTURES / "valid", tmp_path / "project")
    assert main(["--root", str(root), "render", "no-such-doc", "--out", str(tmp_path / "x.html"), "--no-gx"]) == 1
    assert "no-such-doc" in capsys.readouterr().err


# -- a real browser ---------------------------------------------------------------
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture(scope="module")
def chromium() -> str:
    found = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
    if found is None:
        pytest.skip("chromium not installed: the browser test needs Debian's `chromium` package (apt-get install chromium)")
    return found


def _run(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args], capture_output=True, text=True, timeout=180, check=False
    )


def _png_pixels(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return width, height, zlib.decompress(idat)


def test_render_in_headless_chromium(gold: Document, page: str, chromium: str, tmp_path: Path) -> None:
    html_path = tmp_path / "review.html"
    html_path.write_text(page, encoding="utf-8")
    dumped = _run(chromium, tmp_path, "--dump-dom", html_path.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    root = parse(dumped.stdout)
    check_page(root, gold)  # the browser's DOM keeps every element where the page put it
    assert len(root.find("attribution")) == len(gold.attributions)
    assert any(e.attrs.get("data-parent") for e in root.find("attribution")) == any(a.parent for a in gold.attributions)

    shot = tmp_path / "khabar-render.png"
    taken = _run(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", "--hide-scrollbars", html_path.as_uri())
    assert taken.returncode == 0 and shot.exists(), taken.stderr[-2000:]
    width, height, pixels = _png_pixels(shot.read_bytes())
    assert (width, height) == (1280, 2000)
    assert len(set(pixels[::97])) > 64  # many colours: text and coloured marks, not a blank page
    shutil.copyfile(shot, "/tmp/khabar-render.png")
