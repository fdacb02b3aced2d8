"""The canonical-layout YAML fast path gives exactly what PyYAML gives, or steps aside."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from khabar.io import load_project, render_annotations, yamlnodes
from khabar.io.yamlfast import SLOW, _Values, parse_canonical
from khabar.io.yamlnodes import LDict, LList
from khabar.io.yamlshapes import fragment_list, shaped
from khabar.workflow.synthetic import synthetic_document

ROOT = Path(__file__).resolve().parent.parent


def pyyaml(text: str) -> Any:
    """The full PyYAML path of :func:`khabar.io.yamlnodes.load_yaml`, without the fast path."""
    return yamlnodes.load_general(text)


def same(a: Any, b: Any, where: str = "$") -> None:
    """Equal values, types and line numbers, recursively."""
    assert type(a) is type(b), where
    if isinstance(a, LDict):
        assert (a.line, a.key_lines, list(a)) == (b.line, b.key_lines, list(b)), where
        for key in a:
            same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, LList):
        assert (a.line, a.item_lines, len(a)) == (b.line, b.item_lines, len(b)), where
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            same(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def check(text: str) -> bool:
    """Compare both paths on ``text``; True when the fast path took it."""
    fast = parse_canonical(text)
    if fast is SLOW:
        return False
    same(fast, pyyaml(text))  # PyYAML must accept what the fast path accepts, with the same result
    return True


REPO_YAML = sorted(p for p in ROOT.rglob("*.yaml") if ".git" not in p.parts and "dist" not in p.parts)


@pytest.mark.parametrize("path", REPO_YAML, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_yamlfast_every_yaml_file_of_the_repository_parses_the_same(path: Path) -> None:
    check(path.read_text(encoding="utf-8"))


def test_yamlfast_takes_every_canonical_file() -> None:
    docs = load_project(root=ROOT).documents + [synthetic_document(f"s{i}", random.Random(i)) for i in range(5)]
    for doc in docs:
        assert check(render_annotations(doc)), doc.id


@pytest.mark.parametrize(
    "text",
    [
        "a: yes\n",
        "a: [No, b]\n",
        "a: {b: off}\n",
        "a: 012\n",
        "a: [1_000]\n",
        "a: 0x1f\n",
        "a: 1.5\n",
        "a: -3\n",
        "a: {b: 1, b: 2}\n",
        "a: 'quoted'\n",
        'a: "\\u00e9"\n',
        'a: "\\x41"\n',
        "a: b # c\n",
        "# c\na: b\n",
        "a:\n",
        "a: ~\n",
        "a: &x b\n",
        "a: !!str 5\n",
        "a: {b: c, }\n",
        "a: [b: c]\n",
        "a: {b}\n",
        "null: x\n",
        "a: b\n\nc: d\n",
        "a: b\r\n",
        "a:\n  - b\n",
        "a:\n- b: c\n   d: e\n",
        'a: "x\ty"\n',
        "a: 2021-01-01\n",
        "a: NaN\n",
        # the layouts of khabar.io.yamlshapes, each with a value outside the subset
        "a:\n- {id: m1, entity: yes, kind: NAM, start: 0, end: 1, text: a, head: {start: 0, end: 1, text: a}}\n",
        'a:\n- {id: m1, entity: e, kind: NAM, start: 00, end: 1, text: a, head: {start: 0, end: 1, text: "\\u00e9"}}\n',
        "a:\n- {id: e, type: PERSON, name: N, members: [a, off]}\n",
        "a:\n- {id: e, type: PERSON, name: Null}\n",
        "a:\n- {id: r, label: x, head: a, tail: b, evidence: [1, 01]}\n",
        'a:\n- {id: v, type: DATE, start: 0, end: 1, text: "a\tb"}\n',
        'a:\n- {id: v, type: DATE, start: 0, end: 1, text: "\\x41"}\n',
        "a:\n- {id: v, type: DATE, start: 0, end: 1, text: TRUE}\n",
    ],
)
def test_yamlfast_steps_aside_or_agrees_on_tricky_input(text: str) -> None:
    try:
        reference = pyyaml(text)
    except (yaml.YAMLError, yamlnodes.YamlSyntaxError):
        assert parse_canonical(text) is SLOW
        return
    fast = parse_canonical(text)
    if fast is not SLOW:
        same(fast, reference)


def test_yamlfast_random_edits_of_the_gold_never_disagree() -> None:
    lines = (ROOT / "annotations" / "ddaaba1fccaf7cd5.yaml").read_text(encoding="utf-8").split("\n")
    rng = random.Random(20260101)
    pieces = list(" :,-{}[]\"'#&*!|>%@`?\\/.0123456789abnuyYNtTx_~=<") + ["null", "yes", "No", "012", "\\u00e9", "\\x41", "- ", ": ", "\n", "\n  ", "1.5"]
    taken = 0
    for _ in range(1500):
        edited = lines[:]
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(edited))
            j = rng.randrange(len(edited[i]) + 1)
            edited[i] = edited[i][:j] + rng.choice(pieces) + edited[i][j + rng.choice((0, 0, 1, 2)) :]
        text = "\n".join(edited)
        fast = parse_canonical(text)
        if fast is not SLOW:
            same(fast, pyyaml(text))
            taken += 1
    assert taken > 100  # the fast path was exercised, not only bypassed


def canonical_lines() -> list[str]:
    docs = load_project(root=ROOT).documents + [synthetic_document(f"s{i}", random.Random(i)) for i in range(5)]
    return [line[2:] for doc in docs for line in render_annotations(doc).split("\n") if line.startswith("- {")]


def test_yamlshapes_reads_canonical_lines_as_the_general_path_does() -> None:
    lines = canonical_lines()
    for number, line in enumerate(lines, start=1):
        value = shaped(line, number)
        assert value is not None, line  # every entity, mention, value and relation line has a shape
        same(value, _Values()(line, number), line)


def canonical_fragment_lists() -> list[str]:
    docs = load_project(root=ROOT).documents + [synthetic_document(f"s{i}", random.Random(i)) for i in range(5)]
    roles = tuple(f"  {role}: [" for role in ("cue", "source", "content"))
    return [line.split(": ", 1)[1] for doc in docs for line in render_annotations(doc).split("\n") if line.startswith(roles)]


def test_yamlshapes_reads_fragment_lists_as_the_general_path_does() -> None:
    lists = canonical_fragment_lists()
    assert any(", {" in text for text in lists)  # lists of several fragments are among them
    for number, text in enumerate(lists, start=1):
        value = fragment_list(text, number)
        if text == "[]":
            assert value is not None and len(value) == 0
        else:
            assert value is not None, text  # every canonical role has the shape
        same(value, _Values().general(text, number), text)


EDIT_PIECES = list(" :,-{}[]\"'#&*!|>%@`?\\/.0123456789abnuyYNtTx_~=<") + [
    "null",
    "yes",
    "No",
    "012",
    "\\u00e9",
    "\\x41",
    "\\n",
    ": ",
    ", ",
    "}, {",
    "1.5",
    "\t",
]


def random_edits(texts: list[str], count: int = 3000) -> Iterator[str]:
    """``count`` copies of random ``texts``, each with one random piece inserted or overwritten."""
    rng = random.Random(20261130)
    for _ in range(count):
        text = rng.choice(texts)
        j = rng.randrange(len(text) + 1)
        yield text[:j] + rng.choice(EDIT_PIECES) + text[j + rng.choice((0, 0, 1, 2)) :]


@pytest.mark.parametrize(
    "texts, read, in_yaml",
    [
        (canonical_lines, shaped, lambda edited: pyyaml(f"x:\n- {edited}\n")["x"][0]),  # the item on line 2
        (lambda: [t for t in canonical_fragment_lists() if t != "[]"], fragment_list, lambda edited: pyyaml(f"x:\n  cue: {edited}\n")["x"]["cue"]),
    ],
    ids=["flow-mapping-lines", "attribution-roles"],
)
def test_yamlshapes_random_edits_step_aside_or_agree(texts: Callable[[], list[str]], read: Callable[[str, int], Any], in_yaml: Callable[[str], Any]) -> None:
    taken = 0
    for edited in random_edits(texts()):
        value = read(edited, 2)
        if value is not None:  # then PyYAML reads the text on line 2 the same way
            same(value, in_yaml(edited), edited)
            taken += 1
    assert taken > 500  # the shapes were exercised, not only refused
