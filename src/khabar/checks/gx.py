"""Great Expectations suites over the corpus, flattened into tables.

The one module that calls Great Expectations (pinned ``>=1.20,<2``; its 1.x API
is unlike 0.x). ``tables(documents)`` (:mod:`khabar.checks.gx_tables`) flattens every layer into a pandas table;
``run_suites(documents)`` validates one expectation suite per table in an
ephemeral context (nothing is written to disk) and turns each failing
expectation into findings, one per document, of the ``gx-*`` checks
(group ``tables`` in :mod:`khabar.core.catalogue`).

Rows are keyed by ``document`` + ``id``. ``attributions`` has one row per
fragment (``role``, ``fragment`` index), so its unique key is
``document, id, role, fragment``: every attribution has a cue fragment 0, so a
reused attribution id collides there. Sentences have ordinal ids and are keyed
by ``document, start``. Tokens, machine output and most of the rows (about 700
a document), are not a table of their own: ``documents`` has one row per
document with aggregates of its tokens (count, first start, last end, how many
overlap the one before or are empty), so the suites cost the same per document
at any corpus size. References: ``*_key`` columns (``<document>/<id>``;
document ids cannot contain ``/``) must be keys of the referenced table (see
:func:`suites`). ``item`` is a row's index in its layer, used only to locate
findings.

Great Expectations takes seconds to import, so it is imported inside the
functions: ``import khabar.checks`` stays fast.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from khabar.checks.gx_tables import COLUMNS, tables
from khabar.core.findings import Finding, finding
from khabar.io.progress import Progress, no_progress
from khabar.schema.labels import ATTRIBUTION_ROLES, ATTRIBUTION_TYPES, ENTITY_TYPES, MENTION_KINDS, VALUE_TYPES
from khabar.schema.relations import RELATIONS

if TYPE_CHECKING:
    import pandas as pd

    from khabar.io.project import Locate
    from khabar.schema.model import Document

ANNOTATION_TABLES = ("entities", "mentions", "values", "relations", "attributions")
INDEX_COLUMNS = ("document", "id", "item", "start", "end")  # those a table has identify failing rows
MAX_SENTENCE_TOKENS = 200
MAX_ENTITY_MENTIONS = 200


@dataclass(frozen=True, slots=True)
class Expect:
    """One expectation: its check id, GX class name, arguments and what it expects, in words."""

    check: str
    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    expected: str = ""
    pool: tuple[str, str] | None = None  # (table, column) of the keys a reference column must name


def suites(frames: Mapping[str, pd.DataFrame]) -> dict[str, list[Expect]]:
    """The expectations of every table.

    A reference column must name a key of its ``pool`` table. Great Expectations
    cannot join tables, and a value set of every key of the corpus made each
    expectation's configuration grow with the corpus; GX serialises it hundreds
    of times a run, so validation time grew with the square of the corpus. So
    :func:`check_tables` resolves references against a set of the pool's keys and blanks
    the ones that resolve; the in-set expectation, with an empty set, then fails
    exactly for the rows that name no key, and shows their values."""
    span = [
        Expect("gx-offsets", "ExpectColumnValuesToBeBetween", {"column": "start", "min_value": 0}, "start >= 0"),
        Expect("gx-offsets", "ExpectColumnPairValuesAToBeGreaterThanB", {"column_A": "end", "column_B": "start"}, "start < end"),
        Expect(
            "gx-offsets",
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {"column_A": "text_length", "column_B": "end", "or_equal": True},
            "end <= the length of the document's text",
        ),
    ]

    def unique(*columns: str) -> Expect:
        return Expect("gx-unique-ids", "ExpectCompoundColumnsToBeUnique", {"column_list": list(columns)}, f"unique ({', '.join(columns)})")

    def in_set(check: str, column: str, values: Sequence[str], expected: str) -> Expect:
        return Expect(check, "ExpectColumnValuesToBeInSet", {"column": column, "value_set": list(values)}, expected)

    def labels(column: str, values: Sequence[str]) -> Expect:
        return in_set("gx-label-sets", column, values, f"one of {', '.join(values)}")

    def reference(column: str, pool: str, expected: str) -> Expect:
        return Expect("gx-references", "ExpectColumnValuesToBeInSet", {"column": column, "value_set": []}, expected, (pool, "key"))

    def entity_ref(column: str) -> Expect:
        return reference(column, "entities", "the id of an entity of the same document")

    def between(column: str, high: int) -> Expect:
        return Expect(
            "gx-sanity-ranges", "ExpectColumnValuesToBeBetween", {"column": column, "min_value": 1, "max_value": high}, f"between 1 and {high} {column}"
        )

    return {
        "entities": [unique("document", "id"), labels("type", ENTITY_TYPES), between("mentions", MAX_ENTITY_MENTIONS)],
        "mentions": [
            unique("document", "id"),
            labels("kind", MENTION_KINDS),
            *span,
            Expect("gx-offsets", "ExpectColumnPairValuesAToBeGreaterThanB", {"column_A": "head_end", "column_B": "head_start"}, "head_start < head_end"),
            Expect(
                "gx-offsets",
                "ExpectColumnPairValuesAToBeGreaterThanB",
                {"column_A": "head_start", "column_B": "start", "or_equal": True},
                "the head starts inside the extent",
            ),
            Expect(
                "gx-offsets",
                "ExpectColumnPairValuesAToBeGreaterThanB",
                {"column_A": "end", "column_B": "head_end", "or_equal": True},
                "the head ends inside the extent",
            ),
            entity_ref("entity_key"),
        ],
        "values": [unique("document", "id"), labels("type", VALUE_TYPES), *span],
        "relations": [unique("document", "id"), labels("label", tuple(RELATIONS)), entity_ref("head_key"), entity_ref("tail_key")],
        "attributions": [
            unique("document", "id", "role", "fragment"),
            labels("type", ATTRIBUTION_TYPES),
            labels("role", ATTRIBUTION_ROLES),
            *span,
            entity_ref("source_entity_key"),
            reference("parent_key", "attributions", "the id of an attribution of the same document"),
        ],
        "sentences": [unique("document", "start"), *span, between("tokens", MAX_SENTENCE_TOKENS)],
        "documents": [
            Expect("gx-unique-ids", "ExpectColumnValuesToBeUnique", {"column": "document"}, "one row per document"),
            Expect("gx-offsets", "ExpectColumnValuesToBeBetween", {"column": "first_token_start", "min_value": 0}, "the first token starts at 0 or later"),
            Expect(
                "gx-offsets",
                "ExpectColumnPairValuesAToBeGreaterThanB",
                {"column_A": "text_length", "column_B": "last_token_end", "or_equal": True},
                "the last token ends inside the text",
            ),
            Expect(
                "gx-offsets",
                "ExpectColumnValuesToBeBetween",
                {"column": "overlapping_tokens", "min_value": 0, "max_value": 0},
                "tokens in text order, none overlapping the one before",
            ),
            Expect("gx-offsets", "ExpectColumnValuesToBeBetween", {"column": "empty_tokens", "min_value": 0, "max_value": 0}, "no empty token"),
            Expect("gx-sanity-ranges", "ExpectColumnValuesToBeBetween", {"column": "tokens", "min_value": 1}, "at least one token"),
        ],
    }


def run_suites(documents: Sequence[Document], *, locate: Locate | None = None, progress: Progress = no_progress) -> list[Finding]:
    """Findings of every failing expectation on ``documents``, located by ``locate`` if given."""
    return check_tables(tables(documents), locate=locate, progress=progress)


def check_tables(frames: Mapping[str, pd.DataFrame], *, locate: Locate | None = None, progress: Progress = no_progress) -> list[Finding]:
    """Validate one suite per table of ``frames`` (as :func:`tables` builds them) in an ephemeral context.

    ``locate`` (``Corpus.locate``, or :class:`~khabar.io.project.Rereading`'s
    when the documents are not held) turns a failing row into a file and line."""
    return [f for found in check_some(frames, only=tuple(COLUMNS), locate=locate, progress=progress).values() for f in found]


def pools(table: str) -> tuple[str, ...]:
    """The tables whose keys the references of ``table`` name (see :func:`suites`)."""
    return tuple(dict.fromkeys(e.pool[0] for e in suites({})[table] if e.pool is not None))


def check_some(
    frames: Mapping[str, pd.DataFrame], *, only: Sequence[str], locate: Locate | None = None, progress: Progress = no_progress
) -> dict[str, list[Finding]]:
    """:func:`check_tables` for the tables ``only`` (``frames`` need hold only those and their :func:`pools`), by table.

    The suites of different tables are independent, so they may run in different processes."""
    needed = {t for table in only for t in (table, *pools(table))}
    missing = [f"{name}.{c}" for name in sorted(needed) for c in COLUMNS[name] if name not in frames or c not in frames[name].columns]
    if missing:
        raise ValueError(f"tables lack the columns {', '.join(missing)}; build them with khabar.checks.gx.tables")
    # Great Expectations takes 3 s to import (measured; more under load): here, only the processes that run the suites
    # pay it, not the pipeline's workers, which import this module for the tables they make.
    import great_expectations as gx
    from great_expectations.data_context.types.base import DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig

    # In memory only: no temporary data-docs folder, no analytics, no progress bars.
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    source = context.data_sources.add_pandas("khabar")
    found: dict[str, list[Finding]] = {}
    expectations = suites(frames)
    for table in progress([t for t in COLUMNS if t in only], total=len(only), desc="table suites", unit="table"):
        expects = expectations[table]
        found[table] = []
        frame = _resolved(frames, table, expects)
        suite = context.suites.add(gx.ExpectationSuite(name=table))
        for number, e in enumerate(expects):
            suite.add_expectation(getattr(gx.expectations, e.name)(**e.kwargs, meta={"khabar": number}))
        batch = source.add_dataframe_asset(name=table).add_batch_definition_whole_dataframe(table).get_batch(batch_parameters={"dataframe": frame})
        index = [c for c in INDEX_COLUMNS if c in frame.columns]
        result = batch.validate(suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": index})
        # GX types a result's expectation_config as optional; a suite's results always carry their expectation's.
        failed = sorted(((r.expectation_config.meta["khabar"], r) for r in result.results if not r.success), key=lambda p: p[0])  # type: ignore[union-attr]
        for number, r in failed:
            raised = _raised(r.exception_info)
            if raised is not None:  # a malformed table (wrong dtypes), not a data finding
                raise ValueError(f"table `{table}`: {r.expectation_config.type} could not run: {raised}")  # type: ignore[union-attr]
            found[table] += _findings(table, expects[number], r.expectation_config.type, r.result, locate)  # type: ignore[union-attr]
    return found


def _resolved(frames: Mapping[str, pd.DataFrame], table: str, expects: Sequence[Expect]) -> pd.DataFrame:
    """``frames[table]`` with every reference that names a key of its pool blanked (see :func:`suites`)."""
    frame = frames[table]
    refs = [e for e in expects if e.pool is not None]
    text = pa.large_string()  # the key columns hold strings or None (an all-None column is pandas' object)
    if refs:
        frame = frame.copy()
        for e in refs:
            column, (pool, key) = e.kwargs["column"], e.pool  # type: ignore[misc]
            # In Arrow: pandas' isin on string columns, or a Python set over the column, costs seconds on a large corpus.
            named = pc.is_in(pa.array(frame[column], type=text), value_set=pa.array(frames[pool][key].dropna(), type=text))
            frame[column] = frame[column].mask(named.to_numpy(zero_copy_only=False))
    return frame


def _raised(info: Any) -> str | None:
    """The exception message GX caught, if any (``exception_info`` is flat or keyed by metric)."""
    infos = [info] + list(info.values()) if isinstance(info, dict) else []
    for item in infos:
        if isinstance(item, dict) and item.get("raised_exception"):
            return str(item.get("exception_message"))
    return None


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _show(row: Mapping[str, Any], table: str, columns: Sequence[str]) -> str:
    doc = row.get("document")
    shown = []
    for c in columns:
        if c in row and c not in ("document", "id", "item"):
            value = _plain(row[c])
            if doc is not None and c.endswith("_key") and isinstance(value, str) and value.startswith(f"{doc}/"):
                c, value = c[: -len("_key")], value[len(doc) + 1 :]
            shown.append(f"{c}={value!r}")
    what = f"{row['id']}" if table in ANNOTATION_TABLES else f"#{row.get('id')}"
    return f"{what} ({', '.join(shown)})" if shown else what


def _findings(table: str, e: Expect, etype: str, result: Mapping[str, Any], locate: Locate | None) -> list[Finding]:
    columns = [v for k in ("column", "column_A", "column_B") if (v := e.kwargs.get(k))] + list(e.kwargs.get("column_list", ()))
    args = ", ".join(f"{k}={e.kwargs[k]!r}" for k in ("column", "column_A", "column_B", "column_list") if k in e.kwargs)
    by_doc: dict[str | None, list[Mapping[str, Any]]] = defaultdict(list)
    for row in result.get("unexpected_index_list") or []:
        by_doc[row.get("document")].append(row)
    if not by_doc:
        by_doc[None] = []
    out = []
    for doc, rows in sorted(by_doc.items(), key=lambda kv: kv[0] or ""):
        count = len(rows) if doc is not None else result.get("unexpected_count", 0)
        shown = list(dict.fromkeys(_show(row, table, columns) for row in rows))
        more = ", ..." if len(shown) > 5 else ""
        message = f"table `{table}`: {etype}({args}) fails for {count} row(s); expected {e.expected}; unexpected: {'; '.join(shown[:5]) or 'n/a'}{more}"
        out.append(_locate(e.check, message, table, doc, rows, locate))
    return out


def _locate(check: str, message: str, table: str, doc: str | None, rows: list[Mapping[str, Any]], locate: Locate | None) -> Finding:
    if doc is None:
        return finding(check, message)
    first = rows[0] if rows else {}
    ids = {str(row.get("id")) for row in rows}
    annotation = str(first["id"]) if table in ANNOTATION_TABLES and len(ids) == 1 else None
    span = (int(first["start"]), int(first["end"])) if table not in ANNOTATION_TABLES and "start" in first and "end" in first else None
    if locate is None:
        return finding(check, message, document=doc, annotation=annotation, span=span)
    if table in ANNOTATION_TABLES:
        item = (table, int(first["item"])) if "item" in first else None
        return replace(locate(check, message, document=doc, annotation=str(first["id"]), item=item), annotation=annotation)
    return locate(check, message, document=doc, span=span)
