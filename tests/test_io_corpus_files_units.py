"""The corpus file reader's findings and the writer's layout, called directly (mutmut survivors of issue 19's
readers run). Every expected line is counted by hand in the file the test writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.io.corpus_files import CorpusFile, control_findings, decode, first_non_nfc_line, read_corpus_file, render_corpus_file, split_and_licence

HEADER = "---\nid: talks\ntitle: null\nlanguage: en\nlicence: CC-BY-4.0\nsplit: test\n"


def _read(tmp_path: Path, content: str) -> list[tuple[str, str, str | None, int | None]]:
    path = tmp_path / "corpus" / "talks.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(content, encoding="utf-8")
    _, found = read_corpus_file(path, shown="corpus/talks.txt")
    return [(f.check, f.message, f.path, f.line) for f in found]


def test_io_corpus_files_first_non_nfc_line_counts_lines_from_1() -> None:
    assert first_non_nfc_line("Cafe\u0301 one\ntwo\n") == 1
    assert first_non_nfc_line("one\ntwo\nCafe\u0301\nCafe\u0301\n") == 3
    assert first_non_nfc_line("one\n\u0301two\n") is None  # a combining mark at a line's start is NFC
    assert first_non_nfc_line("Café\n") is None


def test_io_corpus_files_text_nfc_is_at_the_line_of_the_corpus_file(tmp_path: Path) -> None:
    # the text starts on line 8 (after 7 lines of front matter); its third line is line 10
    found = _read(tmp_path, HEADER + "---\nOne.\nTwo.\nCafe\u0301.\n")
    assert [(check, line) for check, _, _, line in found] == [("text-nfc", 10)]


def test_io_corpus_files_unknown_key_is_a_finding_at_its_line(tmp_path: Path) -> None:
    found = _read(tmp_path, HEADER + "alias: x\n---\nOne.\n")
    assert found == [
        (
            "yaml-unknown-key",
            "unknown key `alias`; expected one of id, title, source, url, published, language, licence, attribution, split, provenance, seed",
            "corpus/talks.txt",
            7,
        )
    ]


def test_io_corpus_files_render_keeps_a_long_title_of_many_words_on_one_line() -> None:
    title = " ".join(["Taliban delegation visits Tehran"] * 20)  # 659 characters, with spaces to fold at
    text = render_corpus_file(meta={"id": "zz", "title": title, "language": "en"}, text="One.\n")
    assert text.splitlines()[:3] == ["---", "id: zz", "title: " + title]


def test_io_corpus_files_missing_required_keys_are_findings_at_line_2(tmp_path: Path) -> None:
    found = _read(tmp_path, "---\ntitle: null\nlicence: CC-BY-4.0\nsplit: test\n---\nOne.\n")
    assert found == [
        ("yaml-missing-key", "missing required key `id` in the front matter", "corpus/talks.txt", 2),
        ("yaml-missing-key", "missing required key `language` in the front matter", "corpus/talks.txt", 2),
    ]


def test_io_corpus_files_a_value_not_a_string_is_a_finding_at_its_line(tmp_path: Path) -> None:
    found = _read(tmp_path, "---\ntitle: null\nlanguage: en\nid: talks\nsource: 12\nlicence: CC-BY-4.0\nsplit: test\n---\nOne.\n")
    assert found == [("yaml-type", "`source` must be a string or null; found int 12 (quote it)", "corpus/talks.txt", 5)]


def test_io_corpus_files_an_unsafe_or_mismatched_id_is_a_finding_at_its_line(tmp_path: Path) -> None:
    front = "---\ntitle: null\nlanguage: en\nid: {}\nlicence: CC-BY-4.0\nsplit: test\n---\nOne.\n"
    assert _read(tmp_path, front.format("Talks")) == [
        (
            "doc-id-unsafe",
            "document id 'Talks' is not a safe file name; expected lowercase letters, digits, '-' or '_' (at most 64, starting with a letter or digit)",
            "corpus/talks.txt",
            4,
        )
    ]
    assert _read(tmp_path, front.format("talk")) == [
        ("doc-id-mismatch", "the file is named 'talks' but its id is 'talk'; rename the file or fix the id", "corpus/talks.txt", 4)
    ]
    assert _read(tmp_path, front.format("talks")) == []


def test_io_corpus_files_split_and_licence_say_what_they_found() -> None:
    def where(meta: dict[str, object]) -> list[tuple[str, str, int | None]]:
        found = split_and_licence(meta, shown="corpus/talks.txt", line={"split": 7, "licence": 6}.__getitem__)
        return [(f.check, f.message, f.line) for f in found]

    split_words = "the document is in no split (add `split: dev` or `split: test` to the front matter)"
    licence_words = (
        "expected `licence` to be the id of the text's licence, one of CC-BY-2.5, CC-BY-4.0, CC0-1.0, all-rights-reserved; found {} "
        "(every document states its licence; a licence not listed is added to khabar.schema.labels.TEXT_LICENCES with its name and URL)"
    )
    assert where({"split": None, "licence": None}) == [
        ("split-missing", "expected a `split` (dev, test); found `split: null`: " + split_words, 7),
        ("licence-unknown", licence_words.format("`licence: null`"), 6),
    ]
    assert where({}) == [
        ("split-missing", "expected a `split` (dev, test); found no `split` key: " + split_words, 7),
        ("licence-unknown", licence_words.format("no `licence` key"), 6),
    ]
    assert where({"split": "train", "licence": "MIT"}) == [
        ("split-unknown", "expected `split` to be one of dev, test; found 'train' (write `split: dev` or `split: test`)", 7),
        ("licence-unknown", licence_words.format("'MIT'"), 6),
    ]
    assert where({"split": "dev", "licence": "CC0-1.0"}) == []


NO_FRONT_MATTER = "expected a front matter block between two `---` lines at the top of the file, then the text; found none"
NOT_A_MAPPING = (
    "expected the front matter to be a mapping of id, title, source, url, published, language, licence, attribution, split, provenance, seed; found {}"
)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("id: talks\nOne.\n", [("yaml-syntax", NO_FRONT_MATTER, "corpus/talks.txt", 1)]),
        ("---\nid: talks\nOne.\n", [("yaml-syntax", NO_FRONT_MATTER, "corpus/talks.txt", 1)]),
        ("---\n---\nOne.\n", [("yaml-type", NOT_A_MAPPING.format("NoneType"), "corpus/talks.txt", 2)]),
        ("---\n- id\n- talks\n---\nOne.\n", [("yaml-type", NOT_A_MAPPING.format("LList"), "corpus/talks.txt", 2)]),
    ],
    ids=["no-delimiter", "no-closing-delimiter", "empty", "a-list"],
)
def test_io_corpus_files_front_matter_that_is_not_a_mapping_is_one_finding(content: str, expected: list[tuple[str, str, str, int]], tmp_path: Path) -> None:
    assert _read(tmp_path, content) == expected


def test_io_corpus_files_read_gives_the_whole_front_matter_and_the_text_after_the_first_closing_line(tmp_path: Path) -> None:
    path = tmp_path / "corpus" / "talks.txt"
    path.parent.mkdir()
    path.write_text(HEADER + "---\nOne.\n---\nTwo.\n", encoding="utf-8")  # a `---` line in the text is text
    meta = dict.fromkeys(("id", "title", "source", "url", "published", "language", "licence", "attribution", "split", "provenance", "seed"))
    meta.update(id="talks", language="en", licence="CC-BY-4.0", split="test")
    assert read_corpus_file(path, shown="corpus/talks.txt") == (CorpusFile("corpus/talks.txt", meta, "One.\n---\nTwo.\n", 8), [])


@pytest.mark.parametrize(
    ("split", "licence", "strict_found", "kept"),
    [
        ("test", "MIT", [("licence-unknown", 4)], ("test", None)),
        ("train", "CC0-1.0", [("split-unknown", 5)], (None, "CC0-1.0")),
        ("train", "MIT", [("split-unknown", 5), ("licence-unknown", 4)], (None, None)),
    ],
)
def test_io_corpus_files_an_earlier_schema_drops_only_the_keys_it_must(
    split: str, licence: str, strict_found: list[tuple[str, int]], kept: tuple[str | None, str | None], tmp_path: Path
) -> None:
    path = tmp_path / "corpus" / "talks.txt"
    path.parent.mkdir()
    path.write_text(f"---\nid: talks\nlanguage: en\nlicence: {licence}\nsplit: {split}\n---\nOne.\n", encoding="utf-8")
    strict, found = read_corpus_file(path, shown="corpus/talks.txt")
    assert strict is None and [(f.check, f.line) for f in found] == strict_found
    lenient, found = read_corpus_file(path, shown="corpus/talks.txt", strict_metadata=False)
    assert found == [] and lenient is not None and (lenient.meta["split"], lenient.meta["licence"]) == kept


def test_io_corpus_files_a_file_with_an_error_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "corpus" / "talks.txt"
    path.parent.mkdir()
    path.write_text(HEADER + "alias: x\n---\nOne.\n", encoding="utf-8")
    read, found = read_corpus_file(path, shown="corpus/talks.txt")
    assert read is None and [f.check for f in found] == ["yaml-unknown-key"]


CONTROL_WORDS = "expected text without control characters (tab and newline aside); found U+{} at column {} (remove it: it is invisible in most editors, and no tokenizer or model expects it)"


@pytest.mark.parametrize(
    ("raw", "first_line", "expected"),
    [
        ("a\x01b\x02\nc\td\x7f\n", 1, [("0001", 2, 1), ("007F", 4, 2)]),  # once a line, at its first control
        ("\n\x00\n\nab\x9f", 1, [("0000", 1, 2), ("009F", 3, 4)]),
        ("\n\nx\x1b", 10, [("001B", 2, 12)]),
        ("tab\tand\nnewline", 1, []),
    ],
)
def test_io_corpus_files_control_findings_give_each_line_once_with_its_column(raw: str, first_line: int, expected: list[tuple[str, int, int]]) -> None:
    found = control_findings(raw, shown="corpus/talks.txt", first_line=first_line)
    assert [(f.check, f.message, f.path, f.line) for f in found] == [
        ("text-control", CONTROL_WORDS.format(code, column), "corpus/talks.txt", line) for code, column, line in expected
    ]


def test_io_corpus_files_decode_reports_the_first_cr_and_every_control_line() -> None:
    raw, found = decode(b"---\nid: x\r\n---\nOne\x01.\r\n", shown="corpus/talks.txt")
    assert raw == "---\nid: x\r\n---\nOne\x01.\r\n"
    assert [(f.check, f.message, f.path, f.line) for f in found] == [
        ("line-endings", "expected LF line endings; found CR (convert the file with `dos2unix` or your editor's LF setting)", "corpus/talks.txt", 2),
        ("text-control", CONTROL_WORDS.format("0001", 4), "corpus/talks.txt", 4),
    ]
    raw, found = decode(b"one\ncaf\xe9", shown="corpus/talks.txt")
    assert raw is None and [(f.check, f.path, f.line) for f in found] == [("file-encoding", "corpus/talks.txt", 2)]


def test_io_corpus_files_front_matter_syntax_is_found_at_its_line_of_the_corpus_file(tmp_path: Path) -> None:
    # `published` is on line 3 of the file, line 2 of the front matter
    found = _read(tmp_path, "---\nid: talks\npublished: 2021-13-45\nlanguage: en\nlicence: CC-BY-4.0\nsplit: test\n---\nOne.\n")
    assert [(check, path, line) for check, _, path, line in found] == [("yaml-syntax", "corpus/talks.txt", 3)]


def test_io_corpus_files_a_syntax_error_names_the_file_line_its_context_began_on(tmp_path: Path) -> None:
    """A flow sequence opened on the file's line 3 (the front matter's line 2) and never closed: both lines the
    finding states are the file's."""
    found = _read(tmp_path, "---\nid: talks\ntitle: [a,\n  b\nlanguage: en\n---\nOne.\n")
    assert found == [
        (
            "yaml-syntax",
            "did not find expected ',' or ']' (while parsing a flow sequence that starts at line 3)",
            "corpus/talks.txt",
            5,
        )
    ]
