"""``khabar diff``: changes between two versions of the annotations, matched by content, not ids."""

from __future__ import annotations

import subprocess
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from khabar.cli import main
from khabar.core.findings import KhabarError
from khabar.io import load_project, render_annotations, render_corpus_file
from khabar.io.corpus_files import DOCUMENT_META
from khabar.pipeline import validate
from khabar.schema.labels import ATTRIBUTION_TYPES, ENTITY_TYPES, VALUE_TYPES
from khabar.schema.model import Document, Fragment
from khabar.schema.relations import RELATIONS
from khabar.workflow.diff import KINDS, Change, diff_annotations, load_revision, report_lines


@pytest.fixture(scope="module")
def gold(project_root: Path) -> Document:
    return min(load_project(root=project_root).documents, key=lambda d: d.id)


def write_project(root: Path, *docs: Document) -> Path:
    (root / "corpus").mkdir(parents=True)
    (root / "annotations").mkdir()
    for doc in docs:
        meta = {key: getattr(doc, key) for key in DOCUMENT_META}
        (root / "corpus" / f"{doc.id}.txt").write_text(render_corpus_file(meta=meta, text=doc.text), encoding="utf-8")
        (root / "annotations" / f"{doc.id}.yaml").write_text(render_annotations(doc), encoding="utf-8")
    return root


def diff_through_files(tmp_path: Path, old: Document | None, new: Document | None) -> list[Change]:
    a = write_project(tmp_path / "old", *([old] if old else []))
    b = write_project(tmp_path / "new", *([new] if new else []))
    return diff_annotations(old=load_revision(root=tmp_path, spec=str(a)), new=load_revision(root=tmp_path, spec=str(b)))


# -- edits of the gold, one change each ------------------------------------------------
def counts(doc: Document) -> Counter[str]:
    return Counter(m.entity for m in doc.mentions)


def referenced(doc: Document) -> set[str]:
    return (
        {r.head for r in doc.relations}
        | {r.tail for r in doc.relations}
        | {a.source_entity for a in doc.attributions}
        | {m for e in doc.entities for m in e.members}
    )


def merged(doc: Document) -> tuple[Document, str, str]:
    """``doc`` with a plain entity folded into another one of its type; (doc, kept, dropped)."""
    n, used = counts(doc), referenced(doc)
    drop = next(
        e
        for e in doc.entities
        if n[e.id] and not e.members and e.id not in used and any(o.type == e.type and o.id != e.id and n[o.id] and not o.members for o in doc.entities)
    )
    keep = next(o for o in doc.entities if o.type == drop.type and o.id != drop.id and n[o.id] and not o.members)
    mentions = tuple(replace(m, entity=keep.id) if m.entity == drop.id else m for m in doc.mentions)
    return replace(doc, entities=tuple(e for e in doc.entities if e is not drop), mentions=mentions), keep.name, drop.name


def without_mention(doc: Document):
    n = counts(doc)
    m = next(m for m in doc.mentions if n[m.entity] >= 3)
    return replace(doc, mentions=tuple(x for x in doc.mentions if x is not m)), m


def case_mention_removed(g: Document):
    smaller, m = without_mention(g)
    return g, smaller, "mention-removed", [m.id, f"'{m.text}'"]


def case_mention_added(g: Document):
    smaller, m = without_mention(g)
    return smaller, g, "mention-added", [m.id, f"'{m.text}'"]


def case_mention_respanned(g: Document):
    spans = {(m.start, m.end) for m in g.mentions}
    m = next(m for m in g.mentions if m.text.startswith("the ") and m.head_start >= m.start + 4 and (m.start + 4, m.end) not in spans)
    new = replace(m, start=m.start + 4, text=m.text[4:])
    return g, replace(g, mentions=tuple(new if x is m else x for x in g.mentions)), "mention-respanned", [f"{m.id} '{m.text}' -> '{m.text[4:]}'"]


def case_mention_kind(g: Document):
    m = next(m for m in g.mentions if m.kind == "NOM")
    return g, replace(g, mentions=tuple(replace(x, kind="NAM") if x is m else x for x in g.mentions)), "mention-kind", [m.id, "NOM -> NAM"]


def case_mention_head(g: Document):
    m = next(m for m in g.mentions if (m.head_start, m.head_end) != (m.start, m.end))
    new = replace(m, head_start=m.start, head_end=m.end)
    return g, replace(g, mentions=tuple(new if x is m else x for x in g.mentions)), "mention-head", [m.id, f"-> '{m.text}'"]


def case_mention_entity(g: Document):
    n = counts(g)
    source = next(e for e in n if n[e] >= 3)
    target = next(e for e in n if n[e] >= 2 and e != source)
    m = next(m for m in g.mentions if m.entity == source)
    new = replace(g, mentions=tuple(replace(x, entity=target) if x is m else x for x in g.mentions))
    return g, new, "mention-entity", [m.id, f"({source})", f"({target})"]


def case_entity_merged(g: Document):
    doc, keep, drop = merged(g)
    return g, doc, "entity-merged", [f"'{keep}'", f"'{drop}'"]


def case_entity_split(g: Document):
    doc, keep, drop = merged(g)
    return doc, g, "entity-split", [f"'{keep}'", f"'{drop}'"]


def case_entity_renamed(g: Document):
    e = next(e for e in g.entities if counts(g)[e.id] and e.id in referenced(g))
    entities = tuple(replace(x, name=x.name + " Jr") if x is e else x for x in g.entities)
    return g, replace(g, entities=entities), "entity-renamed", [f"'{e.name}'", f"'{e.name} Jr'"]


def case_entity_retyped(g: Document):
    e = next(e for e in g.entities if counts(g)[e.id])
    other = next(t for t in ENTITY_TYPES if t != e.type)
    entities = tuple(replace(x, type=other) if x is e else x for x in g.entities)
    return g, replace(g, entities=entities), "entity-retyped", [f"{e.type} -> {other}"]


def case_entity_members(g: Document):
    group = next(e for e in g.entities if e.members)
    newcomer = next(e for e in g.entities if e.id not in group.members and e.id != group.id and not e.members)
    entities = tuple(replace(x, members=(x.members[0], newcomer.id)) if x is group else x for x in g.entities)
    return g, replace(g, entities=entities), "entity-members", [f"+ '{newcomer.name}'", f"'{group.name}'"]


def case_value_removed(g: Document):
    return g, replace(g, values=g.values[1:]), "value-removed", [g.values[0].id, f"'{g.values[0].text}'"]


def case_value_added(g: Document):
    return replace(g, values=g.values[1:]), g, "value-added", [g.values[0].id, f"'{g.values[0].text}'"]


def case_value_retyped(g: Document):
    v = g.values[0]
    other = next(t for t in VALUE_TYPES if t != v.type)
    return g, replace(g, values=(replace(v, type=other),) + g.values[1:]), "value-retyped", [f"{v.type} -> {other}"]


def _names(g: Document, r) -> list[str]:
    names = {e.id: e.name for e in g.entities}
    return [r.label, f"'{names[r.head]}' -> '{names[r.tail]}'"]


def case_relation_removed(g: Document):
    return g, replace(g, relations=g.relations[1:]), "relation-removed", [g.relations[0].id, *_names(g, g.relations[0])]


def case_relation_added(g: Document):
    return replace(g, relations=g.relations[1:]), g, "relation-added", [g.relations[0].id, *_names(g, g.relations[0])]


def case_relation_changed(g: Document):
    r = g.relations[0]
    label = next(lb for lb in RELATIONS if lb != r.label)
    return g, replace(g, relations=(replace(r, label=label),) + g.relations[1:]), "relation-changed", [r.label, label]


def case_relation_evidence(g: Document):
    r = g.relations[0]
    extra = max(r.evidence) + 1
    new = replace(r, evidence=r.evidence + (extra,))
    return g, replace(g, relations=(new,) + g.relations[1:]), "relation-evidence", [f"s{extra}", r.label]


def leaf_attribution(g: Document):
    parents = {a.parent for a in g.attributions}
    return next(a for a in g.attributions if a.id not in parents)


def _cue(a) -> str:
    return " + ".join(f"'{f.text}'" for f in a.cue)


def case_attribution_removed(g: Document):
    a = leaf_attribution(g)
    return g, replace(g, attributions=tuple(x for x in g.attributions if x is not a)), "attribution-removed", [a.id, _cue(a), a.content[0].text]


def case_attribution_added(g: Document):
    a = leaf_attribution(g)
    return replace(g, attributions=tuple(x for x in g.attributions if x is not a)), g, "attribution-added", [a.id, _cue(a), a.content[0].text]


def case_attribution_type(g: Document):
    a = g.attributions[0]
    other = next(t for t in ATTRIBUTION_TYPES if t != a.type)
    new = tuple(replace(x, type=other) if x is a else x for x in g.attributions)
    return g, replace(g, attributions=new), "attribution-changed", [_cue(a), f"type {a.type} -> {other}"]


def case_attribution_content(g: Document):
    a = next(a for a in g.attributions if a.content[-1].end - a.content[-1].start > 1)
    last = a.content[-1]
    shorter = Fragment(last.start, last.end - 1, last.text[:-1])
    new = tuple(replace(x, content=x.content[:-1] + (shorter,)) if x is a else x for x in g.attributions)
    return g, replace(g, attributions=new), "attribution-changed", [_cue(a), f"'{last.text}'", f"'{shorter.text}'"]


def case_text_changed(g: Document):
    return g, replace(g, text=g.text + " An added sentence."), "text-changed", [f"{len(g.text)} -> {len(g.text) + 19}"]


def case_document_added(g: Document):
    return None, g, "document-added", [f"{len(g.mentions)} mentions"]


def case_document_removed(g: Document):
    return g, None, "document-removed", [f"{len(g.relations)} relations"]


CASES = {name[5:]: case for name, case in sorted(globals().items()) if name.startswith("case_")}


def test_diff_cases_cover_every_kind(gold: Document) -> None:
    covered = {case(gold)[2] for case in CASES.values()} | {"entity-added", "entity-removed"}  # those two: below
    assert covered == set(KINDS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_diff_reports_exactly_the_change(name: str, gold: Document, tmp_path: Path) -> None:
    old, new, kind, parts = CASES[name](gold)
    changes = diff_through_files(tmp_path, old, new)
    assert [c.kind for c in changes] == [kind], changes
    assert changes[0].document == gold.id
    for part in parts:
        assert part in changes[0].description


def test_diff_identical_inputs_report_nothing(gold: Document, tmp_path: Path) -> None:
    assert diff_annotations(old={gold.id: gold}, new={gold.id: gold}) == []
    assert diff_through_files(tmp_path, gold, gold) == []


def test_diff_renamed_ids_are_no_change(gold: Document) -> None:
    ent = lambda i: f"x-{i}" if i else i  # noqa: E731
    renamed = replace(
        gold,
        entities=tuple(replace(e, id=ent(e.id), members=tuple(map(ent, e.members))) for e in gold.entities),
        mentions=tuple(replace(m, id=f"n{i}", entity=ent(m.entity)) for i, m in enumerate(reversed(gold.mentions))),
        values=tuple(replace(v, id=f"w{i}") for i, v in enumerate(gold.values)),
        relations=tuple(replace(r, id=f"q{i}", head=ent(r.head), tail=ent(r.tail)) for i, r in enumerate(reversed(gold.relations))),
        attributions=tuple(replace(a, id=f"b-{a.id}", parent=a.parent and f"b-{a.parent}", source_entity=ent(a.source_entity)) for a in gold.attributions),
    )
    assert diff_annotations(old={gold.id: gold}, new={gold.id: renamed}) == []


def test_diff_entity_added_and_removed(gold: Document) -> None:
    lone = next(e for e in gold.entities if counts(gold)[e.id] == 1 and e.id not in referenced(gold))
    only = next(x for x in gold.mentions if x.entity == lone.id)
    old = replace(gold, entities=tuple(e for e in gold.entities if e is not lone), mentions=tuple(x for x in gold.mentions if x is not only))
    added = diff_annotations(old={gold.id: old}, new={gold.id: gold})
    assert sorted(c.kind for c in added) == ["entity-added", "mention-added"]
    removed = diff_annotations(old={gold.id: gold}, new={gold.id: old})
    assert sorted(c.kind for c in removed) == ["entity-removed", "mention-removed"]
    assert all(f"'{lone.name}'" in c.description for c in added + removed)


# -- reading the two sides -------------------------------------------------------------
def git(repo: Path, *args: str) -> str:
    run = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout


def test_diff_between_git_revisions(gold: Document, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = write_project(tmp_path / "repo", gold)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "gold")
    dropped = gold.relations[-1]
    (repo / "annotations" / f"{gold.id}.yaml").write_text(render_annotations(replace(gold, relations=gold.relations[:-1])), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "drop a relation")
    changes = diff_annotations(old=load_revision(root=repo, spec="HEAD~1"), new=load_revision(root=repo, spec="HEAD"))
    assert [(c.kind, dropped.id in c.description) for c in changes] == [("relation-removed", True)]
    assert main(["--root", str(repo), "diff", "HEAD~1", "HEAD"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == gold.id and "relation-removed (1)" in out[1] and dropped.id in out[2]
    assert out[-1] == "khabar diff: 1 change(s) in 1 document(s): 1 relation-removed"


def test_diff_reads_a_revision_of_the_earlier_front_matter(gold: Document, tmp_path: Path) -> None:
    """0.1's corpus files had a free-text licence and no split: a diff (and `khabar release`, against the last tag) still reads them."""
    repo = write_project(tmp_path / "repo", gold)
    corpus = repo / "corpus" / f"{gold.id}.txt"
    current = corpus.read_text(encoding="utf-8")
    corpus.write_text(
        current.replace(f"split: {gold.split}\n", "").replace(f"licence: {gold.licence}\n", "licence: Article text (c) its publisher\n"), encoding="utf-8"
    )
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "0.1 front matter")
    corpus.write_text(current, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "0.2 front matter")
    old = load_revision(root=repo, spec="HEAD~1")
    assert (old[gold.id].split, old[gold.id].licence) == (None, None)
    assert diff_annotations(old=old, new=load_revision(root=repo, spec="HEAD")) == []
    _, found = validate(root=repo, gx=False)
    corpus.write_text(current.replace(f"split: {gold.split}\n", ""), encoding="utf-8")
    _, missing = validate(root=repo, gx=False)
    assert found == [] and [f.check for f in missing] == ["split-missing"]  # validation stays strict


def test_diff_reads_an_annotation_folder_over_the_corpus(gold: Document, tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", gold)
    second = root / "annotations" / "passes" / "second"
    second.mkdir(parents=True)
    (second / f"{gold.id}.yaml").write_text(render_annotations(replace(gold, values=gold.values[1:])), encoding="utf-8")
    changes = diff_annotations(old=load_revision(root=root, spec="annotations"), new=load_revision(root=root, spec="annotations/passes/second"))
    assert [c.kind for c in changes] == ["value-removed"]


def test_diff_unknown_revision_is_a_diff_source_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = write_project(tmp_path / "repo")
    git(repo, "init", "-q")
    with pytest.raises(KhabarError) as raised:
        load_revision(root=repo, spec="no-such-revision")
    assert [f.check for f in raised.value.findings] == ["diff-source"]
    assert main(["--root", str(repo), "diff", "no-such-revision", str(repo)]) == 1
    assert "error[diff-source]" in capsys.readouterr().err


def test_diff_unreadable_files_are_reported(gold: Document, tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", gold)
    (root / "annotations" / f"{gold.id}.yaml").write_text("document: [unclosed\n", encoding="utf-8")
    with pytest.raises(KhabarError) as raised:
        load_revision(root=tmp_path, spec=str(root))
    checks = [f.check for f in raised.value.findings]
    assert checks[0] == "diff-source" and "yaml-syntax" in checks[1:]


def test_diff_names_and_texts_are_shown_on_one_line(gold: Document) -> None:
    e = next(e for e in gold.entities if counts(gold)[e.id] and e.id in referenced(gold))
    hostile = e.name + " \x1b[2J\u2028\r\u202eX"
    renamed = replace(gold, entities=tuple(replace(x, name=hostile) if x is e else x for x in gold.entities))
    lines = report_lines(diff_annotations(old={gold.id: gold}, new={gold.id: renamed}))
    assert lines and all(len(line.splitlines()) == 1 and not any(c in line for c in "\x1b\u2028\r\u202e") for line in lines)
    assert any(repr(hostile)[1:-1] in line for line in lines)
