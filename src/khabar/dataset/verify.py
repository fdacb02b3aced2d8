"""Release checks on a built folder: ``card-features`` and ``build-roundtrip`` (the version checks of a
built folder are :func:`khabar.checks.release.check_versions`'s, which needs no dataset code)."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from datasets import Features, load_dataset

from khabar.checks.release import shown_path
from khabar.core.findings import Finding, finding
from khabar.schema.features import document_features
from khabar.schema.labels import SPLITS
from khabar.schema.model import Document, field_names
from khabar.schema.rows import document_from_row, to_row
from khabar.views.configs import CONFIGS


def _front_matter(text: str) -> str:
    if not text.startswith("---\n") or "\n---\n" not in text[3:]:
        raise ValueError("no YAML front matter between `---` lines")
    return text[4 : text.index("\n---\n", 3) + 1]


def _get(node: Any, key: str) -> Any:
    """The value node of ``key`` in a composed YAML mapping node, or None."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _items(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return [node] if isinstance(node, yaml.MappingNode) else []


def _explain(declared: Any, stored: Any) -> str:
    """What differs between two features; for lists of structs, which fields."""
    inner_d, inner_s = getattr(declared, "feature", None), getattr(stored, "feature", None)
    if isinstance(inner_d, dict) and isinstance(inner_s, dict):
        keys = [k for k in dict.fromkeys([*inner_d, *inner_s]) if inner_d.get(k) != inner_s.get(k)]
        return "; ".join(f"`{k}` is {inner_d.get(k)!r} in the card, {inner_s.get(k)!r} in the file" for k in keys)
    return f"{declared!r} in the card, {stored!r} in the file"


def check_card_features(*, built: Path, shown_as: Path | None = None) -> list[Finding]:
    """Every config's ``dataset_info`` features in README.md equal each of its parquet files' schema.

    ``shown_as``: the folder name to show in findings (the build checks a staging folder)."""
    readme = built / "README.md"
    shown = ((shown_as or built) / "README.md").as_posix()
    try:
        front = _front_matter(readme.read_text(encoding="utf-8"))
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader: a 10,000-document card lists hundreds of files
        meta, tree = yaml.load(front, Loader=loader) or {}, yaml.compose(front, Loader=loader)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        return [finding("card-features", f"cannot read the card's YAML ({exc}); rebuild with `khabar build`", path=shown, line=1)]
    nodes = {_get(n, "config_name").value: n for n in _items(_get(tree, "dataset_info")) if isinstance(_get(n, "config_name"), yaml.ScalarNode)}
    infos = meta.get("dataset_info") or []
    infos = {i.get("config_name"): i for i in ([infos] if isinstance(infos, dict) else infos) if isinstance(i, dict)}
    found: list[Finding] = []
    for config in meta.get("configs") or []:
        name = config.get("config_name")
        node = nodes.get(name)
        at = node.start_mark.line + 2 if node is not None else 2  # README line: the front matter starts on line 2
        if "features" not in infos.get(name, {}):
            found.append(finding("card-features", f"config {name!r} has no `dataset_info` features in the card", path=shown, line=at))
            continue
        try:
            declared = Features._from_yaml_list(infos[name]["features"])
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            found.append(finding("card-features", f"config {name!r}: the card's features do not parse ({exc!r})", path=shown, line=at))
            continue
        lines = {_get(f, "name").value: f.start_mark.line + 2 for f in _items(_get(node, "features")) if isinstance(_get(f, "name"), yaml.ScalarNode)}
        paths = [d["path"] for d in config.get("data_files") or [] if isinstance(d, dict) and d.get("split") in SPLITS]
        patterns = [p for path in paths for p in ([path] if isinstance(path, str) else path)]
        files = sorted(p for pattern in patterns for p in built.glob(pattern))
        if not files:
            found.append(finding("card-features", f"config {name!r} lists data files {patterns} but none exist", path=shown, line=at))
        known: list[tuple[Any, Features]] = []  # (schema, its features): a config's files share one schema
        for file in files:
            schema = pq.read_schema(file)
            stored = next((features for seen, features in known if seen.equals(schema, check_metadata=True)), None)
            if stored is None:
                stored = Features.from_arrow_schema(schema)
                known.append((schema, stored))
            for key in list(declared) + [k for k in stored if k not in declared]:
                if declared.get(key) != stored.get(key):
                    rel = file.relative_to(built).as_posix()
                    found.append(
                        finding(
                            "card-features",
                            f"config {name!r}: the card's `{key}` differs from {rel}: {_explain(declared.get(key), stored.get(key))}; rebuild with `khabar build`",
                            path=shown,
                            line=lines.get(key, at),
                        )
                    )
    return found


@contextlib.contextmanager
def quiet_datasets() -> Iterator[None]:
    """``datasets``' own progress bars off (they drew a blank line a load on a terminal), restored after."""
    was_on = not datasets.are_progress_bars_disabled()
    datasets.disable_progress_bars()
    try:
        yield
    finally:
        if was_on:
            datasets.enable_progress_bars()


def _difference(got: Document, want: Document) -> str:
    a, b = to_row(got), to_row(want)
    fields = [name for name in field_names(Document) if a[name] != b[name]]
    first = fields[0]
    pairs = list(zip(a[first], b[first], strict=False)) if isinstance(a[first], list) else [(a[first], b[first])]
    built_item, annotated = next(((x, y) for x, y in pairs if x != y), (len(a[first]), len(b[first])))
    return f"`{'`, `'.join(fields)}` differ from the annotations (first: {built_item!r} in the build, {annotated!r} annotated)"


def check_roundtrip(
    *, root: Path, built: Path, documents: Sequence[Document] | None = None, ids: Sequence[str] | None = None, shown_as: Path | None = None
) -> list[Finding]:
    """Load ``built`` back with ``datasets``: every config and split has the manifest's row
    count (``rows``: config -> split -> count), and the ``documents`` rows are exact.
    Loads into a throwaway cache.

    Exact means, given ``documents`` (checking a build against the annotations):
    the rows of every split rebuild ``documents``. Given ``ids`` instead (the build, which has
    just written the shards and checked that every row survived Arrow): the
    loaded tables, split after split in :data:`SPLITS` order, equal the shards, compared in
    Arrow, and hold ``ids`` in order."""
    shown = shown_as or Path(shown_path(built, root))
    manifest = shown / "manifest.json"
    try:
        rows = json.loads((built / "manifest.json").read_text(encoding="utf-8"))["rows"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [finding("build-roundtrip", f"cannot read the manifest's row counts ({exc}); rebuild with `khabar build`", path=manifest.as_posix(), line=1)]
    expected = {doc.id: doc for doc in documents or ()}
    found: list[Finding] = []
    with quiet_datasets(), tempfile.TemporaryDirectory(prefix="khabar-roundtrip-") as cache:
        for cfg in CONFIGS:
            where = (shown / "data" / cfg.name).as_posix()
            stated = rows.get(cfg.name) if isinstance(rows, dict) else None
            if not isinstance(stated, dict):
                found.append(
                    finding(
                        "build-roundtrip",
                        f"expected the manifest's rows of {cfg.name!r} per split ({', '.join(SPLITS)}); found {stated!r} (rebuild with `khabar build`)",
                        path=manifest.as_posix(),
                        line=1,
                    )
                )
                continue
            tables, files = [], []
            for split in SPLITS:
                if not stated.get(split):
                    continue  # an empty split has no files and is not in the card (documents missing from it: the comparison below)
                try:
                    loaded = load_dataset(str(built), cfg.name, split=split, cache_dir=cache)
                except Exception as exc:  # whatever stops loading is the finding
                    found.append(finding("build-roundtrip", f"load_dataset(..., {cfg.name!r}, split={split!r}) fails: {type(exc).__name__}: {exc}", path=where))
                    continue
                if loaded.num_rows != stated.get(split):
                    found.append(
                        finding(
                            "build-roundtrip",
                            f"config {cfg.name!r} split {split!r} loads {loaded.num_rows} rows but the manifest states {stated.get(split)}",
                            path=where,
                        )
                    )
                tables.append(loaded)
                files += sorted((built / "data" / cfg.name).glob(f"{split}-*.parquet"))
            if cfg.name == "documents":
                if documents is not None:
                    found += _compare(tables, files, expected, shown=shown, built=built)
                if ids is not None:
                    found += _compare_arrow(tables, files, ids, shown=shown, built=built)
    return found


def _compare(tables: list[Any], files: list[Path], expected: dict[str, Document], *, shown: Path, built: Path) -> list[Finding]:
    """Findings for ``documents`` rows (of every split, ``tables`` loaded from ``files``) that do not rebuild the annotated documents."""
    owners = [f for f in files for _ in range(pq.read_metadata(f).num_rows)]  # row index -> its file
    remaining = dict(expected)
    found: list[Finding] = []
    for index, row in enumerate(row for loaded in tables for row in loaded):
        want = remaining.get(row.get("id"))
        if want is not None and row == to_row(want):
            # The document's own row: it rebuilds the document (document_from_row inverts to_row),
            # known without building it, which costs several times more for every good row.
            del remaining[want.id]
            continue
        path = (shown / owners[index].relative_to(built)).as_posix() if index < len(owners) else (shown / "data" / "documents").as_posix()
        try:
            got = document_from_row(row)
        except (ValueError, TypeError, KeyError) as exc:
            found.append(finding("build-roundtrip", f"row {index} does not rebuild a document: {exc}", path=path, document=row.get("id")))
            continue
        want = remaining.pop(got.id, None)
        if want is None:
            found.append(
                finding(
                    "build-roundtrip",
                    f"row {index} holds document {got.id!r}, which the annotations do not have (or hold once only)",
                    path=path,
                    document=got.id,
                )
            )
        elif got != want:
            found.append(finding("build-roundtrip", f"row {index}: {_difference(got, want)}", path=path, document=got.id))
    for doc_id in remaining:
        found.append(
            finding(
                "build-roundtrip",
                f"document {doc_id!r} is annotated but missing from the build",
                path=(shown / "data" / "documents").as_posix(),
                document=doc_id,
            )
        )
    return found


def _compare_arrow(tables: list[Any], files: list[Path], ids: Sequence[str], *, shown: Path, built: Path) -> list[Finding]:
    """Findings where the loaded ``documents`` tables (every split's, in order) are not the shards' rows, or not ``ids`` in order."""
    schema = document_features().arrow_schema
    table = pa.concat_tables([t.data.table for t in tables]) if tables else schema.empty_table()
    where = (shown / "data" / "documents").as_posix()
    written = pa.concat_tables([pq.read_table(f) for f in files]) if files else schema.empty_table()
    if table.num_rows == written.num_rows and not table.equals(written):
        for start in range(0, table.num_rows, 100):
            got, want = table.slice(start, 100).to_pylist(), written.slice(start, 100).to_pylist()
            index = next((start + i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), None)
            if index is not None:
                a, b = got[index - start], want[index - start]
                fields = [k for k in b if a.get(k) != b[k]]
                return [
                    finding(
                        "build-roundtrip", f"row {index}: `{'`, `'.join(fields)}` load differently from the written shards", path=where, document=b.get("id")
                    )
                ]
    loaded_ids = table.column("id").to_pylist()
    if loaded_ids != list(ids):
        index = next((i for i, (a, b) in enumerate(zip(loaded_ids, ids, strict=False)) if a != b), min(len(loaded_ids), len(ids)))
        return [
            finding("build-roundtrip", f"the documents load as {len(loaded_ids)} rows but {len(ids)} were read; first difference at row {index}", path=where)
        ]
    return []
