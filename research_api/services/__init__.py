"""Research workflows: parameters, optimisation (fanned out in chunks), walk-forward, Monte
Carlo, look-ahead checks, tearsheets and multi-asset runs. Keyword-only services."""
