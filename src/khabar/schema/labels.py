"""Closed label inventories shared by the model, the checks and the views."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

#: OntoNotes 5 name types, plus OTHER for unnamed issues and documents.
NAME_TYPES: Final = (
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
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

#: The splits every document belongs to, one each (the front matter's ``split``). ``dev`` is where the
#: guidelines were settled; ``test`` is held out, so its figures are the honest ones.
SPLITS: Final = ("dev", "test")
#: The held-out split: reported first wherever figures are given per split, and scored by default.
HELD_OUT: Final = "test"
#: :data:`SPLITS` in reporting order: the held-out split first.
SPLITS_TEST_FIRST: Final = (HELD_OUT, *(s for s in SPLITS if s != HELD_OUT))

#: The licences a document's text may carry (the front matter's ``licence``): id -> (name, URL or None).
#: One table: the checks, the card, LICENSE.md and croissant.json all read it.
TEXT_LICENCES: Final[Mapping[str, tuple[str, str | None]]] = MappingProxyType(
    {
        "CC-BY-2.5": ("Creative Commons Attribution 2.5 Generic", "https://creativecommons.org/licenses/by/2.5/"),
        "CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"),
        "CC0-1.0": ("Creative Commons Zero v1.0 Universal (public domain dedication)", "https://creativecommons.org/publicdomain/zero/1.0/"),
        "all-rights-reserved": ("All rights reserved by the publisher; not openly licensed", None),
    }
)
#: The licence of the annotations (ours), an id of :data:`TEXT_LICENCES`.
ANNOTATION_LICENCE: Final = "CC-BY-4.0"
