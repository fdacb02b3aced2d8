"""The dataset card: every figure comes from the data; its examples run."""

from __future__ import annotations

import re
from pathlib import Path

from khabar.card import placeholders, size_category, split_front_matter
from khabar.card_baselines import baseline_scores
from khabar.io import load_project
from khabar.stats import corpus_stats
from khabar.views import CONFIGS

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


def test_card_figures_equal_the_data() -> None:
    docs = load_project(root=ROOT).documents
    stats = corpus_stats(docs)
    values = placeholders(root=ROOT, version="0.0.0", stats=stats, rows={"documents": len(docs)}, example=docs[0], baselines=baseline_scores(docs))
    for key, value in stats.items():
        rendered = values[key.replace(" ", "_")]
        if isinstance(value, dict):
            for label, count in value.items():
                assert f"| {label} | {count} |" in rendered
        else:
            assert rendered == str(value)


def test_card_baseline_table_is_measured(built: Path) -> None:
    from khabar.baselines import BASELINES

    body = (built / "README.md").read_text(encoding="utf-8")
    section = body[body.index("## Baseline results") : body.index("## Licensing")]
    for name, (_, _, version) in BASELINES.items():
        assert f"| {name} {version} |" in section or (name in section and "Not run at build time" in section)


def test_card_built_readme_has_no_placeholder_left_and_every_config(built: Path) -> None:
    text = (built / "README.md").read_text(encoding="utf-8")
    meta, body = split_front_matter(text)
    assert "${" not in body
    assert [c["config_name"] for c in meta["configs"]] == [c.name for c in CONFIGS]
    assert sum(bool(c.get("default")) for c in meta["configs"]) == 1
    docs = load_project(root=ROOT).documents
    assert meta["size_categories"] == [size_category(len(docs))]
    assert f"Documents: {len(docs)};" in body


def test_card_load_examples_run_for_every_config(built: Path, monkeypatch) -> None:
    text = (built / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    code = next(b for b in blocks if "load_dataset" in b)
    assert {c.name for c in CONFIGS} <= set(re.findall(r'load_dataset\("[^"]+", "([a-z]+)"', code))
    namespace: dict = {}
    exec(compile(code.replace("path/to/khabar", str(built)), "card-example", "exec"), namespace)
    assert namespace["docs"].num_rows == len(load_project(root=ROOT).documents)
    assert namespace["ner"].num_rows == sum(len(d.sentences) for d in load_project(root=ROOT).documents)


def test_card_no_baselines_says_so_instead_of_a_table(tiny_project: Path, tmp_path: Path) -> None:
    from khabar.card import NO_BASELINES
    from khabar.cli import main

    out = tmp_path / "built"
    assert main(["--root", str(tiny_project), "build", "--no-baselines", "--no-load", "--quiet", "--out", str(out)]) == 0
    body = (out / "README.md").read_text(encoding="utf-8")
    section = body[body.index("## Baseline results") : body.index("## Licensing")]
    assert NO_BASELINES in section and "| system | layer |" not in section
