"""Closed label inventories shared by the model, the checks and the views."""

from typing import Final

#: OntoNotes 5 name types, plus OTHER for unnamed issues and documents.
NAME_TYPES: Final = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT",
    "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
)
ENTITY_TYPES: Final = NAME_TYPES + ("OTHER",)

#: OntoNotes 5 value types: annotated as values, never as coreference entities.
VALUE_TYPES: Final = ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")

#: The 18 OntoNotes labels of the flat ``ner`` layer.
NER_LABELS: Final = NAME_TYPES + VALUE_TYPES

#: BIO tags of the ``ner`` config, in ClassLabel order.
BIO_TAGS: Final = ("O",) + tuple(f"{p}-{label}" for label in NER_LABELS for p in ("B", "I"))

MENTION_KINDS: Final = ("NAM", "NOM", "PRO")
ATTRIBUTION_TYPES: Final = ("direct", "indirect", "mixed")
ATTRIBUTION_ROLES: Final = ("cue", "source", "content")
