"""The parser reads its own ``understood_as`` back as the same strategy (.quality.roundtrip).

Measured when the measure was added: 472 specs (24 examples, 10 templates, 438 corpus
specs), 472 read back identically, 0 refused, 0 differently. The floor leaves a little room
for corpus specs that later parser work adds; a rendering read back as another strategy is
never allowed.
"""

from __future__ import annotations

from typing import Any

import pytest

from Backtest.quality import roundtrip
from Backtest.quality.__main__ import SUITES
from Backtest.quality.generation import CORPUS_DIR
from Backtest.spec import validate_spec_v2

FLOOR = 0.98  # read back identically, of all specs tried (measured: 472/472)


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return roundtrip.run()


def test_no_rendering_reads_back_as_another_strategy(report: dict[str, Any]) -> None:
    assert report["total"]["different"] == 0, report["different"]


def test_read_back_rate_is_at_least_the_floor(report: dict[str, Any]) -> None:
    total = report["total"]
    assert total["tried"] >= 470
    assert total["identical"] + total["refused"] + total["different"] == total["tried"]
    assert total["identical"] / total["tried"] >= FLOOR, report["refused"]


def test_every_example_and_template_reads_back(report: dict[str, Any]) -> None:
    for source in ("examples", "templates"):
        counts = report["sources"][source]
        assert counts["tried"] > 0
        assert counts["identical"] == counts["tried"], report["refused"]


def test_the_measure_is_a_quality_suite() -> None:
    assert "roundtrip" in SUITES


def test_a_held_out_part_is_read_only_after_its_first_run_is_recorded(
    tmp_path, monkeypatch
) -> None:
    parts = roundtrip.readable_parts()
    assert {"tuning", "tuning2", "heldout", "heldout2", "heldout12"} <= set(parts)
    assert all(
        not p.startswith("heldout") or p == "heldout" or (CORPUS_DIR / f"{p}_first_run.md").exists()
        for p in parts
    )
    monkeypatch.setattr(roundtrip, "CORPUS_DIR", tmp_path)  # no first run recorded anywhere
    assert [p for p in roundtrip.readable_parts() if p.startswith("heldout")] == ["heldout"]


def test_read_back_and_summary() -> None:
    spec = validate_spec_v2(
        {
            "version": "2.0",
            "name": "t",
            "side": "long",
            "indicators": [{"id": "rsi", "indicator": "RSI", "params": {"timeperiod": 14}}],
            "rules": {
                "entry": {"left": "rsi", "op": "crosses_above", "right": 30},
                "exit": {"left": "rsi", "op": "crosses_below", "right": 70},
            },
        }
    )
    assert roundtrip.read_back(spec)["outcome"] == "identical"
    summary = roundtrip.summarize(
        {
            "sources": {"examples": {"tried": 2, "identical": 1, "refused": 1, "different": 0}},
            "total": {"tried": 2, "identical": 1, "refused": 1, "different": 0},
        }
    )
    assert "2 specs tried, 1 read back identically (50.0%), 1 refused, 0 read back" in summary


_RSI = {"id": "rsi", "indicator": "RSI", "params": {"timeperiod": 14}}
_SMA = {"id": "sma", "indicator": "SMA", "params": {"timeperiod": 20}}
_UP = {"left": "rsi", "op": "crosses_above", "right": 30}
_DOWN = {"left": "rsi", "op": "crosses_below", "right": 70}


def _spec(rules: dict[str, Any], side: str = "long", extra: Any = (), **settings: Any) -> Any:
    return validate_spec_v2(
        {
            "version": "2.0",
            "name": "t",
            "side": side,
            "indicators": [_RSI, _SMA, *extra],
            "rules": rules,
            **settings,
        }
    )


@pytest.mark.parametrize(
    "spec",
    [
        # both sides, with orders and every exit setting
        _spec(
            {"entry": _UP, "short_entry": _DOWN, "exit": _DOWN, "short_exit": _UP},
            "both",
            [{"id": "atr", "indicator": "ATR", "params": {"timeperiod": 14}}],
            stop_loss={"atr": 2, "atr_period": 14},
            take_profit={"percent": 5},
            trailing_stop={"atr": 3, "atr_period": 14},
            exit_after_bars=10,
            entry_order={"type": "limit", "price": {"arith": "*", "left": "Close", "right": 0.99}},
            short_entry_order={
                "type": "stop",
                "price": {"arith": "*", "left": "Low", "right": 0.99},
                "valid_bars": 5,
            },
        ),
        _spec({"short_entry": _DOWN}, "short", sizing={"mode": "units", "value": 25}),
        _spec(
            {"short_entry": _DOWN},
            "short",
            stop_loss={"percent": 2},
            sizing={"mode": "risk_percent", "value": 0.5},
        ),
        # negations, persistence, calendars and indicators no corpus spec uses
        _spec(
            {
                "entry": {
                    "logic": "all",
                    "conditions": [
                        _UP,
                        {
                            "negate": {
                                "held_for": 3,
                                "condition": {"left": "Close", "op": ">", "right": "sma"},
                            }
                        },
                        {"negate": {"weekdays": ["mon", "fri"]}},
                        {"negate": {"time_from": "10:00", "time_to": "15:30"}},
                    ],
                },
                "exit": {"left": {"change_pct": "rsi", "bars": 5}, "op": ">", "right": 10},
            }
        ),
        _spec(
            {
                "entry": {"left": "lr", "op": "crosses_above", "right": "sma"},
                "exit": {"left": "ao", "op": "<", "right": 0},
            },
            extra=[
                {"id": "lr", "indicator": "LINEARREG", "params": {}},
                {"id": "ao", "indicator": "AROONOSC", "params": {}},
            ],
        ),
    ],
)
def test_renderings_no_corpus_spec_covers_read_back(spec: Any) -> None:
    result = roundtrip.read_back(spec)
    assert result["outcome"] == "identical", result
