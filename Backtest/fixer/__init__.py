"""The error analyzer and the iterative fixer behind ``Backtest.bot_error_fixer``."""
