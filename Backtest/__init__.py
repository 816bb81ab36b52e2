"""AlgoAgent's domain core: market data, indicators, strategy spec, validation, sandboxed execution.

Pure Python: nothing in this package imports Django. Callers pass plain arguments (paths, options)
and receive dataclasses or pydantic models back.
"""
