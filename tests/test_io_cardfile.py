"""The card template's reader (:func:`khabar.io.cardfile.split_front_matter`): the front matter as plain values
and the body as written; every problem of the front matter a finding at its line of the card."""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT

from khabar.core.findings import KhabarError
from khabar.io.cardfile import CARD, split_front_matter

ALIAS = "expected no YAML anchors or aliases (no Khabar file needs them, and aliases can multiply a small file into billions of values); found"


def problems(text: str) -> list[tuple[str, str | None, int | None, str]]:
    with pytest.raises(KhabarError) as raised:
        split_front_matter(text)
    return [(f.check, f.path, f.line, f.message) for f in raised.value.findings]


def test_io_cardfile_the_repository_card_reads_as_plain_yaml_does() -> None:
    text = (ROOT / "dataset_card.md").read_text(encoding="utf-8")
    front, body = split_front_matter(text)
    head, rest = text[4:].split("\n---\n", 1)
    assert front == yaml.safe_load(head) and body == rest
    assert type(front) is dict and all(type(v) is list for v in front.values() if isinstance(v, list))  # plain: safe_dump writes them
    assert yaml.safe_load(yaml.safe_dump(front)) == front


@pytest.mark.parametrize(
    ("text", "front", "body"),
    [
        ("---\n# only a comment\n---\nBody\n", {}, "Body\n"),
        ("---\n\n---\nBody\n", {}, "Body\n"),
        ("---\n---\npretty_name: K\n---\nBody\n", {"pretty_name": "K"}, "Body\n"),
        (
            "---\npretty_name: K\ntags:\n- a\n- b\n---\n# Title\n\n---\nnot front matter\n",
            {"pretty_name": "K", "tags": ["a", "b"]},
            "# Title\n\n---\nnot front matter\n",
        ),
    ],
    ids=["a-comment", "an-empty-line", "a-document-marker-first", "a-rule-in-the-body"],
)
def test_io_cardfile_front_matter_and_body_are_split_at_the_first_closing_rule(text: str, front: dict[str, object], body: str) -> None:
    assert split_front_matter(text) == (front, body)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# No front matter\n", [("yaml-syntax", 1, "expected YAML front matter between `---` lines at the top of the card")]),
        ("---\npretty_name: K\n", [("yaml-syntax", 1, "expected YAML front matter between `---` lines at the top of the card")]),
        (
            "---\npretty_name: K\ntags: [a,\n---\n",
            [("yaml-syntax", 4, "did not find expected node content (while parsing a flow node that starts at line 4) (fix the YAML between the `---` lines)")],
        ),
        (
            "---\nlicense: other\npretty_name: K\nlicense: cc-by-4.0\n---\n",
            [("yaml-syntax", 4, "keys must be unique strings; found repeated key 'license' (fix the YAML between the `---` lines)")],
        ),
        (
            "---\ntags: &t [a]\ntask_ids: *t\n---\n",
            [
                ("yaml-alias", 2, f"{ALIAS} an anchor `&t` (write the value out in full)"),
                ("yaml-alias", 3, f"{ALIAS} an alias `*t` (write the value out in full)"),
            ],
        ),
        ("---\n- a list\n---\n", [("yaml-type", 2, "expected the card's front matter to be a mapping (pretty_name, license, ...); found LList")]),
    ],
    ids=["no-rule", "no-closing-rule", "syntax", "repeated-key", "alias", "a-list"],
)
def test_io_cardfile_each_problem_is_a_finding_at_its_line_of_the_card(text: str, expected: list[tuple[str, int, str]]) -> None:
    assert problems(text) == [(check, CARD, line, message) for check, line, message in expected]


def test_io_cardfile_a_built_card_is_located_in_the_file_it_was_read_from() -> None:
    """``write_croissant`` reads the built folder's README.md: its findings name that file, not the template."""
    with pytest.raises(KhabarError) as raised:
        split_front_matter("---\na: 1\na: 2\n---\n", shown="dist/khabar/README.md")
    assert [(f.check, f.path, f.line) for f in raised.value.findings] == [("yaml-syntax", "dist/khabar/README.md", 3)]
    with pytest.raises(KhabarError) as raised:
        split_front_matter("no front matter\n", shown="dist/khabar/README.md")
    assert [(f.path, f.line) for f in raised.value.findings] == [("dist/khabar/README.md", 1)]
    with pytest.raises(KhabarError) as raised:
        split_front_matter("---\n- a\n---\n", shown="dist/khabar/README.md")
    assert [(f.path, f.line) for f in raised.value.findings] == [("dist/khabar/README.md", 2)]


def test_io_cardfile_front_matter_written_twice_over_one_value_has_no_alias_and_reads_back() -> None:
    """A list met twice is written out twice (``yaml.safe_dump`` would write an anchor, which the reader refuses)."""
    from khabar.io.cardfile import render_front_matter

    shared = ["a", "b"]
    front = {"pretty_name": "K", "tags": shared, "task_ids": shared, "configs": [{"data_files": shared}]}
    written = render_front_matter(front)
    assert "&" not in written and "*" not in written
    assert "&id001" in yaml.safe_dump(front)  # what the plain dumper would do
    assert split_front_matter(f"---\n{written}---\nBody\n") == (front, "Body\n")
    assert list(yaml.safe_load(written)) == ["pretty_name", "tags", "task_ids", "configs"]  # in the order given


def test_io_cardfile_front_matter_keeps_its_characters_and_long_values_on_one_line() -> None:
    """The card is read by people too: no `\\u` escapes, and a long description stays one line (up to 1,000 characters)."""
    from khabar.io.cardfile import render_front_matter

    long = " ".join(["annotations under CC BY 4.0;"] * 20)
    written = render_front_matter({"pretty_name": "Khabar: Ünal in Tehran", "license_details": long})
    assert written.splitlines() == ["pretty_name: 'Khabar: Ünal in Tehran'", f"license_details: {long}"]
