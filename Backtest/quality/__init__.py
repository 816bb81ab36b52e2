"""Quality benchmarks: how often the offline generator and the fixer succeed on a corpus.

Run ``python -m Backtest.quality`` (both), ``python -m Backtest.quality generation`` or
``python -m Backtest.quality fixing``. They print JSON with rates, not timings, and are
benchmarks, not tests: they report numbers and never fail the test suite.
"""
