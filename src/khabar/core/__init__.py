"""Layer 1, the core: findings and their check catalogue, Markdown escaping, the worker pool, the GC pause.

What every other layer uses to report problems and to run in parallel. May import: nothing of khabar.
"""
