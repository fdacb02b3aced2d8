"""Layer 9, the dataset: the build (shards, manifest, LICENSE.md), the card, Croissant, and the checks of a
built folder (:mod:`khabar.dataset.verify`).

May import: the layers below (``pipeline``, ``evaluate`` for the card's agreement figures, ``baselines``
for its baseline scores, ``export``, ``views``, ``checks``, ``scoring``, ``io``, ``schema``, ``core``).
"""
