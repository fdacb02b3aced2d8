"""Croissant 1.0 metadata (``croissant.json``) for the built dataset folder.

One ``cr:FileSet`` per config (its parquet shards of every split, by a relative
glob) and one ``cr:RecordSet`` per config, with a ``cr:Field`` per top-level
column. Configs without rows have no files and are left out, as in the card's
``configs``. The ``documents`` record set carries each document's ``split`` and
``licence`` (they are columns); every other record set has a ``split`` field
read from each row's file name (``<split>-*.parquet``, a ``fileProperty`` with a
``regex`` transform); ``license`` lists the licence of the annotations
and of every text in use (:func:`khabar.schema.licences.licences_in_use`).

How ``datasets`` features map to fields (chosen so that ``mlcroissant``, the
reference reader, reads every record back):

* ``Value`` -> ``sc:Text``, ``sc:Integer``, ``sc:Float``, ``sc:Boolean``,
  ``sc:Date`` or ``sc:DateTime``; ``ClassLabel`` -> ``sc:Integer`` (the label
  names are in the field's description, in index order).
* ``List`` of scalars -> ``repeated: true`` with the scalar's type. Lists of
  lists (``coref``'s ``sentences`` and ``clusters``) are ``repeated`` too:
  Croissant 1.0 cannot state the depth, so the description does, and
  ``mlcroissant`` returns the nested lists as they are.
* A struct -> a field with one ``subField`` per key; a list of structs -> the
  same, ``repeated: true``. Each sub-field reads the parent's column and picks
  its key with a ``jsonPath`` transform.
* A struct or list of structs *inside* a list of structs (the ``cue``,
  ``source`` and ``content`` fragments of ``documents``' ``attributions``) is
  beyond what ``mlcroissant`` reads (it keeps the first match of a path); those
  sub-fields are left out and the parent's description names them. The same
  fragments are top-level columns of the ``attributions`` record set.

The output is deterministic: no timestamps; :func:`dumps` sorts keys.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from datasets import ClassLabel, Value

from khabar.io.cardfile import split_front_matter
from khabar.io.citation import ProjectMeta
from khabar.schema.labels import SPLITS, SPLITS_TEST_FIRST
from khabar.schema.licences import Meta, licences_in_use
from khabar.views.configs import CONFIGS

FILE = "croissant.json"
PARQUET = "application/x-parquet"
CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
DEFAULT_TERMS = "The annotations are released under CC BY 4.0. Each text keeps its own licence, listed per document in LICENSE.md."
DESCRIPTION = (
    "Khabar: a hand-annotated newswire benchmark with entities, coreference, relations and attribution; every task config has "
    "a dev and a test split (the split of a row is the first part of its file's name, and a column of `documents`)."
)

#: The recommended Croissant 1.0 JSON-LD context (as the spec's appendix and mlcroissant give it).
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

_TYPES = (
    ("string", "sc:Text"),
    ("int", "sc:Integer"),
    ("uint", "sc:Integer"),
    ("float", "sc:Float"),
    ("bool", "sc:Boolean"),
    ("date", "sc:Date"),
    ("timestamp", "sc:DateTime"),
)


def _scalar_type(feature: Any) -> str:
    if isinstance(feature, ClassLabel):
        return "sc:Integer"
    if isinstance(feature, Value):
        dtype = "string" if feature.dtype == "large_string" else feature.dtype
        for prefix, data_type in _TYPES:
            if dtype.startswith(prefix):
                return data_type
    raise TypeError(f"no Croissant dataType for feature {feature!r}")


def _unwrap(feature: Any) -> tuple[Any, int]:
    """The innermost feature of nested lists, and how many lists wrap it."""
    depth = 0
    while isinstance(feature, list) or (hasattr(feature, "feature") and not isinstance(feature, dict)):
        feature = feature[0] if isinstance(feature, list) else feature.feature
        depth += 1
    return feature, depth


def _describe(feature: Any, depth: int) -> str | None:
    parts = []
    if depth > 1:
        parts.append(f"A list nested {depth} deep (lists of lists); Croissant 1.0 states only that the field repeats.")
    if isinstance(feature, ClassLabel):
        parts.append("Class indices; the names, in index order: " + ", ".join(feature.names) + ".")
    return " ".join(parts) or None


def _field(*, fid: str, name: str, feature: Any, source: dict[str, Any], nested: bool) -> dict[str, Any] | None:
    """A ``cr:Field`` for ``feature``; None for a struct nested where mlcroissant cannot read it."""
    inner, depth = _unwrap(feature)
    field: dict[str, Any] = {"@type": "cr:Field", "@id": fid, "name": name}
    if depth:
        field["repeated"] = True
    if not isinstance(inner, dict):
        field["dataType"] = _scalar_type(inner)
        field["source"] = source
        if (text := _describe(inner, depth)) is not None:
            field["description"] = text
        return field
    if nested or depth > 1:
        return None
    subs, left_out = [], []
    for key, sub in inner.items():
        made = _field(fid=f"{fid}/{key}", name=key, feature=sub, source={**source, "transform": {"jsonPath": key}}, nested=True)
        if made is None:
            left_out.append(key)
        else:
            subs.append(made)
    field["subField"] = subs
    if left_out:
        field["description"] = (
            f"The nested lists of records {', '.join(f'`{k}`' for k in left_out)} are not described here (mlcroissant cannot read records nested two deep); read them from the parquet column `{name}` directly."
        )
    return field


def record_set(*, name: str, description: str, features: Mapping[str, Any]) -> dict[str, Any]:
    fields = []
    for column, feature in features.items():
        source = {"fileSet": {"@id": f"{name}-parquet"}, "extract": {"column": column}}
        made = _field(fid=f"{name}/{column}", name=column, feature=feature, source=source, nested=False)
        if made is None:  # a list of lists of records: no Croissant 1.0 shape a reader can read
            raise TypeError(f"config {name!r}: column {column!r} ({feature!r}) has no readable Croissant field; flatten it or extend khabar.dataset.croissant")
        fields.append(made)
    if "split" not in features:  # each row's split, from its file's name (``documents`` has it as a column)
        fields.append(
            {
                "@type": "cr:Field",
                "@id": f"{name}/split",
                "name": "split",
                "dataType": "sc:Text",
                "description": "The row's split: the first part of its parquet file's name.",
                "source": {
                    "fileSet": {"@id": f"{name}-parquet"},
                    "extract": {"fileProperty": "filename"},
                    "transform": {"regex": rf"^({'|'.join(SPLITS)})-.*\.parquet$"},
                },
            }
        )
    rs: dict[str, Any] = {"@type": "cr:RecordSet", "@id": name, "name": name, "description": description, "field": fields}
    if "id" in features:
        rs["key"] = {"@id": f"{name}/id"}
    return rs


def croissant_metadata(
    *, version: str, configs_rows: Mapping[str, Mapping[str, int]], files: Sequence[str], card_meta: Mapping[str, Any], documents: Sequence[Meta] = ()
) -> dict[str, Any]:
    """Croissant 1.0 JSON-LD describing every config that has rows.

    ``configs_rows``: rows per config per split. ``documents``: each document's front matter (for the licences in use).
    ``files``: the parquet files, relative to the dataset folder (``data/<config>/<split>-*.parquet``).
    ``card_meta``: the card's YAML front matter; ``pretty_name``, ``license``,
    ``license_details``, ``language``, ``tags``, ``task_ids``, ``url`` (the repository, when known), ``creators``
    (organisations' names), ``citation`` (a BibTeX entry) and ``date_published`` (the release date) are used."""
    distribution, record_sets = [], []
    for cfg in CONFIGS:
        splits = [split for split in SPLITS_TEST_FIRST if configs_rows.get(cfg.name, {}).get(split)]
        if not splits:
            continue
        pattern = f"data/{cfg.name}/*.parquet"
        if not any(re.fullmatch(rf"data/{re.escape(cfg.name)}/[^/]+\.parquet", f) for f in files):
            raise ValueError(f"config {cfg.name!r} has rows {dict(configs_rows[cfg.name])} but no file matches {pattern}")
        distribution.append(
            {
                "@type": "cr:FileSet",
                "@id": f"{cfg.name}-parquet",
                "name": f"{cfg.name}-parquet",
                "description": f"The parquet shards of the `{cfg.name}` config, splits {', '.join(f'`{s}`' for s in splits)} "
                "(each file's name starts with its split).",
                "encodingFormat": PARQUET,
                "includes": pattern,
            }
        )
        record_sets.append(record_set(name=cfg.name, description=cfg.description, features=cfg.features()))
    terms = str(card_meta.get("license_details") or DEFAULT_TERMS)
    name = str(card_meta.get("pretty_name") or "Khabar")
    meta: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": name,
        "description": f"{DESCRIPTION} Licensing: {terms}",
        "license": licences_in_use(documents),
        "version": version,
        "citeAs": str(card_meta.get("citation") or f"{name}, version {version}."),
        "keywords": sorted({*map(str, card_meta.get("tags") or []), *map(str, card_meta.get("task_ids") or [])}),
        "distribution": distribution,
        "recordSet": record_sets,
    }
    if card_meta.get("language"):
        meta["inLanguage"] = list(map(str, card_meta["language"]))
    if card_meta.get("date_published"):
        meta["datePublished"] = str(card_meta["date_published"])
    if card_meta.get("url"):
        meta["url"] = str(card_meta["url"])
    if card_meta.get("creators"):
        meta["creator"] = [{"@type": "sc:Organization", "name": str(c)} for c in card_meta["creators"]]
    return meta


def dumps(meta: Mapping[str, Any]) -> str:
    return json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def citation(card_body: str) -> str | None:
    """The first ```bibtex block of the card's body, if any."""
    found = re.search(r"```bibtex\n(.*?)\n```", card_body, re.DOTALL)
    return found[1].strip() if found else None


def released(card_body: str, version: str) -> str | None:
    """The date of ``version``'s section in the card's rendered changelog (``## [0.1.0] - 2026-11-24``)."""
    found = re.search(rf"^#+ \[{re.escape(version)}\] - (\d{{4}}-\d{{2}}-\d{{2}})\s*$", card_body, re.MULTILINE)
    return found[1] if found else None


def write_croissant(
    *, folder: Path, version: str, rows: Mapping[str, Mapping[str, int]], files: Sequence[Path], documents: Sequence[Meta], project: ProjectMeta | None = None
) -> Path:
    """Write ``croissant.json`` into the (staged) dataset ``folder``, from its rendered README.md and the ``project``'s
    repository URL and creators (:func:`khabar.io.citation.project_meta`)."""
    readme = folder / "README.md"
    front, body = split_front_matter(readme.read_text(encoding="utf-8"), shown=readme.as_posix())
    card_meta = {**front, "citation": citation(body), "date_published": released(body, version)}
    if project is not None:
        card_meta |= {"url": project.repository, "creators": project.creators}
    relative = sorted(p.relative_to(folder).as_posix() for p in files)
    path = folder / FILE
    path.write_text(dumps(croissant_metadata(version=version, configs_rows=rows, files=relative, card_meta=card_meta, documents=documents)), encoding="utf-8")
    return path
