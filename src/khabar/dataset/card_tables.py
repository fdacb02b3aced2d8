"""The card's tables of figures per split (the held-out split first) and in total, from the data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from khabar.core.markdown import code, table
from khabar.schema.labels import SPLITS_TEST_FIRST
from khabar.views.configs import CONFIGS
from khabar.views.stats import BY_LABEL, TOTALS

#: khabar.views.stats.split_stats: {"total": figures, "splits": {split: figures}}
SplitStats = Mapping[str, Any]


def _splits(stats: SplitStats) -> list[str]:
    return [s for s in SPLITS_TEST_FIRST if s in stats["splits"]]


def figures_table(stats: SplitStats) -> str:
    """The totals (documents, sentences, ..., attributions), one column per split and one for the whole."""
    splits = _splits(stats)
    rows = [(figure, *(stats["splits"][s][figure] for s in splits), stats["total"][figure]) for figure in TOTALS]
    return table(("figure", *splits, "total"), rows, numeric=(False, *(True for _ in splits), True))


def label_table(stats: SplitStats, figure: str) -> str:
    """One of :data:`~khabar.views.stats.BY_LABEL` (``mentions by kind``, ...), one column per split and one for the whole."""
    total: dict[str, int] = stats["total"][figure]
    if not total:
        return "_none yet_"
    splits = _splits(stats)
    rows = [(label, *(stats["splits"][s][figure].get(label, 0) for s in splits), n) for label, n in total.items()]
    return table((figure.split(" by ")[1], *splits, "total"), rows, numeric=(False, *(True for _ in splits), True))


def stat_placeholders(stats: SplitStats) -> dict[str, str]:
    """``${documents}`` ... (totals, as text) and ``${mentions_by_kind}`` ... (tables per split), and ``${figures_by_split}``."""
    values = {figure.replace(" ", "_"): str(stats["total"][figure]) for figure in TOTALS}
    values |= {figure.replace(" ", "_"): label_table(stats, figure) for figure in BY_LABEL}
    values["figures_by_split"] = figures_table(stats)
    return values


def present(rows: Mapping[str, Mapping[str, int]]) -> list[str]:
    """The splits with rows in any config, the held-out split first."""
    return [s for s in SPLITS_TEST_FIRST if any(per.get(s) for per in rows.values())]


def rows_table(rows: Mapping[str, Mapping[str, int]]) -> str:
    """Rows per config per split (``manifest.json``'s ``rows``)."""
    splits = present(rows)
    if not splits:
        return "_No rows yet._"
    body = [(code(cfg.name), *(rows.get(cfg.name, {}).get(s, 0) for s in splits)) for cfg in CONFIGS]
    note = "A split with no rows for a config is left out of that config (`datasets` cannot load an empty split)."
    return table(("config", *(f"rows ({s})" for s in splits)), body, numeric=(False, *(True for _ in splits))) + "\n\n" + note


def load_example(rows: Mapping[str, Mapping[str, int]]) -> str:
    """The card's loading example: every config with rows, for each split it has (the held-out split first)."""
    lines = ["from datasets import load_dataset", ""]
    for split in present(rows):
        for cfg in CONFIGS:
            if rows.get(cfg.name, {}).get(split):
                default = "   # the default config" if cfg.name == "documents" else ""
                lines.append(f'{cfg.name}_{split} = load_dataset("path/to/khabar", "{cfg.name}", split="{split}"){default}')
        lines.append("")
    return "\n".join(lines).rstrip()
