"""The dataset card: every figure comes from the data; its examples run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import two_split_project

from khabar.baselines.scores import baseline_scores
from khabar.dataset.card import placeholders, size_category
from khabar.io import load_project
from khabar.io.cardfile import split_front_matter
from khabar.io.corpus_files import DOCUMENT_META
from khabar.schema.labels import SPLITS, SPLITS_TEST_FIRST
from khabar.schema.splits import by_split
from khabar.views.configs import CONFIGS
from khabar.views.stats import corpus_stats, split_stats

ROOT = Path(__file__).resolve().parent.parent
#: Numbers the template may state itself: names of standards, not figures of the data.
NAMED_VERSIONS = {"5": "OntoNotes 5", "4.0": "CC BY 4.0", "3.0": "PARC 3.0"}


def _body() -> str:
    _, body = split_front_matter((ROOT / "dataset_card.md").read_text(encoding="utf-8"))
    return body


def _prose(body: str) -> str:
    """The body without code blocks and without placeholders."""
    body = re.sub(r"```.*?```", "", body, flags=re.DOTALL)
    return re.sub(r"\$\{[a-z_]+\}", "", body)


def test_card_template_states_no_figure_of_its_own() -> None:
    numbers = re.findall(r"\d+(?:\.\d+)?", _prose(_body()))
    assert numbers, "the template names at least its standards' versions"
    assert set(numbers) <= set(NAMED_VERSIONS), sorted(set(numbers) - set(NAMED_VERSIONS))


def _meta(docs: list) -> list[dict]:
    return [{key: getattr(d, key) for key in DOCUMENT_META} for d in docs]


@pytest.mark.parametrize("project", ["repository", "two splits"])
def test_card_figures_equal_the_data(project: str, tmp_path: Path) -> None:
    root = ROOT if project == "repository" else two_split_project(tmp_path / "p")
    docs = load_project(root=root).documents
    stats = split_stats(docs)
    groups = by_split(docs)
    rows = {"documents": {split: len(groups.get(split, [])) for split in SPLITS}}
    values = placeholders(
        root=root,
        version="0.0.0",
        stats=stats,
        rows=rows,
        documents=_meta(docs),
        example=docs[0],
        baselines={split: baseline_scores(group) for split, group in groups.items()},
    )
    shown = [split for split in SPLITS_TEST_FIRST if split in groups]
    assert stats["total"] == corpus_stats(docs)
    for key, value in stats["total"].items():
        rendered = values[key.replace(" ", "_")]
        if isinstance(value, dict):
            assert rendered.splitlines()[0] == f"| {key.split(' by ')[1]} | " + " | ".join(shown) + " | total |"  # the held-out split first
            for label, count in value.items():
                per_split = " | ".join(str(corpus_stats(groups[s])[key].get(label, 0)) for s in shown)
                assert f"| {label} | {per_split} | {count} |" in rendered
        else:
            assert rendered == str(value)
            per_split = " | ".join(str(corpus_stats(groups[s])[key]) for s in shown)
            assert f"| {key} | {per_split} | {value} |" in values["figures_by_split"]


def test_card_baseline_table_is_measured(built: Path) -> None:
    from khabar.baselines import BASELINES

    body = (built / "README.md").read_text(encoding="utf-8")
    section = body[body.index("## Baseline results") : body.index("## Citation")]
    for name, (_, _, version) in BASELINES.items():
        assert f"| {name} {version} |" in section or (name in section and "Not run at build time" in section)


def test_card_baseline_tables_per_split_test_first(split_built: Path) -> None:
    body = (split_built / "README.md").read_text(encoding="utf-8")
    section = body[body.index("## Baseline results") : body.index("## Citation")]
    assert section.index("**Split `test`**") < section.index("**Split `dev`**")
    tables = section.split("**Split `")[1:]
    assert all("| string-match-coref 1.0 | coreference |" in t for t in tables)


def test_card_built_readme_has_no_placeholder_left_and_every_config(built: Path) -> None:
    text = (built / "README.md").read_text(encoding="utf-8")
    meta, body = split_front_matter(text)
    assert "${" not in body
    assert [c["config_name"] for c in meta["configs"]] == [c.name for c in CONFIGS]
    assert sum(bool(c.get("default")) for c in meta["configs"]) == 1
    docs = load_project(root=ROOT).documents
    assert meta["size_categories"] == [size_category(len(docs))]
    assert f"Documents: {len(docs)};" in body


@pytest.mark.parametrize("which", ["built", "split_built"])
def test_card_load_examples_run_for_every_config_and_split(which: str, request: pytest.FixtureRequest) -> None:
    built: Path = request.getfixturevalue(which)
    text = (built / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    code = next(b for b in blocks if "load_dataset" in b)
    rows = json.loads((built / "manifest.json").read_text(encoding="utf-8"))["rows"]
    loads = re.findall(r'load_dataset\("[^"]+", "([a-z]+)", split="([a-z]+)"\)', code)
    assert sorted(loads) == sorted((c, s) for c, per in rows.items() for s, n in per.items() if n)
    assert loads[0][1] == next(s for s in SPLITS_TEST_FIRST if rows["documents"][s])  # the held-out split first
    namespace: dict = {}
    exec(compile(code.replace("path/to/khabar", str(built)), "card-example", "exec"), namespace)
    for config, split in loads:
        assert namespace[f"{config}_{split}"].num_rows == rows[config][split]


def test_card_licences_are_mixed_and_listed_per_document(built: Path) -> None:
    from khabar.schema.licences import LICENCE_FILE

    meta, body = split_front_matter((built / "README.md").read_text(encoding="utf-8"))
    assert (meta["license"], meta["license_name"], meta["license_link"]) == ("other", "khabar-mixed", LICENCE_FILE)
    section = body[body.index("## Licences") : body.index("## Changelog")]
    licence_file = (built / LICENCE_FILE).read_text(encoding="utf-8")
    for doc in load_project(root=ROOT).documents:
        row = next(line for line in section.splitlines() if line.startswith(f"| {doc.id} |"))
        assert row in licence_file and f"| {doc.split} |" in row and (doc.attribution or "–") in row
        if doc.licence == "all-rights-reserved":
            assert "not openly licensed" in row and f"`{doc.id}`" in section and "**not openly licensed**" in section


def test_card_no_baselines_says_so_instead_of_a_table(tiny_project: Path, tmp_path: Path) -> None:
    from khabar.cli import main
    from khabar.dataset.card import NO_BASELINES

    out = tmp_path / "built"
    assert main(["--root", str(tiny_project), "build", "--no-baselines", "--no-load", "--quiet", "--out", str(out)]) == 0
    body = (out / "README.md").read_text(encoding="utf-8")
    section = body[body.index("## Baseline results") : body.index("## Citation")]
    assert NO_BASELINES in section and "| system | layer |" not in section


def test_card_contamination_lists_the_texts_also_in_gum(split_project: Path, tmp_path: Path) -> None:
    from khabar.dataset.build import build

    corpus = split_project / "corpus" / "talks.txt"
    corpus.write_text(
        corpus.read_text(encoding="utf-8").replace("split: test\n", "split: test\nprovenance: also in GUM as GUM_news_talks, split dev\n"), encoding="utf-8"
    )
    build(root=split_project, out=tmp_path / "khabar", baselines=False)
    _, body = split_front_matter((tmp_path / "khabar" / "README.md").read_text(encoding="utf-8"))
    section = body[body.index("### Contamination") : body.index("## Baseline results")]
    assert "1 text(s) of Khabar are also in GUM" in section and "OntoGUM" in section
    assert "| talks | test | GUM_news_talks | dev |" in section
    assert "talks-dev" not in section  # no provenance: not listed


def test_card_contamination_reads_name_and_split_from_provenance() -> None:
    from khabar.schema.licences import contamination, contamination_section

    docs = [
        {"id": "b", "split": "test", "provenance": "also in GUM as GUM_news_b, split test"},
        {"id": "a", "split": "dev", "provenance": "also in GUM as GUM_news_a"},
        {"id": "c", "split": "test", "provenance": "first published by a wire service"},
        {"id": "d", "split": "dev", "provenance": None},
    ]
    assert contamination(docs) == [("b", "GUM_news_b", "test"), ("a", "GUM_news_a", None)]  # the held-out split first
    assert "| a | dev | GUM_news_a | not stated |" in contamination_section(docs)
    assert "No document's provenance" in contamination_section(docs[2:])


#: Data that Markdown would take as markup: a script, a table column, code, a link, an entity, a line break.
HOSTILE = {
    "name": "Ismail Khan <script>alert(1)</script> | `code` [link](https://example.org) &amp; \\| *\nnext line",
    "source": "Wire <b onmouseover=alert(1)>x</b> | [click](javascript:alert(1)) `x`\nnext line",
    "attribution": "Reporters & <i>editors</i> | ![img](x.png)\u2028next line",
}


def _rendered_text(markdown: str) -> tuple[str, str]:
    """``markdown`` rendered by a CommonMark renderer with tables (raw HTML on, as on the Hub): its HTML, and its text."""
    import html

    markdown_it = pytest.importorskip("markdown_it")
    page = markdown_it.MarkdownIt("commonmark").enable("table").render(markdown)
    return page, html.unescape(re.sub(r"<[^>]+>", "", page))


def test_card_and_licence_file_show_hostile_data_as_text(tiny_project: Path, tmp_path: Path) -> None:
    from khabar.dataset.build import build
    from khabar.schema.licences import LICENCE_FILE

    annotations, corpus = tiny_project / "annotations" / "talks.yaml", tiny_project / "corpus" / "talks.txt"
    text = annotations.read_text(encoding="utf-8")
    assert text.count("  name: Ismail Khan\n") == 1  # the longest chain's entity, and a member of the group
    annotations.write_text(text.replace("  name: Ismail Khan\n", f"  name: {json.dumps(HOSTILE['name'])}\n"), encoding="utf-8")
    text = corpus.read_text(encoding="utf-8")
    assert text.count("source: Khabar test fixture\n") == 1 and text.count("licence: CC-BY-4.0\n") == 1
    text = text.replace("source: Khabar test fixture\n", f"source: {json.dumps(HOSTILE['source'])}\nattribution: {json.dumps(HOSTILE['attribution'])}\n")
    corpus.write_text(text.replace("licence: CC-BY-4.0\n", "licence: all-rights-reserved\n"), encoding="utf-8")  # its source in prose too
    out = tmp_path / "khabar"
    build(root=tiny_project, out=out, baselines=False)
    _, card = split_front_matter((out / "README.md").read_text(encoding="utf-8"))
    licence = (out / LICENCE_FILE).read_text(encoding="utf-8")
    for markdown, shown in ((card, ("name", "source", "attribution")), (licence, ("source", "attribution"))):
        assert not any(line.startswith("next line") for line in markdown.splitlines())
        page, words = _rendered_text(markdown)
        for key in shown:
            assert " ".join(HOSTILE[key].split()) in words, key  # the data's own text, line breaks as spaces
        assert not re.search(r"<(script|b|i|img)\b", page) and 'href="javascript' not in page and 'href="https://example.org"' not in page
        for table in re.findall(r"<table>.*?</table>", page, flags=re.DOTALL):
            counts = {len(re.findall(r"<t[hd]\b", row)) for row in re.findall(r"<tr>.*?</tr>", table, flags=re.DOTALL)}
            assert len(counts) == 1, table  # no cell split by a `|` of the data
    assert "<script" not in (out / "croissant.json").read_text(encoding="utf-8")


def test_card_baseline_intervals_are_what_evaluate_gives(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The card says its intervals are `khabar evaluate`'s defaults: a baseline's predictions scored by the command give the card's figures."""
    from khabar.cli import main

    body = (built / "README.md").read_text(encoding="utf-8")
    section = body[body.index("**Split `test`**") : body.index("**Split `dev`**")]
    pred = tmp_path / "pred.jsonl"
    assert main(["baseline", "string-match-coref", "--gold", str(built), "--out", str(pred)]) == 0
    capsys.readouterr()
    assert main(["evaluate", "--gold", str(built), "--pred", str(pred), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)["coref"]["extent, with singletons"]
    low, high = (100 * scores["conll_f1_ci"][k] for k in ("low", "high"))
    assert low < high  # four test documents: an interval of some width
    row = f"| string-match-coref 1.0 | coreference | CoNLL F1 (extent, with singletons) | – / – / {100 * scores['conll_f1']:.1f} \\[{low:.1f}, {high:.1f}\\] |"
    assert row in section
    lea = scores["lea"]
    assert f"{100 * lea['f1']:.1f} \\[{100 * lea['ci']['low']:.1f}, {100 * lea['ci']['high']:.1f}\\] |" in section
