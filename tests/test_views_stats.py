"""The card's figures (:mod:`khabar.views.stats`) checked by an independent route.

Every figure is counted again here from the annotation files as plain YAML (:func:`read_sources`; for generated
documents, their annotation file rendered and parsed back), by code that shares nothing with the module: an entity
is a singleton when exactly one mention names it, a group when it lists members, and the flat NER layer is the
published views' test's own route (:func:`ner_spans`). Only tokens and sentences come from the tokenizer, which is
the figures' input, not their work.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, text_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_views_published import Source, ner_documents, ner_spans, read_sources, source_of, synthetic_documents

from khabar.io import load_project
from khabar.schema.labels import SPLITS
from khabar.schema.model import Document
from khabar.views.stats import BY_LABEL, TOTALS, corpus_stats, document_counts, split_stats, split_stats_from_counts, stats_from_counts

#: The label each by-label figure counts, per layer of the annotation file (``ner`` is the derived flat layer).
LABELLED = {
    "mentions by kind": ("mentions", "kind"),
    "entities by type": ("entities", "type"),
    "values by type": ("values", "type"),
    "ner spans by label": ("ner", "label"),
    "relations by label": ("relations", "label"),
    "attributions by type": ("attributions", "type"),
}


def layers(src: Source) -> dict[str, list[dict[str, Any]]]:
    keys = ("entities", "mentions", "values", "relations", "attributions")
    return {**{key: src.layer(key) for key in keys}, "ner": ner_spans(src)}


def expected_figures(sources: list[Source]) -> dict[str, Any]:
    """The card's figures of ``sources``, counted from their files; labels with no item are left out."""
    totals: Counter[str] = Counter()
    labels: dict[str, Counter[str]] = {figure: Counter() for figure in LABELLED}
    for src in sources:
        items = layers(src)
        named = [m["entity"] for m in items["mentions"]]
        totals.update(
            {
                "documents": 1,
                "sentences": len(src.sentences()),
                "tokens": len(src.tokens()),
                "characters": len(src.text),
                "entities": len(items["entities"]),
                "group entities": len([e for e in items["entities"] if e.get("members")]),
                "singleton entities": len([e for e in items["entities"] if named.count(e["id"]) == 1]),
                "mentions": len(items["mentions"]),
                "values": len(items["values"]),
                "ner spans": len(items["ner"]),
                "relations": len(items["relations"]),
                "attributions": len(items["attributions"]),
            }
        )
        for figure, (layer, key) in LABELLED.items():
            labels[figure].update(item[key] for item in items[layer])
    out: dict[str, Any] = {figure: totals[figure] for figure in TOTALS}
    out.update({figure: {label: labels[figure][label] for label in sorted(labels[figure])} for figure in LABELLED})
    return out


def project(root: Any) -> tuple[list[Document], list[Source]]:
    docs = sorted(load_project(root=root).documents, key=lambda d: d.id)
    sources = read_sources(root)
    assert [s.meta["id"] for s in sources] == [d.id for d in docs]
    return docs, sources


def as_lists(figures: dict[str, Any]) -> dict[str, Any]:
    """Figures with each by-label mapping as its list of items, so that a comparison also sees their order."""
    return {key: list(value.items()) if isinstance(value, dict) else value for key, value in figures.items()}


@pytest.mark.parametrize("root", [ROOT, FIXTURES / "valid"], ids=["repository", "fixture"])
def test_views_stats_corpus_figures_equal_the_annotation_files(root: Any) -> None:
    docs, sources = project(root)
    figures = corpus_stats(docs)
    assert list(figures) == [*TOTALS, *BY_LABEL]
    assert as_lists(figures) == as_lists(expected_figures(sources))
    assert figures["group entities"] and figures["singleton entities"] < figures["entities"], "the corpus would not tell the figures apart"


@pytest.mark.parametrize("root", [ROOT, FIXTURES / "valid"], ids=["repository", "fixture"])
def test_views_stats_split_figures_equal_the_annotation_files_of_each_split(root: Any) -> None:
    docs, sources = project(root)
    figures = split_stats(docs)
    present = [split for split in SPLITS if any(s.meta["split"] == split for s in sources)]
    assert list(figures) == ["total", "splits"]
    assert list(figures["splits"]) == present
    assert as_lists(figures["total"]) == as_lists(expected_figures(sources))
    for split in present:
        assert as_lists(figures["splits"][split]) == as_lists(expected_figures([s for s in sources if s.meta["split"] == split]))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 4))
def test_views_stats_figures_of_generated_documents_equal_their_files(seed: int, n: int) -> None:
    docs = synthetic_documents(seed, n)
    sources = [source_of(d) for d in docs]
    assert as_lists(corpus_stats(docs)) == as_lists(expected_figures(sources))
    figures = split_stats(docs)
    assert list(figures["splits"]) == [split for split in SPLITS if any(d.split == split for d in docs)]
    for split, part in figures["splits"].items():
        assert as_lists(part) == as_lists(expected_figures([s for s in sources if s.meta["split"] == split]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=ner_documents())
def test_views_stats_ner_figures_of_nested_and_adjacent_names_equal_their_files(doc: Document) -> None:
    """Names nested in names (only the outer one is a flat NER span), names of OTHER type (none), values (all)."""
    assert as_lists(corpus_stats([doc])) == as_lists(expected_figures([source_of(doc)]))


def test_views_stats_document_counts_key_totals_by_an_empty_label() -> None:
    [doc] = synthetic_documents(5, 1)
    counts = document_counts(doc)
    assert {figure for figure, label in counts if label == ""} == set(TOTALS)
    assert {figure for figure, label in counts if label != ""} <= set(BY_LABEL)
    assert counts[("documents", "")] == 1
    assert counts[("mentions", "")] == sum(n for (figure, _), n in counts.items() if figure == "mentions by kind")


def test_views_stats_an_entity_without_mentions_is_no_singleton_and_members_make_a_group() -> None:
    """Three entities: one named twice, one once, one never (and a group of the first two); one singleton."""
    from khabar.schema.model import Entity, Mention

    text = "Ahmad met Ali. Ahmad left.\n"
    entities = (
        Entity("ahmad", "PERSON", "Ahmad"),
        Entity("ali", "PERSON", "Ali"),
        Entity("nobody", "PERSON", "Nobody"),
        Entity("both", "PERSON", "Ahmad and Ali", ("ahmad", "ali")),
    )
    mentions = (
        Mention("m1", "ahmad", "NAM", 0, 5, "Ahmad", 0, 5),
        Mention("m2", "ali", "NAM", 10, 13, "Ali", 10, 13),
        Mention("m3", "ahmad", "NAM", 15, 20, "Ahmad", 15, 20),
    )
    figures = corpus_stats([text_document(doc_id="talks", text=text, entities=entities, mentions=mentions)])
    assert (figures["entities"], figures["group entities"], figures["singleton entities"], figures["mentions"]) == (4, 1, 1, 3)
    assert figures["mentions by kind"] == {"NAM": 3}
    assert figures["ner spans by label"] == {"PERSON": 3}
    assert figures["values by type"] == {} and figures["relations"] == 0


def test_views_stats_labels_counted_zero_are_left_out_and_labels_are_sorted() -> None:
    counts: Counter[tuple[str, str]] = Counter({("entities", ""): 3, ("entities by type", "PERSON"): 2, ("entities by type", "GPE"): 1})
    counts[("entities by type", "ORG")] = 0
    figures = stats_from_counts(counts)
    assert list(figures["entities by type"].items()) == [("GPE", 1), ("PERSON", 2)]
    assert figures["entities"] == 3
    assert all(figures[figure] == 0 for figure in TOTALS if figure != "entities")
    assert all(figures[figure] == {} for figure in BY_LABEL if figure != "entities by type")


def test_views_stats_splits_without_documents_are_left_out_and_the_total_sums_the_splits() -> None:
    dev = Counter({("documents", ""): 2, ("tokens", ""): 10, ("values by type", "DATE"): 1})
    test = Counter({("documents", ""): 3, ("tokens", ""): 5, ("values by type", "DATE"): 2, ("values by type", "MONEY"): 4})
    figures = split_stats_from_counts({"test": test, "dev": dev})
    assert list(figures["splits"]) == list(SPLITS) == ["dev", "test"]
    assert figures["total"]["documents"] == 5 and figures["total"]["tokens"] == 15
    assert figures["total"]["values by type"] == {"DATE": 3, "MONEY": 4}
    assert figures["splits"]["dev"]["values by type"] == {"DATE": 1}
    assert list(split_stats_from_counts({"test": test, "dev": Counter()})["splits"]) == ["test"]
    assert split_stats_from_counts({}) == {"total": stats_from_counts(Counter()), "splits": {}}
