"""Layer 10, the contributor and release workflow: ``new`` and ``format`` (:mod:`~khabar.workflow.authoring`),
``locate``, the review page (``render``), the validation report, ``diff``, ``release``, ``publish``, and the
synthetic corpora of the benchmarks and tests.

May import: every layer below; only :mod:`khabar.cli` imports it.
"""
