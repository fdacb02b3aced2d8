"""The closed relation inventory: TAC KBP / TACRED slot labels plus marked extensions.

``annotations/GUIDELINES.md`` explains each label with examples; a test keeps
the guidelines' table and this inventory in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

PERSON_ORGS = ("ORG", "GPE")
PLACES = ("GPE", "LOC", "FAC")


@dataclass(frozen=True, slots=True)
class RelationLabel:
    """A relation label: its definition, direction and type signature."""

    name: str
    definition: str
    head_types: tuple[str, ...]
    tail_types: tuple[str, ...]
    symmetric: bool = False
    inverse: str | None = None  # a label that must not be stored for the reversed pair
    extension: bool = False  # True where TAC KBP lacks the label


_LABELS = (
    RelationLabel(
        "per:employee_or_member_of",
        "The head person works for, holds a post in, or is a member of the tail organisation or government (not a leading post: see org:top_members_employees).",
        ("PERSON",),
        PERSON_ORGS,
        inverse="org:top_members_employees",
    ),
    RelationLabel(
        "org:top_members_employees",
        "The tail person leads or holds a top post (leader, head, chief, minister, top diplomat, caretaker) in the head organisation or government.",
        PERSON_ORGS,
        ("PERSON",),
        inverse="per:employee_or_member_of",
    ),
    RelationLabel(
        "per:origin",
        "The head person's nationality or ethnic group is the tail (a NORP, or the GPE of the nationality).",
        ("PERSON",),
        ("NORP", "GPE"),
    ),
    RelationLabel(
        "per:countries_of_residence",
        "The head person lives or is based in the tail country.",
        ("PERSON",),
        ("GPE",),
    ),
    RelationLabel(
        "per:cities_of_residence",
        "The head person lives or is based in the tail city.",
        ("PERSON",),
        ("GPE",),
    ),
    RelationLabel(
        "per:stateorprovinces_of_residence",
        "The head person lives in, hails from or belongs to the tail province or state.",
        ("PERSON",),
        ("GPE",),
    ),
    RelationLabel(
        "per:parents",
        "The tail person is a parent of the head person (the inverse, per:children, is never stored).",
        ("PERSON",),
        ("PERSON",),
        inverse="per:children",
    ),
    RelationLabel(
        "per:children",
        "The tail person is a child of the head person. Stored only where the parent is the head and the pair has no per:parents.",
        ("PERSON",),
        ("PERSON",),
        inverse="per:parents",
    ),
    RelationLabel(
        "per:other_family",
        "Head and tail are relatives other than parent, child, sibling or spouse (nephew, uncle, cousin). Symmetric.",
        ("PERSON",),
        ("PERSON",),
        symmetric=True,
    ),
    RelationLabel(
        "org:parents",
        "The head organisation is a part, body or delegation of the tail organisation or government.",
        ("ORG",),
        PERSON_ORGS,
    ),
    RelationLabel(
        "org:city_of_headquarters",
        "The head organisation (an embassy, a ministry) is seated in the tail city.",
        ("ORG",),
        ("GPE",),
    ),
    RelationLabel(
        "org:country_of_headquarters",
        "The head organisation is seated in the tail country.",
        ("ORG",),
        ("GPE",),
    ),
    RelationLabel(
        "org:founded_by",
        "The tail person or organisation founded or formed the head organisation.",
        ("ORG",),
        ("PERSON", "ORG"),
    ),
    RelationLabel(
        "per:associate",
        "Extension. Head and tail persons have a stated personal or political association (confidant, ally, aide). Symmetric.",
        ("PERSON",),
        ("PERSON",),
        symmetric=True,
        extension=True,
    ),
    RelationLabel(
        "loc:located_in",
        'Extension. The head place lies inside the tail place, as the text states it ("Iran\'s Mashhad city").',
        PLACES,
        PLACES,
        extension=True,
    ),
    RelationLabel(
        "evt:participant",
        "Extension. The tail person, organisation or group takes part in the head event.",
        ("EVENT",),
        ("PERSON", "ORG", "GPE", "NORP"),
        extension=True,
    ),
    RelationLabel(
        "evt:location",
        "Extension. The head event takes place in the tail place.",
        ("EVENT",),
        PLACES,
        extension=True,
    ),
)

RELATIONS: Mapping[str, RelationLabel] = MappingProxyType({label.name: label for label in _LABELS})
