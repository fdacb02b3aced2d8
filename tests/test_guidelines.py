"""The guidelines and the code agree: the relation inventory table mirrors khabar.schema.relations."""

from __future__ import annotations

import re
from pathlib import Path

from khabar.schema.labels import ENTITY_TYPES, VALUE_TYPES
from khabar.schema.relations import RELATIONS

GUIDELINES = Path(__file__).resolve().parent.parent / "annotations" / "GUIDELINES.md"


def _inventory_rows() -> dict[str, tuple[set[str], set[str], str]]:
    text = GUIDELINES.read_text(encoding="utf-8")
    section = text[text.index("### 3.1 Inventory") : text.index("## 4.")]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.match(r"^[a-z]+:", cells[0]):
            rows[cells[0]] = ({t.strip() for t in cells[1].split(",")}, {t.strip() for t in cells[2].split(",")}, cells[3])
    return rows


def test_guidelines_inventory_lists_every_label() -> None:
    assert set(_inventory_rows()) == set(RELATIONS)


def test_guidelines_inventory_signatures_match_the_code() -> None:
    for name, (heads, tails, definition) in _inventory_rows().items():
        spec = RELATIONS[name]
        assert heads == set(spec.head_types), name
        assert tails == set(spec.tail_types), name
        assert ("extension" in definition) == spec.extension, name
        assert ("symmetric" in definition) == spec.symmetric, name


def test_guidelines_name_every_entity_and_value_type() -> None:
    text = GUIDELINES.read_text(encoding="utf-8")
    assert all(t in text for t in ENTITY_TYPES + VALUE_TYPES)


def _splits() -> dict[str, str]:
    from khabar.io.corpus_files import read_corpus_file

    root = GUIDELINES.parent.parent
    out = {}
    for path in sorted((root / "corpus").glob("*.txt")):
        cf, _ = read_corpus_file(path, shown=path.name)
        if cf is not None:
            out[cf.meta["id"]] = cf.meta["split"]
    return out


def _short_names() -> dict[str, str]:
    """The guidelines' table of cited documents: short name -> document id."""
    text = GUIDELINES.read_text(encoding="utf-8")
    return dict(re.findall(r"^\| (\w+) \| `([a-z0-9_-]+)` \|", text, flags=re.M))


def test_guidelines_never_cite_a_test_document() -> None:
    text = GUIDELINES.read_text(encoding="utf-8")
    tests = [doc for doc, split in _splits().items() if split == "test"]
    assert tests  # the corpus has a test split, so this test can fail
    for doc in tests:
        assert doc not in text, doc
        assert not re.search(rf"\b{re.escape(doc.removeprefix('wikinews-'))} s\d", text), doc


def test_guidelines_cite_dev_documents_by_their_table() -> None:
    text = GUIDELINES.read_text(encoding="utf-8")
    names, splits = _short_names(), _splits()
    assert {splits[doc] for doc in names.values()} == {"dev"}
    cited = set(re.findall(r"\(([a-z]+) s\d+", text)) | set(re.findall(r"; ([a-z]+) s\d+", text))
    assert cited and cited <= set(names), cited - set(names)
