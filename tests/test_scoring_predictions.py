"""The predictions reader (khabar.scoring.predictions.read_predictions): a user's file, every problem a whole finding
(check, line, document, message) with the rest of the file still read, and what it keeps of a good line."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from khabar.scoring.predictions import read_predictions

TEXTS = {"d1": "Ahmad met Khan in Tehran.", "d2": "Khan left.", "d3": "Dan."}
ELSEWHERE = {"dev1": "dev"}


def read(tmp_path: Path, *lines: Any) -> tuple[list[Any], list[tuple[str, int | None, str | None, str]]]:
    path = tmp_path / "pred.jsonl"
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8")
    preds, found = read_predictions(path=path, texts=TEXTS, shown="pred.jsonl", split="test", elsewhere=ELSEWHERE)
    assert all(f.path == "pred.jsonl" for f in found)
    return preds, [(f.check, f.line, f.document, f.message) for f in found]


#: (a bad line, its findings: check, message); the line is the file's second, after a good one for d2.
BAD: dict[str, tuple[Any, list[tuple[str, str]]]] = {
    "not json": ('{"id": ', [("pred-json", "expected one JSON object per line; found invalid JSON (Expecting value at column 8)")]),
    "not an object": ("[1]", [("pred-field", "expected an object with a string `id` naming a gold document")]),
    "id not a string": ({"id": 7}, [("pred-field", "expected an object with a string `id` naming a gold document")]),
    "unknown document": ({"id": "d9"}, [("pred-unknown-document", "document 'd9' is not in the gold (4 documents); check the id")]),
    "other split": (
        {"id": "dev1"},
        [
            (
                "pred-split",
                "expected only documents of the split scored, test; found 'dev1', a document of the dev split: nothing is scored "
                "(remove its line, or score the dev split with `--split dev`)",
            )
        ],
    ),
    "text changed": (
        {"id": "d1", "text": "Ahmad met Khan."},
        [("pred-text-mismatch", "`text` differs from the gold text of 'd1'; predictions must be made on the gold text unchanged")],
    ),
    "layer not a list": ({"id": "d1", "ner": {"start": 0}}, [("pred-field", "`ner` must be a list of objects")]),
    "item not an object": ({"id": "d1", "values": [[0, 5]]}, [("pred-field", "`values` must be a list of objects")]),
    "wrong types": (
        {"id": "d1", "mentions": [{"start": True, "end": 5.0, "entity": 3}]},
        [
            ("pred-field", "`mentions[0].start` must be int; found True"),
            ("pred-field", "`mentions[0].end` must be int; found 5.0"),
            ("pred-field", "`mentions[0].entity` must be str; found 3"),
        ],
    ),
    "head half given": (
        {"id": "d1", "mentions": [{"start": 0, "end": 5, "entity": "a", "head_start": 0}]},
        [("pred-field", "`mentions[0]` must give both head_start and head_end, or neither")],
    ),
    "fragment not a span": (
        {"id": "d1", "attributions": [{"cue": [{"start": 0}], "content": ["x"]}]},
        [
            ("pred-field", "`attributions[0].cue[0]` must be {start, end[, text]}; found {'start': 0}"),
            ("pred-field", "`attributions[0].content[0]` must be {start, end[, text]}; found 'x'"),
        ],
    ),
    "missing fields": (
        {"id": "d1", "entities": [{"id": "a"}], "relations": [{"label": "per:origin", "head": "a"}]},
        [("pred-field", "`entities[0].type` must be str; found None"), ("pred-field", "`relations[0].tail` must be str; found None")],
    ),
    "unknown labels": (
        {"id": "d1", "ner": [{"start": 0, "end": 5, "label": "PER"}], "relations": [{"label": "x", "head": "a", "tail": "b"}]},
        [
            ("pred-label", "expected `ner[0].label` to be one of the schema's (PERSON, NORP, FAC, ORG, GPE, LOC, PRODUCT, EVENT, WORK_OF_ART, LAW, LANGUAGE, "),
            ("pred-label", "expected `relations[0].label` to be one of the schema's (per:employee_or_member_of, "),
        ],
    ),
    "offsets outside": (
        {"id": "d1", "ner": [{"start": 20, "end": 26, "label": "GPE"}, {"start": 5, "end": 5, "label": "GPE"}, {"start": -1, "end": 2, "label": "GPE"}]},
        [
            ("pred-offset-range", "`ner[0]` is 20-26, outside the text (0-25) or empty"),
            ("pred-offset-range", "`ner[1]` is 5-5, outside the text (0-25) or empty"),
            ("pred-offset-range", "`ner[2]` is -1-2, outside the text (0-25) or empty"),
        ],
    ),
    "stated texts": (
        {
            "id": "d1",
            "mentions": [{"start": 0, "end": 5, "entity": "a", "text": "Ahmed", "head_start": 9, "head_end": 30}],
            "attributions": [{"cue": [{"start": 6, "end": 9, "text": "met"}], "content": [{"start": 10, "end": 14, "text": "Kahn"}]}],
        },
        [
            ("pred-text-mismatch", "`mentions[0]` states 'Ahmed' but the gold text at 0-5 is 'Ahmad'"),
            ("pred-offset-range", "`mentions[0].head` is 9-30, outside the text (0-25) or empty"),
            ("pred-text-mismatch", "`attributions[0].content[0]` states 'Kahn' but the gold text at 10-14 is 'Khan'"),
        ],
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_scoring_predictions_a_bad_line_is_its_whole_findings_and_the_rest_is_read(case: str, tmp_path: Path) -> None:
    line, expected = BAD[case]
    preds, found = read(tmp_path, {"id": "d2", "ner": [{"start": 0, "end": 4, "label": "PERSON", "text": "Khan"}]}, line, {"id": "d3", "ner": []})
    named = None if case in ("not json", "not an object", "id not a string") else json.loads(json.dumps(line))["id"]
    assert [(check, at, document) for check, at, document, _ in found] == [(check, 2, named) for check, _ in expected]
    for (_, _, _, message), (_, words) in zip(found, expected, strict=True):
        assert message == words if not words.endswith(", ") else message.startswith(words)
    kept = [(p.id, p.line) for p in preds]
    offsets_only = case in ("offsets outside", "stated texts")  # the line is read; its offsets are what is wrong
    assert kept == ([("d2", 1), ("d1", 2), ("d3", 3)] if offsets_only else [("d2", 1), ("d3", 3)])


def test_scoring_predictions_a_good_line_keeps_its_layers_as_given(tmp_path: Path) -> None:
    line = {
        "id": "d1",
        "text": TEXTS["d1"],
        "ner": [{"start": 18, "end": 24, "label": "GPE", "text": "Tehran"}, {"start": 18, "end": 25, "label": "GPE", "head_start": 0, "head_end": 99}],
        "mentions": [{"start": 0, "end": 5, "entity": "a", "head_start": 0, "head_end": 5}],
        "notes": "ignored",
    }
    preds, found = read(tmp_path, "", line, "   ")
    assert found == [] and len(preds) == 1
    assert (preds[0].id, preds[0].line, dict(preds[0].layers)) == ("d1", 2, {"ner": line["ner"], "mentions": line["mentions"]})


def test_scoring_predictions_a_document_given_twice_names_its_first_line(tmp_path: Path) -> None:
    preds, found = read(tmp_path, {"id": "d1"}, {"id": "d2"}, {"id": "d1", "ner": []}, {"id": "d3"})
    assert found == [("pred-duplicate-document", 3, "d1", "document 'd1' was already predicted on line 1; give each document once")]
    assert [p.id for p in preds] == ["d1", "d2", "d3"]  # the lines after it are read


@pytest.mark.parametrize("content", ["", "\n\n  \n"], ids=["empty", "blank-lines"])
def test_scoring_predictions_an_empty_file_is_a_finding(content: str, tmp_path: Path) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_text(content, encoding="utf-8")
    preds, found = read_predictions(path=path, texts=TEXTS)
    message = "expected at least one prediction (a JSON object a line); found an empty file: nothing would be scored (check that the system wrote its output)"
    assert preds == [] and [(f.check, f.path, f.line, f.message) for f in found] == [("pred-empty", str(path), 1, message)]


def test_scoring_predictions_a_file_that_is_not_utf8_is_one_finding_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_bytes(b'\n{"id": "d\xe92"}\n{"id": "d1"}\n\n')
    preds, found = read_predictions(path=path, texts=TEXTS, shown="p.jsonl")
    assert preds == [] and [(f.check, f.path, f.line, f.message) for f in found] == [
        ("pred-json", "p.jsonl", 2, "expected UTF-8 JSON Lines; found byte 0xe9 at offset 10 that is not UTF-8 (write the file as UTF-8)")
    ]


def test_scoring_predictions_a_missing_or_special_file_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    preds, found = read_predictions(path=tmp_path / "none.jsonl", texts=TEXTS)
    assert preds == [] and [(f.check, f.path, f.line, f.message) for f in found] == [
        (
            "pred-json",
            str(tmp_path / "none.jsonl"),
            1,
            "expected a predictions file (JSON Lines) here; found none that can be read (no such file); check the --pred path",
        )
    ]
    fifo = tmp_path / "pred.fifo"
    os.mkfifo(fifo)
    preds, found = read_predictions(path=fifo, texts=TEXTS, shown="pred.fifo")
    assert preds == [] and [(f.check, f.path) for f in found] == [("file-special", "pred.fifo")]
