"""Reading ``annotations/exceptions.yaml``: every refusal whole, and every good item read field by field
(mutmut survivors of issue 19: the messages were never read, and a bad item stopped the reading of the rest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.checks.exceptions import Exemption, read_exceptions

SHOWN = "annotations/exceptions.yaml"
GOOD = "- check: name-unannotated\n  document: d1\n  span: {start: 3, end: 7, text: Khan}\n  reason: a quotation\n"


def _read(tmp_path: Path, content: str | bytes) -> tuple[list[Exemption], list[tuple[str, int | None, str]]]:
    path = tmp_path / "exceptions.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    exemptions, found = read_exceptions(path, shown=SHOWN)
    assert all(f.path == SHOWN for f in found)
    return exemptions, [(f.check, f.line, f.message) for f in found]


def test_checks_exceptions_every_field_of_a_good_item_is_read(tmp_path: Path) -> None:
    exemptions, found = _read(tmp_path, "exceptions:\n" + GOOD + "- check: pronoun-agreement\n  document: d2\n  annotation: m4\n  reason: a quoted speaker\n")
    assert found == []
    assert exemptions == [
        Exemption("name-unannotated", "d1", None, (3, 7), "a quotation", 2),
        Exemption("pronoun-agreement", "d2", "m4", None, "a quoted speaker", 6),
    ]


def test_checks_exceptions_a_file_not_utf8_is_refused_whole(tmp_path: Path) -> None:
    assert _read(tmp_path, b"exceptions:\n- check: caf\xe9\n") == (
        [],
        [("file-encoding", 1, "expected UTF-8; found bytes that are not (re-save the file as UTF-8)")],
    )


@pytest.mark.parametrize(("content", "found"), [("just words\n", "str"), ("exceptions: 3\n", "LDict"), ("- a\n", "LList")])
def test_checks_exceptions_a_file_without_a_list_is_refused_whole(content: str, found: str, tmp_path: Path) -> None:
    message = f"expected a mapping with a list under `exceptions`; found {found} (start the file with `exceptions:` and one `- check: ...` item per exception)"
    assert _read(tmp_path, content) == ([], [("yaml-type", 1, message)])


BAD = {
    "unknown-keys": (
        "- check: name-unannotated\n  document: d1\n  annotation: m1\n  reason: r\n  note: x\n  by: y\n",
        "yaml-unknown-key",
        "unknown key(s) note, by; expected check, document, reason, annotation, span",
    ),
    "span-not-integers": (
        "- check: name-unannotated\n  document: d1\n  span: {start: a, end: 7}\n  reason: r\n",
        "yaml-type",
        "`span` must be {start, end, text} with integer offsets; found {'start': 'a', 'end': 7} (take the offsets from the finding, or from `khabar locate`)",
    ),
    "span-not-a-mapping": (
        "- check: name-unannotated\n  document: d1\n  span: [3, 7]\n  reason: r\n",
        "yaml-type",
        "`span` must be {start, end, text} with integer offsets; found [3, 7] (take the offsets from the finding, or from `khabar locate`)",
    ),
    "no-check": (
        "- document: d1\n  annotation: m1\n  reason: r\n",
        "yaml-missing-key",
        "an exception needs check, document, reason and one of annotation, span; this one lacks `check` (add it: an exception is about one place)",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_checks_exceptions_a_bad_item_is_refused_and_the_next_still_read(case: str, tmp_path: Path) -> None:
    item, check, message = BAD[case]
    exemptions, found = _read(tmp_path, "exceptions:\n" + item + GOOD)
    assert found == [(check, 2, message)]
    assert exemptions == [Exemption("name-unannotated", "d1", None, (3, 7), "a quotation", 2 + item.count("\n"))]


def test_checks_exceptions_a_file_that_is_no_regular_file_is_refused_at_its_shown_path(tmp_path: Path) -> None:
    (tmp_path / "exceptions.yaml").mkdir()
    exemptions, found = read_exceptions(tmp_path / "exceptions.yaml", shown=SHOWN, within=[tmp_path.resolve()])
    assert exemptions == [] and [(f.check, f.path, f.line) for f in found] == [("file-special", SHOWN, 1)]


def test_checks_exceptions_a_link_out_of_the_project_is_not_followed(tmp_path: Path) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside.yaml"
    project.mkdir()
    outside.write_text("exceptions:\n" + GOOD, encoding="utf-8")
    (project / "exceptions.yaml").symlink_to(outside)
    exemptions, found = read_exceptions(project / "exceptions.yaml", shown=SHOWN, within=[project.resolve()])
    assert exemptions == [] and [(f.check, f.path, f.line) for f in found] == [("file-symlink", SHOWN, 1)]
    assert len(read_exceptions(project / "exceptions.yaml", shown=SHOWN, within=None)[0]) == 1  # followed when no project is given
