"""The research package's two error families (mapped to HTTP once, in ``algoagent.errors``).

* ``ResearchInputError``: what was asked for is unusable (a parameter grid, a constraint,
  walk-forward windows, parameter values); the request is at fault.
* ``ResearchRunError``: the run cannot be analysed that way (no trades to resample, a re-run
  that does not reproduce, too short for a report).
"""

from __future__ import annotations

from Backtest.errors import AlgoAgentError

__all__ = ["ResearchInputError", "ResearchRunError"]


class ResearchInputError(AlgoAgentError):
    """A research request's settings are unusable; ``details.fields`` names them."""

    default_code = "invalid_research_input"


class ResearchRunError(AlgoAgentError):
    """The run cannot be analysed as asked."""

    default_code = "research_run_error"
