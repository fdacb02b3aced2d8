"""The catalogue of check ids: one table, the single source for levels and summaries.

``docs/checks.md`` documents every id listed here; ``tests/test_checks_catalogue.py``
keeps the two in step, and every id has a failing fixture under
``tests/fixtures/checks/<id>/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A registered check: its id, level, group and one line on what it guards."""

    id: str
    level: Level
    group: str
    summary: str


_E, _W = "error", "warning"

_TABLE: tuple[tuple[str, str, str, str], ...] = (
    # id, level, group, what it guards
    ("file-encoding", _E, "format", "Corpus, annotation, exception and release files (pyproject.toml, CHANGELOG.md, CITATION.cff, the card) are UTF-8."),
    ("text-nfc", _E, "format", "Document text is in Unicode NFC."),
    (
        "text-control",
        _E,
        "format",
        "A corpus or annotation file (and a text given to `khabar new` or imported from brat) holds no control character but tab and newline: no NUL, DEL or C1 control. One finding a line; a file that has one is not parsed further.",
    ),
    ("line-endings", _E, "format", "Files use LF line endings, never CR or CRLF."),
    ("yaml-syntax", _E, "format", "Annotation files, corpus front matter and the card template's front matter parse as YAML, with unique string keys."),
    ("yaml-unknown-key", _E, "format", "No key outside the schema (typos are not ignored)."),
    ("yaml-missing-key", _E, "format", "Every required key is present."),
    ("yaml-type", _E, "format", "Every value has the schema's type."),
    ("label-unknown", _E, "format", "Entity, value, mention-kind, relation and attribution labels are in their closed sets."),
    ("doc-id-unsafe", _E, "format", "Document ids are safe file names: lowercase letters, digits, '-' and '_'."),
    (
        "id-unsafe",
        _E,
        "format",
        "Entity, mention, value, relation and attribution ids, and every reference to one, match `khabar.schema.invariants.ID_PATTERN`: a letter or digit, then letters, digits, '.', '_', ':' or '-', at most 128 characters.",
    ),
    ("doc-id-mismatch", _E, "format", "A file's name, its `id`/`document` key and its partner file agree."),
    ("split-missing", _E, "format", "Every document is in a split: its front matter states `split` (a document in no split is neither scored nor built)."),
    ("split-unknown", _E, "format", "A document's `split` is one of `khabar.schema.labels.SPLITS` (dev, test)."),
    ("licence-unknown", _E, "format", "A document's `licence` is an id of `khabar.schema.labels.TEXT_LICENCES`; every document states one."),
    ("file-missing", _E, "format", "Every corpus document has an annotation file and vice versa; the project (or annotation folder) named exists."),
    ("corpus-empty", _E, "format", "A project's corpus has at least one document (`validate` and `build` refuse an empty one alike)."),
    (
        "file-special",
        _E,
        "format",
        "Corpus, annotation and exceptions files, the release files and the files a command is given are regular files: a FIFO, socket, device or folder in their place is reported, never opened.",
    ),
    ("file-symlink", _E, "format", "A symbolic link among the project's files is followed only when it leads inside the project."),
    (
        "file-too-large",
        _E,
        "format",
        "A corpus file has at most 1,000,000 bytes and an annotation or exceptions file at most 4 MiB, checked before reading (docs/checks.md, Limits).",
    ),
    (
        "yaml-alias",
        _E,
        "format",
        "YAML files have no anchors or aliases (`&a`, `*a`): none is needed, and aliases can expand a small file into billions of values.",
    ),
    ("yaml-too-deep", _E, "format", "YAML files nest at most 20 levels of mappings and lists (annotation files need 5)."),
    ("yaml-int-too-long", _E, "format", "A YAML integer has at most 18 digits (read before Python's 4,300-digit limit can fail)."),
    ("span-range", _E, "spans", "0 <= start < end <= len(text) for every span."),
    ("span-text", _E, "spans", "text[start:end] equals the stated text of every span."),
    ("span-token-boundary", _E, "spans", "Spans start and end on spaCy token boundaries."),
    ("span-whitespace", _E, "spans", "No span starts or ends with whitespace."),
    ("head-outside-extent", _E, "spans", "A mention's head lies inside its extent."),
    ("fragment-order", _E, "spans", "An attribution role's fragments are in text order."),
    ("fragment-overlap", _E, "spans", "An attribution role's fragments do not overlap."),
    ("ref-missing", _E, "references", "Every referenced id (mention entity, member, relation head/tail, parent, source_entity) exists."),
    ("evidence-range", _E, "references", "Relation evidence indices name existing sentences."),
    ("nesting-cycle", _E, "references", "Attribution parents and group members form no cycle."),
    ("group-size", _E, "references", "A group entity has at least two distinct members."),
    ("group-self", _E, "references", "A group entity does not list itself as a member."),
    ("id-duplicate", _E, "structure", "Ids are unique within a document, across all layers."),
    ("entity-no-mention", _E, "structure", "Every entity has at least one mention."),
    ("ner-overlap", _E, "structure", "The derived flat `ner` layer has no overlapping spans."),
    ("mention-duplicate-span", _E, "structure", "No two mentions share the same extent."),
    ("mention-crossing", _E, "structure", "Mentions of one entity do not cross (overlap without nesting)."),
    ("type-inconsistent", _E, "consistency", "The same name string carries the same entity type everywhere in the corpus."),
    ("name-unannotated", _E, "consistency", "A name annotated somewhere is annotated at every other occurrence."),
    ("pronoun-agreement", _E, "consistency", "A pronoun agrees with its entity in number and animacy."),
    ("name-incompatible", _E, "consistency", "A name mention's text is compatible with its entity's canonical name."),
    ("relation-signature", _E, "consistency", "A relation's head and tail types fit its label's signature."),
    ("relation-duplicate", _E, "consistency", "No relation is stored twice (symmetric ones in either order)."),
    ("relation-inverse", _E, "consistency", "No stored inverse of a stored relation."),
    ("attribution-outside-parent", _E, "consistency", "A nested attribution lies inside its parent's content."),
    ("attribution-source-entity", _E, "consistency", "An attribution's source entity is the entity of a mention inside its source."),
    ("attribution-role-overlap", _E, "consistency", "An attribution's cue, source and content do not overlap one another."),
    (
        "unreviewed-annotation",
        _W,
        "workflow",
        "Tool-proposed annotations listed under `unreviewed` are reviewed before a release (an error in `khabar release` and `validate --release`).",
    ),
    ("unreviewed-unknown", _E, "workflow", "Every id listed under `unreviewed` names an annotation of the file."),
    ("preannotate-model", _E, "workflow", "`khabar new --preannotate` names a spaCy pipeline that can be loaded."),
    (
        "io-error",
        _E,
        "workflow",
        "A path a command is given (`--out`, `--report`, ...), and every file of the project, can be read or written; the operating system's reason is reported, not a traceback.",
    ),
    (
        "out-refused",
        _E,
        "workflow",
        "A command replaces only a path that is new, empty or an output of its own kind that Khabar wrote (a build's manifest.json, an export's or report's .khabar-output.json, a review page, a baseline's predictions, a timings file), and never a filesystem root, mount point, the project's root, the home folder or a folder containing one.",
    ),
    ("release-refused", _E, "workflow", "`khabar release` runs on a clean git tree with a valid corpus."),
    ("exception-unused", _E, "exceptions", "Every recorded exception still matches a finding."),
    ("exception-check", _E, "exceptions", "An exception names a check that may be excepted (a judgement call the built data can carry)."),
    ("version-mismatch", _E, "release", "pyproject.toml, the card, CHANGELOG.md, CITATION.cff (where there is one) and the manifest state the same version."),
    ("changelog-entry", _E, "release", "Annotations changed since the last release tag come with a new version and a CHANGELOG entry."),
    ("card-features", _E, "release", "The card's YAML features equal the parquet schema."),
    ("build-roundtrip", _E, "release", "The built dataset, loaded back, equals the annotations."),
    ("gx-unique-ids", _E, "tables", "Great Expectations: (document, id) is unique in every flattened table."),
    ("gx-label-sets", _E, "tables", "Great Expectations: entity, mention-kind, value, relation and attribution labels are in their sets."),
    (
        "gx-offsets",
        _E,
        "tables",
        "Great Expectations: 0 <= start < end <= text length for every span row; heads inside extents; per document, tokens in order, non-empty, inside the text.",
    ),
    ("gx-references", _E, "tables", "Great Expectations: mention entity, relation head/tail, source_entity and parent are keys of their tables."),
    ("gx-sanity-ranges", _W, "tables", "Great Expectations: 1-200 tokens per sentence, 1-200 mentions per entity, at least one token per document."),
    ("pred-json", _E, "predictions", "Each line of a predictions file is a JSON object."),
    ("pred-field", _E, "predictions", "Prediction fields have the `documents` schema's names and types."),
    ("pred-unknown-document", _E, "predictions", "Every predicted document id is a gold document id."),
    ("pred-split", _E, "predictions", "Every predicted document is in the split scored (`khabar evaluate --split`)."),
    ("pred-duplicate-document", _E, "predictions", "A document is predicted at most once."),
    ("pred-offset-range", _E, "predictions", "Predicted spans lie inside the gold document's text."),
    ("pred-label", _E, "predictions", "Predicted NER labels, entity and value types, relation labels and attribution types are the schema's."),
    ("pred-empty", _E, "predictions", "A predictions file holds at least one prediction (an empty file is never scored as zero)."),
    ("gold-integrity", _E, "predictions", "A built gold folder's `documents` shards are those manifest.json lists, each with its sha256."),
    ("pred-text-mismatch", _E, "predictions", "A prediction's `text` (when given) equals the gold text, and span texts match it."),
    ("diff-source", _E, "workflow", "Each side of `khabar diff` is a readable project folder, annotation folder or git revision."),
    ("brat-syntax", _E, "import", "Every line of an imported brat .ann file, its notes' key=value text and its .meta.json parse."),
    (
        "brat-reference",
        _E,
        "import",
        "Every id an imported brat line names exists and has the right kind, and the lines agree (one entity note per chain, one note per annotation).",
    ),
    (
        "xmi-syntax",
        _E,
        "import",
        "An imported XMI folder has its TypeSystem.xml, and each file is well-formed XML without a DOCTYPE (no entities, no DTD), a CAS XMI with one text (sofa) and numeric, unique xmi:ids.",
    ),
    (
        "xmi-type",
        _E,
        "import",
        "Every element of an imported XMI file is of a type TypeSystem.xml declares, with only its features; Khabar's types are declared with their features, and each Khabar annotation has the features it needs, of their kind, pointing at the right types.",
    ),
    (
        "xmi-reference",
        _E,
        "import",
        "The text of an imported XMI document equals its corpus file (offsets count in that text).",
    ),
    (
        "publish-card",
        _E,
        "release",
        "Before publishing, the built card's YAML has pretty_name, license (`other` with a license_name and a license_link to a file of the folder) and configs, exactly one default config, and data_files globs that match files.",
    ),
    ("publish-integrity", _E, "release", "Before publishing, every built file matches its sha256 in manifest.json and no unlisted file would be uploaded."),
    ("baseline-model", _E, "benchmark", "A baseline's model (the spacy-ner pipeline, by name or path) is installed and loads."),
)

#: The checks whose findings a reviewed exception may silence. Each is a judgement
#: call that a document can rightly fail and still be built, scored and exported as
#: it stands; every other check guards something the views or the formats rely on
#: (``exception-check`` refuses exceptions for them). ``docs/checks.md`` lists them;
#: ``tests/test_checks_exceptions.py`` builds each one's fixture with its findings excepted.
EXEMPTIBLE: frozenset[str] = frozenset(
    {
        "type-inconsistent",
        "name-unannotated",
        "pronoun-agreement",
        "name-incompatible",
        "relation-signature",
        "attribution-outside-parent",
        "attribution-source-entity",
        "attribution-role-overlap",
    }
)

CATALOGUE: Mapping[str, CheckSpec] = MappingProxyType(
    {row[0]: CheckSpec(id=row[0], level=row[1], group=row[2], summary=row[3]) for row in _TABLE}  # type: ignore[arg-type]
)
