"""Rendering ``dataset_card.md`` into the built ``README.md``.

The template's YAML front matter holds the human-written Hub metadata; the
build adds ``configs`` and ``dataset_info`` per split (features generated from
the same ``Features`` objects the parquet files carry) and the licence metadata
(``license: other``, linking to the ``LICENSE.md`` it writes: see :mod:`khabar.schema.licences`). The body's ``${name}``
placeholders are filled from the data; a placeholder the build does not know
is an error, so no figure is ever typed by hand.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from datasets import DatasetInfo

from khabar.baselines.scores import BaselineScores, baselines_markdown
from khabar.core.findings import KhabarError, finding
from khabar.dataset.card_examples import examples_markdown
from khabar.dataset.card_tables import load_example, rows_table, stat_placeholders
from khabar.evaluate.agreement_report import agreement_markdown
from khabar.io.cardfile import CARD, render_front_matter, split_front_matter
from khabar.io.changelog import changelog_text, release_date
from khabar.io.citation import CITATION, ProjectMeta, bibtex, project_meta
from khabar.io.guards import require_project_file
from khabar.schema.labels import NER_LABELS, SPLITS
from khabar.schema.licences import Meta, card_licence, contamination_section, licences_section
from khabar.schema.model import Document
from khabar.views.configs import CONFIGS

#: Rows per config per split (``manifest.json``'s ``rows``); the figures of :func:`khabar.views.stats.split_stats`.
Rows = Mapping[str, Mapping[str, int]]
SplitStats = Mapping[str, Any]

PASSES = Path("annotations") / "passes"


def agreement_section(root: Path) -> str:
    """Agreement of the two independent passes, measured now, per split; never typed in."""
    first, second = root / PASSES / "first", root / PASSES / "second"
    if not any(first.glob("*.yaml")) or not any(second.glob("*.yaml")):
        return "No pair of independent annotation passes is in the repository, so no agreement is reported."

    return agreement_markdown(root=root, first=first, second=second)


def size_category(documents: int) -> str:
    """The Hub's size category for a number of rows (here: documents)."""
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if documents < limit:
            return name
    return "n>1M"


#: The card's baselines section when the build was asked not to run them.
NO_BASELINES = (
    "Not computed in this build (`khabar build --no-baselines`). A build without that option, and every "
    "`khabar release`, runs each baseline on every document and fills this table."
)


def placeholders(
    *,
    root: Path,
    version: str,
    stats: SplitStats,
    rows: Rows,
    documents: Sequence[Meta],
    example: Document | None = None,
    baselines: Mapping[str, BaselineScores] | None = None,
    project: ProjectMeta | None = None,
) -> dict[str, str]:
    """Every ``${name}`` of the card template. ``stats``: :func:`khabar.views.stats.split_stats`; ``rows``: rows per
    config per split; ``documents``: each document's front matter; ``baselines``: the scores per split for the
    baseline tables (:func:`khabar.baselines.scores.baseline_scores`), None when not computed; ``project``: the
    project's metadata (:func:`khabar.io.citation.project_meta`), read from ``root`` when not given."""
    values: dict[str, str] = {
        "version": version,
        "release_date": release_date(root, version) or "unreleased",
        "ner_label_count": str(len(NER_LABELS)),
        "examples": examples_markdown(example),
        **stat_placeholders(stats),
        "rows_table": rows_table(rows),
        "load_example": load_example(rows),
        "licences": licences_section(documents),
        "contamination": contamination_section(documents),
    }
    project = project or project_meta(root)
    values["creators"] = " and ".join(project.creators) or "the Khabar maintainers"
    values["repository"] = project.repository or "the Khabar git repository"
    values["documentation"] = project.documentation or "the repository's README.md and docs/"
    values["issues"] = project.issues or "the repository's issue tracker"
    values["citation"] = bibtex(project)
    values["citation_text"] = (
        f"{values['creators']}. {project.title}. Version {version}"
        + (f", {project.released[:4]}" if project.released else "")
        + "."
        + (f" {project.repository}." if project.repository else "")
        + f" The repository's `{CITATION}` says the same; the licences of the texts are listed per document below."
    )
    values["baselines"] = NO_BASELINES if baselines is None else baselines_markdown(baselines, khabar_version=version)
    values["changelog"] = changelog_text(root)
    values["agreement"] = agreement_section(root)
    return values


def metadata(front: dict[str, Any], *, rows: Rows, files: list[Path], stage: Path, documents: Sequence[Meta]) -> dict[str, Any]:
    """The card's YAML: the template's, the licence metadata (:func:`khabar.schema.licences.card_licence`), and per config its
    ``data_files`` and ``dataset_info`` per split (a split without rows left out, a config without any too).

    Every size is measured from the files: a split's ``num_bytes`` (which ``datasets`` requires) is the Arrow size of
    its files' rows, as ``datasets`` records it when it prepares the split; ``dataset_size`` their sum;
    ``download_size`` the parquet files' bytes."""
    meta = {**dict(front), **card_licence(documents)}
    meta["size_categories"] = [size_category(sum(rows.get("documents", {}).values()))]
    shards: dict[tuple[str, str], list[Path]] = {}  # (config, split) -> its files, named <split>-*.parquet
    for p in files:
        shards.setdefault((p.parent.name, p.name.split("-", 1)[0]), []).append(p)
    built = [(cfg, [s for s in SPLITS if rows.get(cfg.name, {}).get(s)]) for cfg in CONFIGS]
    built = [(cfg, splits) for cfg, splits in built if splits]
    sizes = {key: sum(pq.read_table(p).nbytes for p in paths) for key, paths in shards.items()}
    meta["configs"] = [
        {
            "config_name": cfg.name,
            # The exact, content-named files (see khabar.dataset.build.content_named), not a glob.
            "data_files": [{"split": s, "path": sorted(p.relative_to(stage).as_posix() for p in shards[(cfg.name, s)])} for s in splits],
            **({"default": True} if cfg.name == "documents" else {}),
        }
        for cfg, splits in built
    ]
    meta["dataset_info"] = [
        {
            "config_name": cfg.name,
            **DatasetInfo(features=cfg.features())._to_yaml_dict(),
            "splits": [{"name": s, "num_bytes": sizes[(cfg.name, s)], "num_examples": rows[cfg.name][s]} for s in splits],
            "download_size": sum(p.stat().st_size for s in splits for p in shards[(cfg.name, s)]),
            "dataset_size": sum(sizes[(cfg.name, s)] for s in splits),
        }
        for cfg, splits in built
    ]
    return meta


def render_card(
    *,
    root: Path,
    version: str,
    stats: SplitStats,
    rows: Rows,
    files: list[Path],
    stage: Path,
    documents: Sequence[Meta],
    example: Document | None = None,
    baselines: Mapping[str, BaselineScores] | None = None,
    project: ProjectMeta | None = None,
) -> str:
    """The card, showing ``example``, with the baseline tables of ``baselines`` (see :func:`placeholders`)."""
    template = require_project_file(root, CARD)
    if template is None:
        raise KhabarError([finding("file-missing", f"expected the card template {CARD}; found none (restore it from git)", path=CARD, line=1)])
    front, body = split_front_matter(template)
    try:
        filled = string.Template(body).substitute(
            placeholders(root=root, version=version, stats=stats, rows=rows, documents=documents, example=example, baselines=baselines, project=project)
        )
    except (KeyError, ValueError) as exc:
        raise KhabarError(
            [
                finding(
                    "yaml-unknown-key",
                    f"the card uses placeholder {exc} that the build does not provide; use one of the names in khabar.dataset.card.placeholders",
                    path=CARD,
                    line=1,
                )
            ]
        ) from None
    header = render_front_matter(metadata(front, rows=rows, files=files, stage=stage, documents=documents))
    return f"---\n{header}---\n{filled}"
