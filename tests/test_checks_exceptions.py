"""Reviewed exceptions (``annotations/exceptions.yaml``): what they may silence and what they may not.

Every check has a failing fixture (``tests/fixtures/checks/<id>/``). Here each
fixture gets an exception for every finding of its own check: for a check in
``EXEMPTIBLE`` the project must then validate and build; for any other check the
exceptions must be refused (``exception-check``) and the findings stay.

Nothing here touches the network.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import FIXTURES, copy_project

from khabar.checks.exceptions import read_exceptions
from khabar.core.catalogue import CATALOGUE, EXEMPTIBLE
from khabar.core.findings import Finding, errors
from khabar.dataset.build import build
from khabar.pipeline import validate

CHECKS = FIXTURES / "checks"
DOC = Path(__file__).resolve().parent.parent / "docs" / "checks.md"
#: Fixtures of a document-level check (findings that name a document) other than the exceptions' own.
REFUSED = sorted(
    c
    for c in CATALOGUE
    if c not in EXEMPTIBLE and (CHECKS / c / "corpus").is_dir() and CATALOGUE[c].group not in {"exceptions", "release"} and c != "corpus-empty"
)  # corpus-empty: about the folder, no document


def _except_all(root: Path, check: str) -> list[Finding]:
    """Write an exception for every finding of ``check`` in the project at ``root``; return those findings."""
    own = [f for f in validate(root=root, gx=False)[1] if f.check == check]
    lines = ["exceptions:"]
    for f in own:
        lines += [f"- check: {f.check}", f"  document: {f.document}"]
        if f.annotation is not None:
            lines.append(f"  annotation: {json.dumps(f.annotation)}")  # quoted: id-unsafe's id holds a newline
        if f.span is not None:
            lines.append(f"  span: {{start: {f.span[0]}, end: {f.span[1]}}}")
        lines.append("  reason: the test excepts every finding of its fixture")
    (root / "annotations" / "exceptions.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return own


@pytest.mark.parametrize("check", sorted(EXEMPTIBLE))
def test_checks_exceptions_an_excepted_judgement_call_builds(check: str, tmp_path: Path) -> None:
    root = copy_project(CHECKS / check, tmp_path / "project")
    own = _except_all(root, check)
    assert own and all(f.document for f in own), own
    assert errors(validate(root=root)[1]) == []
    build(root=root, out=tmp_path / "out", baselines=False)
    shards = sorted((tmp_path / "out" / "data" / "documents").glob("*.parquet"))
    built = {i for shard in shards for i in pq.read_table(shard, columns=["id"]).column("id").to_pylist()}
    assert built == {p.stem for p in (root / "corpus").glob("*.txt")}  # every document, none left out


@pytest.mark.parametrize("check", REFUSED)
def test_checks_exceptions_refuse_every_other_check(check: str, tmp_path: Path) -> None:
    root = copy_project(CHECKS / check, tmp_path / "project")
    own = _except_all(root, check)
    assert own, f"the fixture of {check} has no finding to except"
    found = validate(root=root, gx=False)[1]
    refused = [f for f in found if f.check == "exception-check"]
    assert len(refused) == len(own), refused
    assert all(f"`{check}` cannot be excepted" in f.message for f in refused), refused
    assert [f for f in found if f.check == check] == own  # nothing silenced
    assert not any(f.check == "exception-unused" for f in found)  # one fault, reported once


@pytest.mark.parametrize(
    "check, why",
    [
        ("name-unanotated", "which is no check id"),
        ("exception-unused", "cannot be excepted"),
        ("exception-check", "cannot be excepted"),
        ("[1, 2]", "which is no check id"),
    ],
)
def test_checks_exceptions_refusal_says_why(check: str, why: str, tmp_path: Path) -> None:
    path = tmp_path / "exceptions.yaml"
    path.write_text(f"exceptions:\n- check: {check}\n  document: talks\n  annotation: m1\n  reason: r\n", encoding="utf-8")
    kept, found = read_exceptions(path, shown="annotations/exceptions.yaml")
    assert kept == []
    assert [(f.check, f.line) for f in found] == [("exception-check", 2)]
    assert why in found[0].message and "name-unannotated" in found[0].message  # lists what may be excepted


def test_checks_exceptions_doc_lists_exactly_the_exemptible_checks() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Exceptions", 1)[1].split("\n## ", 1)[0]
    listed = re.search(r"may be excepted[^:]*:\n\n((?:\* `[a-z-]+`.*\n)+)", section)
    assert listed is not None, "docs/checks.md's Exceptions section lists the checks that may be excepted"
    assert set(re.findall(r"^\* `([a-z-]+)`", listed.group(1), flags=re.M)) == EXEMPTIBLE


ENTRY = "- check: name-unannotated\n  document: talks\n"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("- just a list\n", [("yaml-type", 1)]),
        ("exceptions: [\n", [("yaml-syntax", 2)]),
        (f"exceptions:\n{ENTRY}  annotation: m1\n", [("yaml-missing-key", 2)]),  # no reason
        (f"exceptions:\n{ENTRY}  reason: r\n", [("yaml-missing-key", 2)]),  # neither annotation nor span
        (f"exceptions:\n{ENTRY}  annotation: m1\n  reason: r\n  why: typo\n", [("yaml-unknown-key", 2)]),
        (f"exceptions:\n{ENTRY}  span: {{start: a, end: 3}}\n  reason: r\n", [("yaml-type", 2)]),
        (
            f"exceptions:\n{ENTRY}  reason: r\n{ENTRY}  annotation: m1\n- check: span-text\n  document: talks\n  span: {{start: 1, end: 2}}\n  reason: r\n",
            [("yaml-missing-key", 2), ("yaml-missing-key", 5), ("exception-check", 8)],
        ),  # every problem, not the first
    ],
)
def test_checks_exceptions_file_problems_are_located(text: str, expected: list[tuple[str, int]], tmp_path: Path) -> None:
    path = tmp_path / "exceptions.yaml"
    path.write_text(text, encoding="utf-8")
    kept, found = read_exceptions(path, shown="annotations/exceptions.yaml")
    assert kept == []
    assert [(f.check, f.line) for f in found] == expected
    assert all(f.path == "annotations/exceptions.yaml" for f in found)


def test_checks_exceptions_file_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "exceptions.yaml"
    path.write_bytes("exceptions: []\n# caf\u00e9\n".encode("latin-1"))
    assert [(f.check, f.line) for f in read_exceptions(path, shown="x")[1]] == [("file-encoding", 1)]
