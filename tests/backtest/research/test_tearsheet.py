"""The tearsheet is QuantStats' report, self-contained: built offline, loading nothing remote."""

from __future__ import annotations

import socket

import pandas as pd
import pytest
from backtesting import Backtest, Strategy
from backtesting.test import GOOG, SMA

from Backtest.research.tearsheet import (
    TearsheetError,
    external_refs,
    periods_per_year,
    tearsheet_html,
)


class Trend(Strategy):
    def init(self):
        self.ma = self.I(SMA, self.data.Close, 20)

    def next(self):
        if self.data.Close[-1] > self.ma[-1] and not self.position:
            self.buy()
        elif self.data.Close[-1] < self.ma[-1] and self.position:
            self.position.close()


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the tearsheet tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_the_report_is_built_offline_and_loads_nothing_from_elsewhere(no_network):
    data = GOOG.iloc[:400]
    stats = Backtest(data, Trend, cash=10_000, finalize_trades=True).run()
    html = tearsheet_html(
        equity=stats["_equity_curve"]["Equity"],
        benchmark_close=data["Close"],
        benchmark_symbol="GOOG",
        title="Trend on GOOG",
    )
    assert "<!doctype html>" in html[:200].lower()
    assert "Trend on GOOG" in html
    assert "GOOG" in html
    assert "<svg" in html  # the charts are inline
    assert external_refs(html) == []
    assert "qtpylib.io" not in html


@pytest.mark.parametrize(
    "snippet",
    [
        '<link rel="icon" href="https://example.com/x.ico">',
        '<img src="//cdn.example.com/a.png">',
        "<style>@import 'https://fonts.example.com/a.css';</style>",
        '<div style="background: url(http://example.com/a.png)"></div>',
        '<svg><image xlink:href="https://example.com/a.png"/></svg>',
    ],
)
def test_remote_references_are_detected(snippet):
    assert external_refs(f"<html><body>{snippet}</body></html>")


def test_local_references_are_fine():
    html = '<svg><use xlink:href="#glyph"/><path clip-path="url(#p1)"/></svg><a href="#top">x</a>'
    assert external_refs(html) == []


def test_annualisation_follows_the_bars():
    days = pd.date_range("2024-01-01", periods=100, freq="B")
    assert periods_per_year(days) == 252
    assert periods_per_year(pd.date_range("2024-01-01", periods=100, freq="D")) == 365
    assert periods_per_year(pd.date_range("2020-01-05", periods=100, freq="W")) == 52
    assert periods_per_year(pd.date_range("2015-01-31", periods=60, freq="ME")) == 12


def test_too_short_or_undated_runs_are_refused():
    with pytest.raises(TearsheetError):
        tearsheet_html(
            equity=pd.Series([1.0] * 5, index=pd.date_range("2024-01-01", periods=5)),
            benchmark_close=pd.Series([1.0] * 5, index=pd.date_range("2024-01-01", periods=5)),
            benchmark_symbol="X",
            title="t",
        )
    with pytest.raises(TearsheetError, match="dated bars"):
        tearsheet_html(
            equity=pd.Series(range(1, 50), dtype=float),
            benchmark_close=pd.Series(range(1, 50), dtype=float),
            benchmark_symbol="X",
            title="t",
        )
