"""A finding is exactly one line: no id, name, path or quoted text can forge a finding of its own.

Nothing here touches the network.
"""

from __future__ import annotations

import os
import pickle
import re
from dataclasses import replace
from pathlib import Path

import pytest

from khabar.cli import main
from khabar.core.findings import Finding, KhabarError, finding
from khabar.pipeline import validate
from khabar.schema.invariants import SchemaError

#: Characters that end a line, move the cursor, or reorder what a terminal shows; and a lone surrogate
#: (a file name that is not UTF-8).
INVISIBLE = ["\n", "\r", "\x0b", "\x1b", "\x00", "\t", "\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\u202e", "\u2066", "\u200f", "\udcff"]
FORGED = "annotations/forged.yaml:1: error[forged] a finding no check made"
#: A rendered finding: where, level, check id; the check id of a forged line would be `forged`.
LINE = re.compile(r"^(?P<where>.+?): (?P<level>error|warning)\[(?P<check>[a-z0-9-]+)\] ")


def _escaped(char: str) -> str:
    """How Python's repr shows ``char``: the escape findings use."""
    return repr(char)[1:-1]


@pytest.mark.parametrize("char", INVISIBLE, ids=_escaped)
@pytest.mark.parametrize("field", ["path", "document", "annotation", "message"])
def test_findings_render_is_one_line_with_visible_escapes(field: str, char: str) -> None:
    plain = finding("span-text", "mention 0-5 states 'Ahmad'", path="annotations/talks.yaml", line=3, document="talks", annotation="m1")
    hostile = replace(plain, **{field: f"x{char}{FORGED}"})
    rendered = hostile.render()
    assert len(rendered.splitlines()) == 1 and char not in rendered
    assert f"x{_escaped(char)}annotations/forged.yaml:1:" in rendered
    assert LINE.match(rendered)["check"] == "span-text"  # type: ignore[index]


@pytest.mark.parametrize("text", ["Ahmad Massoud said «ok»", "مرحبا بالعالم", "non\u00a0breaking, em — dash, emoji 🙂", "a literal \\n and a 'quote'"])
def test_findings_render_leaves_printable_text_alone(text: str) -> None:
    rendered = finding("span-text", text, path=text, line=1, document=text, annotation=text).render()
    assert rendered == f"{text}:1: error[span-text] [{text}/{text}] {text}"


def test_findings_render_of_an_annotation_that_is_no_string() -> None:
    rendered = Finding(check="yaml-type", level="error", message="m", path="a.yaml", line=2, document="talks", annotation=5).render()  # type: ignore[arg-type]
    assert rendered == "a.yaml:2: error[yaml-type] [talks/5] m"


def _rename(root: Path, stem: str | bytes) -> None:
    """Give the document's corpus and annotation files the name ``stem``."""
    for folder, suffix in (("corpus", ".txt"), ("annotations", ".yaml")):
        old = root / folder / f"talks{suffix}"
        new = os.path.join(os.fsencode(root / folder), stem + os.fsencode(suffix)) if isinstance(stem, bytes) else root / folder / f"{stem}{suffix}"
        try:
            os.rename(old, new)
        except (OSError, UnicodeError) as exc:  # a file system that refuses such names: nothing to forge with
            pytest.skip(f"cannot name a file {stem!r} here: {exc}")


def _edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


#: Projects whose data tries to forge a finding line, or to crash the output (each the valid fixture, changed),
#: and the check that must report it.
HOSTILE = {
    "mention id with a newline": (lambda root: _edit(root, "annotations/talks.yaml", "- id: m1\n", f'- id: "m1\\n{FORGED}"\n'), "id-unsafe"),
    "entity id with ESC and U+2028": (lambda root: _edit(root, "annotations/talks.yaml", "- id: e3\n", '- id: "e3\\e[2J\\L"\n'), "id-unsafe"),
    "relation head with a bidi override": (lambda root: _edit(root, "annotations/talks.yaml", "head: e3\n", 'head: "e\u202e3"\n'), "id-unsafe"),
    "an id that is a number": (lambda root: _edit(root, "annotations/talks.yaml", "- id: m1\n", "- id: 5\n"), "yaml-type"),
    "file names with a newline": (lambda root: _rename(root, f"talks\n{FORGED.replace('/', '-')}"), "doc-id-mismatch"),
    "file names with ESC": (lambda root: _rename(root, "ta\x1b[2Jlks"), "doc-id-mismatch"),
    "file names with U+2028": (lambda root: _rename(root, "ta\u2028lks"), "doc-id-mismatch"),
    "file names that are not UTF-8": (lambda root: _rename(root, b"ta\xfflks"), "doc-id-mismatch"),
    "document id with a final newline": (
        lambda root: (
            _rename(root, "talks\n"),
            _edit(root, "corpus/talks\n.txt", "id: talks\n", 'id: "talks\\n"\n'),
            _edit(root, "annotations/talks\n.yaml", "document: talks\n", 'document: "talks\\n"\n'),
        ),
        "doc-id-unsafe",
    ),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_findings_hostile_data_cannot_forge_a_line_or_crash(case: str, tiny_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tiny_project
    change, check = HOSTILE[case]
    change(root)
    _, found = validate(root=root, gx=False)
    assert check in {f.check for f in found}, [f.render() for f in found]
    report = tmp_path / "report"
    assert main(["--root", str(root), "validate", "--no-gx", "--report", str(report)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    *lines, summary = err.splitlines()
    assert lines == [f.render() for f in found]  # one line per finding, nothing else
    assert all(LINE.match(line) and LINE.match(line)["check"] != "forged" for line in lines), lines  # type: ignore[index]
    assert summary.startswith("khabar: FAILED: ")
    page = (report / "index.html").read_text(encoding="utf-8")
    assert not any(char in page for char in INVISIBLE if char not in "\n")  # the page's own lines end in \n


@pytest.mark.parametrize(
    "error",
    [
        SchemaError("span-range", "mention 5-3 ends before it starts"),
        KhabarError([finding("span-text", "states 'Khan' but the text there is 'Kahn'", path="annotations/talks.yaml", line=9)]),
    ],
    ids=["SchemaError", "KhabarError"],
)
def test_findings_errors_survive_pickling_whole(error: Exception) -> None:
    """A worker process's error reaches the main process through pickle: its check and message, or its findings, intact."""
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error) and str(back) == str(error)
    assert vars(back) == vars(error)
