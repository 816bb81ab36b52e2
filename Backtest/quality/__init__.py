"""Quality benchmarks: how often the offline generator and the fixer succeed on a corpus.

Run ``python -m Backtest.quality`` (all), ``python -m Backtest.quality generation``,
``python -m Backtest.quality fixing`` or ``python -m Backtest.quality roundtrip`` (the parser
reads its own ``understood_as`` back as the same strategy). They print JSON with rates, not
timings, and are benchmarks, not tests: they report numbers and never fail the test suite
(``tests/quality/test_roundtrip.py`` asserts the round trip's floor).
"""
