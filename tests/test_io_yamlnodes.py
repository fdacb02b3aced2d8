"""khabar.io.yamlnodes against PyYAML's own routes: the values ``yaml.safe_load`` reads, the lines its composer marks.

The guards themselves (aliases, depth, long integers, NUL) are tested in ``test_io_guards.py``; here, what every
other file is read as, and the line every finding of an annotation file points at.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from conftest import yaml_problems as problems
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.io.guards import MAX_DEPTH
from khabar.io.yamlnodes import LDict, LList, YamlProblem, YamlSyntaxError, _error, line_of, load_yaml, yaml_findings

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=False), st.text(max_size=10))
VALUES = st.recursive(SCALARS, lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=6), kids, max_size=4)), max_leaves=16)
STYLES = st.fixed_dictionaries({"default_flow_style": st.sampled_from([False, True, None]), "width": st.sampled_from([12, 80]), "allow_unicode": st.booleans()})


def refusal(text: str) -> YamlSyntaxError:
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml(text)
    return caught.value


def composed(text: str) -> yaml.Node:
    """PyYAML's own node graph of ``text`` (pure Python: no libyaml), whose marks are the lines to expect."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert node is not None
    return node


def assert_lines_match(value: Any, node: yaml.Node) -> None:
    """Every collection's line, every key's and every item's line, as PyYAML's composer marks them (1-based)."""
    if isinstance(node, yaml.MappingNode):
        assert type(value) is LDict and value.line == node.start_mark.line + 1
        assert value.key_lines == {key.value: key.start_mark.line + 1 for key, _ in node.value}
        for key, child in node.value:
            assert_lines_match(value[key.value], child)
    elif isinstance(node, yaml.SequenceNode):
        assert type(value) is LList and value.line == node.start_mark.line + 1
        assert value.item_lines == [child.start_mark.line + 1 for child in node.value]
        for item, child in zip(value, node.value, strict=True):
            assert_lines_match(item, child)
    else:
        assert not isinstance(value, (LDict, LList))


@settings(max_examples=300, deadline=None)
@given(value=VALUES, style=STYLES)
def test_io_yamlnodes_reads_what_safe_load_reads_with_the_composers_lines(value: Any, style: dict[str, Any]) -> None:
    text = yaml.safe_dump(value, sort_keys=False, **style)
    read = load_yaml(text)
    assert read == yaml.safe_load(text)
    assert_lines_match(read, composed(text))


@pytest.mark.parametrize(
    "text",
    [
        "a: !!str 12\nb: ! 12\nc: !!int '7'\nd: !!float 1\ne: !!null ''\n",
        "a: yes\nb: off\nc: 0o17\nd: 0x1f\ne: 1_000\nf: .inf\ng: ~\nh: 2021-02-03\n",
        "- 'quoted: #'\n- \"esc\\u00e9\\n\"\n- |\n  two\n  lines\n- >\n  folded\n  text\n",
        "? complex\n: key\nplain: {flow: [1, {x: y}]}\nempty:\n",
    ],
)
def test_io_yamlnodes_tags_and_styles_read_as_safe_load_reads_them(text: str) -> None:
    read = load_yaml(text)
    assert read == yaml.safe_load(text)
    assert_lines_match(read, composed(text))


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "--- \n...\n"])
def test_io_yamlnodes_an_empty_document_is_none(text: str) -> None:
    assert load_yaml(text) is None


def test_io_yamlnodes_a_scalar_document_is_its_value() -> None:
    assert load_yaml("--- 12\n") == 12 and load_yaml("text\n") == "text"


def test_io_yamlnodes_a_second_document_is_refused_at_its_line() -> None:
    caught = refusal("a: 1\n---\nb: 2\n")
    assert [(p.check, p.line) for p in caught.problems] == [("yaml-syntax", 2)]
    assert caught.message == "expected one YAML document; found a second, started here (keep one document a file)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: 2\na: 3\nc: 4\nc: 5\n", [("yaml-syntax", 3, "found repeated key 'a'"), ("yaml-syntax", 5, "found repeated key 'c'")]),
        ("a: 1\n1: x\n", [("yaml-syntax", 2, "keys must be unique strings; found key 1")]),
        ("a: 1\n~: x\n", [("yaml-syntax", 2, "found key None")]),
    ],
)
def test_io_yamlnodes_keys_that_are_not_unique_strings_are_each_refused_at_their_line(text: str, expected: list[tuple[str, int, str]]) -> None:
    caught = refusal(text)
    assert [(p.check, p.line) for p in caught.problems] == [(check, line) for check, line, _ in expected]
    for problem, (_, _, words) in zip(caught.problems, expected, strict=True):
        assert words in problem.message


def test_io_yamlnodes_a_refused_key_drops_its_value_without_an_echo() -> None:
    # The key is an alias (refused, at its line); its value is read and dropped: no second finding, and the next key reads.
    assert problems("a: &x k\n*x : [1, 2]\nb: 1\nb: 2\n") == [("yaml-alias", 1), ("yaml-alias", 2), ("yaml-syntax", 4)]


def test_io_yamlnodes_a_repeated_key_is_reported_once_whatever_its_value() -> None:
    # Its value, a mapping with a repeated key of its own, is read (its problem found) and dropped.
    assert problems("a: 1\na: {x: 1, x: 2}\nb: 3\n") == [("yaml-syntax", 2), ("yaml-syntax", 2)]


@pytest.mark.parametrize(
    ("text", "words"),
    [("a: &first 1\n", "found an anchor `&first`"), ("a: 1\nb: *gone\n", "found an alias `*gone`"), ("a: [&one 1, &two 2]\n", "found an anchor `&one`")],
)
def test_io_yamlnodes_an_anchor_or_alias_is_named_in_its_finding(text: str, words: str) -> None:
    caught = refusal(text)
    assert len(caught.problems) == 1 and caught.check == "yaml-alias"
    assert words in caught.message and caught.message.startswith("expected no YAML anchors or aliases")


def test_io_yamlnodes_the_builder_goes_on_past_a_collection_too_deep() -> None:
    deep = "a:\n" + "".join("  " * i + "- \n" for i in range(MAX_DEPTH + 3))
    line = MAX_DEPTH + 1  # the first sequence past the cap
    after = len(deep.splitlines()) + 2  # the repeated key below: the skip ended where the deep value ends
    assert problems(deep + "b: 1\nb: 2\n") == [("yaml-too-deep", line), ("yaml-syntax", after)]
    assert problems("x: [" * 1 + "[" * MAX_DEPTH + "]" * (MAX_DEPTH + 1) + "\ny: 1\ny: 2\n") == [("yaml-too-deep", 1), ("yaml-syntax", 3)]


def test_io_yamlnodes_a_key_too_deep_is_dropped_without_an_echo() -> None:
    # The list key of the innermost mapping is the first collection past the cap: refused once, no "found key" after it.
    assert problems("{a: " * (MAX_DEPTH - 1) + "{[x]: 1}" + "}" * (MAX_DEPTH - 1) + "\n") == [("yaml-too-deep", 1)]


def test_io_yamlnodes_a_deep_structure_at_the_cap_keeps_every_level() -> None:
    text = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    value: Any = load_yaml(text)["a"]
    for _ in range(MAX_DEPTH - 2):
        assert type(value) is LList and len(value) == 1
        value = value[0]
    assert value == []


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\nb: !unknown x\n", 2, "could not determine a constructor for the tag '!unknown'"),
        ("a: 1\nwhen: 2021-13-45\n", 2, "cannot read '2021-13-45' as YAML's timestamp ("),
        ("a: !!bool maybe\n", 1, "cannot read 'maybe' as YAML's bool ("),
        ("a: !!bool " + "y" * 100 + "\n", 1, "cannot read '" + "y" * 80 + "' as YAML's bool ("),  # the first 80 characters
        ("a: 1\nb: !unknown |\n  x\n  y\nc: 2\n", 2, "could not determine a constructor for the tag '!unknown'"),  # where it starts
    ],
)
def test_io_yamlnodes_a_scalar_it_cannot_build_is_a_finding_at_its_line(text: str, line: int, words: str) -> None:
    caught = refusal(text)
    assert [(p.check, p.line) for p in caught.problems] == [("yaml-syntax", line)]
    assert words in caught.message
    if "cannot read" in words:
        assert caught.message.endswith("; quote it to keep it as text")


def test_io_yamlnodes_a_long_integer_finding_counts_the_characters_written() -> None:
    caught = refusal("a: +" + "7" * 1500 + "\n")
    assert caught.check == "yaml-int-too-long" and "found one written with 1,501 characters" in caught.message


def test_io_yamlnodes_a_syntax_error_is_at_the_parsers_line_with_what_it_says() -> None:
    caught = refusal("a: 1\nb: [1, 2\nc: 3\n")
    assert (caught.check, caught.line) == ("yaml-syntax", 3)
    assert caught.message == "did not find expected ',' or ']' (while parsing a flow sequence that starts at line 2)"
    assert refusal("a: 1\n b: 2\n").message == "mapping values are not allowed in this context"  # no context: the problem alone


def test_io_yamlnodes_guard_findings_come_before_the_parsers_error() -> None:
    caught = refusal("a: &x 1\nb: " + "9" * 40 + "\nc: [1\n")
    assert [p.check for p in caught.problems] == ["yaml-alias", "yaml-int-too-long", "yaml-syntax"]
    assert (caught.check, caught.line, caught.message) == ("yaml-alias", 1, caught.problems[0].message)
    assert str(caught) == caught.problems[0].message


def test_io_yamlnodes_when_the_parser_stops_only_the_guards_findings_are_kept_before_its_error() -> None:
    # The repeated key before the error is dropped (what the builder read of a broken structure may be an echo of
    # the error); the anchor, a guard's finding, is kept.
    assert problems("a: 1\na: 2\nb: [\n") == [("yaml-syntax", 4)]
    assert problems("a: &x 1\na: 2\nb: [\n") == [("yaml-alias", 1), ("yaml-syntax", 4)]


def test_io_yamlnodes_a_control_character_is_named_with_its_line_and_column() -> None:
    caught = refusal("a: 1\nb: x\x07y\n")
    assert (caught.check, caught.line) == ("yaml-syntax", 2)
    assert "found U+0007 at column 5," in caught.message


def test_io_yamlnodes_findings_move_by_the_offset_and_only_syntax_gets_the_hint() -> None:
    exc = YamlSyntaxError(
        (YamlProblem("yaml-alias", 2, "alias."), YamlProblem("yaml-syntax", 5, "bad."), YamlProblem("yaml-syntax", 7, "worse", ("while reading", 6)))
    )
    found = yaml_findings(exc, path="corpus/x.txt", offset=3, hint=" (hint)")
    assert [(f.check, f.path, f.line, f.message) for f in found] == [
        ("yaml-alias", "corpus/x.txt", 5, "alias."),
        ("yaml-syntax", "corpus/x.txt", 8, "bad. (hint)"),
        ("yaml-syntax", "corpus/x.txt", 10, "worse (while reading that starts at line 9) (hint)"),  # the context's line moves too
    ]
    assert [(f.line, f.message) for f in yaml_findings(exc, path="p")] == [(2, "alias."), (5, "bad."), (7, "worse (while reading that starts at line 6)")]
    assert exc.message == "alias." and exc.problems[2].message == "worse (while reading that starts at line 6)"


def test_io_yamlnodes_line_of_falls_back_to_the_container_then_the_default() -> None:
    data = load_yaml("top: 1\nm:\n  k: v\n  l: [\n    a,\n    b]\n")
    m = data["m"]
    assert line_of(data, "m", 99) == 2 and line_of(m, "k", 99) == 3
    assert line_of(m, "absent", 99) == 99  # a key it does not hold: the default, not the mapping's line
    items = m["l"]
    assert [line_of(items, i, 99) for i in (0, 1)] == [5, 6]
    assert [line_of(items, i, 99) for i in (2, -1)] == [4, 4]  # out of range: the list's own line
    assert line_of(m, 0, 99) == 3 and line_of(items, "k", 99) == 4  # the wrong kind of key: the container's line
    assert line_of({"k": 1}, "k", 99) == 99 and line_of(None, 0, 7) == 7


def _mark(line: int) -> yaml.error.Mark:
    return yaml.error.Mark("<text>", 0, line - 1, 0, "", 0)


ERRORS = {
    "no marks": (yaml.YAMLError(" plain words\n"), "", ("yaml-syntax", 1, "plain words")),
    "problem only": (yaml.MarkedYAMLError(problem="bad", problem_mark=_mark(5)), "", ("yaml-syntax", 5, "bad")),
    "context only marked": (
        yaml.MarkedYAMLError(context="while reading", context_mark=_mark(3), problem="bad"),
        "",
        ("yaml-syntax", 3, "bad (while reading that starts at line 3)"),
    ),
    "context unmarked": (yaml.MarkedYAMLError(context="while reading", problem="bad", problem_mark=_mark(6)), "", ("yaml-syntax", 6, "bad")),
    "mark without context": (yaml.MarkedYAMLError(context_mark=_mark(2), problem="bad", problem_mark=_mark(6)), "", ("yaml-syntax", 6, "bad")),
    "both": (
        yaml.MarkedYAMLError(context="while reading", context_mark=_mark(2), problem="bad", problem_mark=_mark(6)),
        "",
        ("yaml-syntax", 6, "bad (while reading that starts at line 2)"),
    ),
    "libyaml's depth": (yaml.MarkedYAMLError(problem="exceeded maximum nesting depth 1000", problem_mark=_mark(4)), "", ("yaml-too-deep", 4, None)),
    "reader, no bad character": (
        yaml.reader.ReaderError("<text>", 0, 0, "utf-8", "bad"),
        "ab\ncd",
        ("yaml-syntax", 1, "expected printable characters only; found a character at column 1, which YAML"),
    ),
    "reader, on the line after a blank first line": (
        yaml.reader.ReaderError("<text>", 0, 7, "utf-8", "bad"),
        "\nab\x07",
        ("yaml-syntax", 2, "expected printable characters only; found U+0007 at column 3, which YAML"),
    ),
    "reader, after a blank first line": (
        yaml.reader.ReaderError("<text>", 0, 7, "utf-8", "bad"),
        "\nab\ncd\x07",
        ("yaml-syntax", 3, "expected printable characters only; found U+0007 at column 3, which YAML"),
    ),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_io_yamlnodes_every_kind_of_pyyaml_error_is_a_problem_at_a_line(case: str) -> None:
    exc, text, (check, line, words) = ERRORS[case]
    problem = _error(exc, text)
    assert (problem.check, problem.line) == (check, line)
    if words is None:
        assert "expected at most" in problem.message and "levels of nested mappings and lists" in problem.message
    elif words.endswith("which YAML"):
        assert problem.message.startswith(words)
    else:
        assert problem.message == words
