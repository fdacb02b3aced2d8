"""Layer 5, the views: one dataset config per task, each one ``Features`` declaration plus a row builder, and
the corpus statistics (:mod:`~khabar.views.stats`). May import: ``checks``, ``scoring``, ``io``, ``schema``,
``core``.

``CONFIGS`` (:mod:`khabar.views.configs`) is the one table of configs, in card order; ``documents`` is the
default. This ``__init__`` imports nothing: :mod:`~khabar.views.stats` is used where ``datasets`` is not needed.
"""
