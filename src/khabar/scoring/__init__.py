"""Layer 4 (beside the checks), scoring: the metrics, pure functions over simple Python types (the modules
re-exported here depend on the standard library and scipy only), and the scoring of predictions against
documents layer by layer (:mod:`~khabar.scoring.predictions` reads and checks a predictions file,
:mod:`~khabar.scoring.layers` scores it). May import: ``io``, ``schema``, ``core``.

Every score is a :class:`PRF` holding exact numerator/denominator pairs; see
``docs/evaluation.md`` for the matching, pooling and tie-breaking rules.
"""

from khabar.scoring.attribution import (
    Attribution,
    AttributionScores,
    pair_attributions,
    score_attributions,
    token_indices,
)
from khabar.scoring.blanc import BlancScores
from khabar.scoring.coref import (
    CorefScores,
    b_cubed,
    blanc,
    ceafe,
    ceafm,
    clusters_from_mentions,
    conll_f1,
    lea,
    muc,
    normalize_clusters,
    score_coreference,
)
from khabar.scoring.ner import NERScores, score_ner
from khabar.scoring.prf import PRF, micro_sum
from khabar.scoring.relations import RelationScores, Unaligned, align_entities, score_relations

__all__ = [
    "PRF",
    "Attribution",
    "AttributionScores",
    "BlancScores",
    "CorefScores",
    "NERScores",
    "RelationScores",
    "Unaligned",
    "align_entities",
    "b_cubed",
    "blanc",
    "ceafe",
    "ceafm",
    "clusters_from_mentions",
    "conll_f1",
    "lea",
    "micro_sum",
    "muc",
    "normalize_clusters",
    "pair_attributions",
    "score_attributions",
    "score_coreference",
    "score_ner",
    "score_relations",
    "token_indices",
]
