"""extract_code finds the strategy module in the shapes LLM replies come in."""

from __future__ import annotations

from Backtest.llm.replies import extract_code

STRATEGY = (
    "from backtesting import Strategy\n\n\nclass A(Strategy):\n"
    "    def init(self):\n        pass\n\n    def next(self):\n        pass\n"
)


def test_fenced_python_block() -> None:
    assert extract_code(f"```python\n{STRATEGY}```") == STRATEGY


def test_bare_code() -> None:
    assert extract_code(STRATEGY) == STRATEGY


def test_prose_around_a_fenced_block() -> None:
    reply = f"Sure! Here is the strategy:\n\n```py\n{STRATEGY}```\n\nIt buys dips."
    assert extract_code(reply) == STRATEGY


def test_block_with_the_strategy_class_wins_over_other_blocks() -> None:
    reply = f"Install:\n```bash\npip install backtesting\n```\nCode:\n```\n{STRATEGY}```\n"
    reply += "Usage:\n```python\nbt = Backtest(data, A)\nbt.run()\n```"
    assert extract_code(reply) == STRATEGY


def test_prose_then_unfenced_code_then_prose() -> None:
    reply = f"Here you go.\n{STRATEGY}\nThis strategy does nothing yet."
    assert extract_code(reply) == STRATEGY


def test_unterminated_fence_is_read_to_the_end() -> None:
    assert extract_code(f"```python\n{STRATEGY}") == STRATEGY


def test_windows_newlines_and_indented_block() -> None:
    indented = "".join(f"    {line}\r\n" if line else "\r\n" for line in STRATEGY.split("\n")[:-1])
    assert extract_code(f"```python\r\n{indented}```") == STRATEGY


def test_no_code_gives_empty_string() -> None:
    assert extract_code("I cannot help with that.") == ""
    assert extract_code("   ") == ""
