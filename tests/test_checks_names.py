"""The corpus-wide name scan (``name-unannotated``) against a plain reference."""

from __future__ import annotations

import random
import re
from array import array
from dataclasses import replace
from pathlib import Path

import pytest

from khabar.checks.names import PRONOUNS, NameHeads, _agrees, name_heads, name_index, name_strings, unannotated
from khabar.io import load_project
from khabar.io.tokenize import tokenize
from khabar.schema.model import Entity
from khabar.workflow.synthetic import synthetic_document

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def reference(summaries: list[NameHeads]) -> list[list[tuple[int, int]]]:
    """The scan's definition, written the slow way: at every position the first name of
    one alternation (longest first) that matches there, kept on token boundaries, when no
    name head covers it and it does not lie inside the occurrence reported just before."""
    names = name_strings(summaries)
    pattern = re.compile("|".join(re.escape(n) for n in names)) if names else None
    out = []
    for h in summaries:
        heads, found, reported = [(s, e) for s, e, _, _ in h.heads], [], (-1, -1)
        for position in range(len(h.text)) if pattern else ():
            match = pattern.match(h.text, position)  # type: ignore[union-attr]
            if match is None or match.start() not in h.starts or match.end() not in h.ends:
                continue
            s, e = match.span()
            if any(hs <= s and e <= he for hs, he in heads) or (reported[0] <= s and e <= reported[1]):
                continue
            reported = (s, e)
            found.append((s, e))
        out.append(found)
    return out


def unannotate_some(seed: int, n: int) -> list[NameHeads]:
    """Synthetic documents, each also as a copy with every third name mention dropped (their
    names stay in the text, and the intact document annotates them)."""
    out = []
    for i in range(n):
        doc = synthetic_document(f"s{i}", random.Random(f"{seed}/{i}"))
        tokens, sentences = tokenize(doc.text)  # as reading the written document would
        doc = replace(doc, tokens=tokens, sentences=sentences)
        dropped = {m.id for m in [m for m in doc.mentions if m.kind == "NAM"][::3]}
        out += [name_heads(doc), name_heads(replace(doc, id=f"{doc.id}-copy", mentions=tuple(m for m in doc.mentions if m.id not in dropped)))]
    return out


@pytest.mark.parametrize("source", ["synthetic-1", "synthetic-2", "gold", "fixture-name-unannotated"])
def test_checks_names_scan_equals_the_reference(source: str, project_root: Path) -> None:
    if source.startswith("synthetic"):
        summaries = unannotate_some(int(source[-1]), 12)
    else:
        root = project_root if source == "gold" else FIXTURES / "checks" / "name-unannotated"
        summaries = [name_heads(d) for d in load_project(root=root).documents]
    expected = reference(summaries)
    index = name_index(name_strings(summaries))
    assert [unannotated(h, index) for h in summaries] == expected
    if source != "gold":  # the gold has no unannotated name: elsewhere the scan must find some
        assert any(expected)


def test_checks_names_index_gives_the_longest_name_at_a_position() -> None:
    index = name_index(["Ismail Khan", "Khanate", "Khan", "UN"])  # longest first, as name_strings sorts
    text = "Ismail Khan of the Khanate met the UN."
    ends = [index.longest_at(text, text.index(w)) for w in ("Ismail", "Khan", "Khanate", "UN", "met")]
    assert ends == [text.index(w) + len(w) for w in ("Ismail Khan", "Khan", "Khanate", "UN")] + [None]


def test_checks_names_scan_reports_a_name_inside_an_unannotated_name_once() -> None:
    text = "Ismail Khan met Khan in Khanabad."  # and not "Khan" at the start of the token "Khanabad"
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+|\.", text)]
    h = NameHeads("d", text, ((16, 20, "PERSON", "m1"),), array("q", [s for s, _ in words]), array("q", [e for _, e in words]))
    other = NameHeads("o", "Ismail Khan", ((0, 11, "PERSON", "m1"),), array("q", [0, 7]), array("q", [6, 11]))
    index = name_index(name_strings([h, other]))
    assert unannotated(h, index) == [(0, 11)]  # not also "Khan" at 7-11


@pytest.mark.parametrize(
    "text",
    [
        "UN met X. The UN and X and UNESCO. X",  # names of one and two characters, one at the very end
        "Émile 😀 Ünal met Émile 😀 and Ünal 😀 at Ünalköy.",  # characters beyond ASCII and beyond the BMP
        "Khan",  # the text is one name: windows run past its end
    ],
)
def test_checks_names_scan_windows_equal_the_reference(text: str) -> None:
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text)]
    annotated = " ".join(f"{w}." for w in ("UN", "X", "UNESCO", "Émile 😀", "Ünal", "Khan"))
    spans = [(m.start(), m.end()) for m in re.finditer(r"UNESCO|UN|X|Émile 😀|Ünal|Khan", annotated)]
    named = NameHeads(
        "named",
        annotated,
        tuple((s, e, "ORG", f"m{i}") for i, (s, e) in enumerate(spans)),
        array("q", [m.start() for m in re.finditer(r"\w+|[^\w\s]", annotated)]),
        array("q", [m.end() for m in re.finditer(r"\w+|[^\w\s]", annotated)]),
    )
    h = NameHeads("d", text, (), array("q", [s for s, _ in words]), array("q", [e for _, e in words]))
    expected = reference([h, named])[0]
    assert unannotated(h, name_index(name_strings([h, named]))) == expected
    assert expected  # each text has names left unannotated


@pytest.mark.parametrize(
    ("pronoun", "entity", "named", "agrees"),
    [
        ("they", Entity("e", "PERSON", "official sources"), False, True),  # an unnamed set
        ("they", Entity("e", "PERSON", "Ismail Khan"), True, False),  # a named individual
        ("each other", Entity("g", "PERSON", "the parents", ("a", "b")), True, True),  # a reciprocal takes a group
        ("each other", Entity("e", "PERSON", "Ismail Khan"), True, False),
        ("this", Entity("e", "EVENT", "the meeting"), False, True),
        ("someone", Entity("e", "PERSON", "the person who passed the document on"), False, True),
        ("someone", Entity("e", "ORG", "Twitter"), True, False),
        ("these", Entity("e", "GPE", "Iran"), True, False),
        ("it", Entity("g", "GPE", "Iran and Tehran", ("a", "b")), True, False),  # "it" never takes a group
    ],
)
def test_checks_names_pronoun_agreement_classes(pronoun: str, entity: Entity, named: bool, agrees: bool) -> None:
    assert _agrees(PRONOUNS[pronoun], entity, named=named) is agrees
