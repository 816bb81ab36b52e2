"""load_ohlcv / list_symbols on bundled data and user uploads (no network involved)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from backtesting import Backtest, Strategy
from backtesting.test import EURUSD, GOOG

from Backtest.market_data import (
    DataError,
    EmptyRangeError,
    InvalidIntervalError,
    InvalidRangeError,
    UnknownSymbolError,
    list_symbols,
    load_ohlcv,
    save_dataset,
)


@pytest.mark.parametrize("symbol", ["GOOG", "goog", " Goog "])
def test_bundled_symbols_are_case_insensitive(symbol: str) -> None:
    out = load_ohlcv(symbol)
    assert len(out) == len(GOOG)
    assert list(out.columns) == ["Open", "High", "Low", "Close", "Volume"]
    assert (out.dtypes == np.float64).all()
    assert out.index.name == "Date"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2010-01-04", "2010-01-08"),
        (dt.date(2010, 1, 4), dt.date(2010, 1, 8)),
        (dt.datetime(2010, 1, 4), dt.datetime(2010, 1, 8)),
        (pd.Timestamp("2010-01-04"), pd.Timestamp("2010-01-08")),
        (pd.Timestamp("2010-01-04", tz="UTC"), "2010-01-08T00:00:00+00:00"),
    ],
)
def test_start_and_end_are_inclusive_for_every_date_type(start: object, end: object) -> None:
    out = load_ohlcv("GOOG", start, end)
    assert out.index[0] == pd.Timestamp("2010-01-04")
    assert out.index[-1] == pd.Timestamp("2010-01-08")
    assert len(out) == 5


def test_a_date_only_end_covers_the_whole_day_of_intraday_bars() -> None:
    out = load_ohlcv("EURUSD", "2017-05-02", "2017-05-02", interval="1h")
    expected = EURUSD.loc["2017-05-02"]
    assert len(out) == len(expected) > 1
    assert out.index[-1] == expected.index[-1]


def test_weekly_resampling_aggregates_daily_bars() -> None:
    daily = load_ohlcv("GOOG", "2010-01-01", "2010-03-31")
    weekly = load_ohlcv("GOOG", "2010-01-01", "2010-03-31", interval="1wk")
    assert (weekly.index.day_of_week == 0).all()
    assert weekly["Volume"].sum() == daily["Volume"].sum()
    for label, bar in weekly.iterrows():
        week = daily.loc[label : label + pd.Timedelta(days=6)]
        assert bar["Open"] == week["Open"].iloc[0]
        assert bar["High"] == week["High"].max()
        assert bar["Low"] == week["Low"].min()
        assert bar["Close"] == week["Close"].iloc[-1]


def test_hourly_bundled_data_resamples_to_daily() -> None:
    out = load_ohlcv("EURUSD", interval="1d")
    by_day = EURUSD.groupby(EURUSD.index.normalize())
    assert len(out) == by_day.ngroups
    np.testing.assert_allclose(out["High"].to_numpy(), by_day["High"].max().to_numpy())


def test_monthly_bundled_data_needs_a_monthly_or_native_interval() -> None:
    with pytest.raises(InvalidIntervalError, match=r"BTCUSD has 1mo bars.*interval='1mo'"):
        load_ohlcv("BTCUSD")
    assert len(load_ohlcv("BTCUSD", interval="1mo")) == len(load_ohlcv("BTCUSD", interval=None))
    assert len(load_ohlcv("BTCUSD", interval="3mo")) == 52


def test_intraday_interval_on_daily_data_is_a_clear_error() -> None:
    with pytest.raises(InvalidIntervalError, match="intraday intervals need intraday data") as info:
        load_ohlcv("GOOG", interval="1h")
    assert info.value.code == "invalid_interval"
    assert info.value.details["native_interval"] == "1d"


@pytest.mark.parametrize("interval", ["1x", "", "d1", "0d", "fortnightly"])
def test_malformed_interval_lists_the_accepted_ones(interval: str) -> None:
    with pytest.raises(InvalidIntervalError, match="1wk"):
        load_ohlcv("GOOG", interval=interval)


@pytest.mark.parametrize("interval", ["9999mo", "9999wk", "9999d", "121mo"])
def test_absurdly_long_intervals_are_refused_before_pandas_overflows(interval: str) -> None:
    with pytest.raises(InvalidIntervalError, match="longest bar") as info:
        load_ohlcv("GOOG", interval=interval)
    assert info.value.details["max"] == "120mo"


def test_empty_range_reports_the_data_range() -> None:
    with pytest.raises(EmptyRangeError) as info:
        load_ohlcv("GOOG", "2020-01-01", "2020-12-31")
    assert str(info.value) == (
        "no GOOG bars from 2020-01-01 to 2020-12-31; data covers 2004-08-19 to 2013-03-01"
    )
    assert info.value.to_dict()["code"] == "empty_range"
    assert info.value.details["available_end"] == "2013-03-01"


def test_reversed_or_unparseable_ranges_are_rejected() -> None:
    with pytest.raises(InvalidRangeError, match="after end"):
        load_ohlcv("GOOG", "2012-01-01", "2011-01-01")
    with pytest.raises(InvalidRangeError, match="cannot parse start 'yesterday-ish'"):
        load_ohlcv("GOOG", "yesterday-ish")


def test_unknown_symbol_lists_available_ones() -> None:
    with pytest.raises(UnknownSymbolError) as info:
        load_ohlcv("NOPE", datasets={"my_upload": Path("/nonexistent.csv")})
    assert info.value.available == ["BTCUSD", "EURUSD", "GOOG", "my_upload"]
    assert "BTCUSD, EURUSD, GOOG, my_upload" in str(info.value)
    assert info.value.details["symbol"] == "NOPE"


def test_path_like_symbols_are_unknown_not_opened() -> None:
    with pytest.raises(UnknownSymbolError):
        load_ohlcv("../../etc/passwd")


def test_returned_frames_are_independent_copies() -> None:
    first = load_ohlcv("GOOG")
    first["Close"] = 0.0
    assert load_ohlcv("GOOG")["Close"].iloc[0] > 0


def test_loaded_data_runs_in_backtesting_py() -> None:
    class BuyAndHold(Strategy):
        def init(self) -> None:
            pass

        def next(self) -> None:
            if not self.position:
                self.buy()

    data = load_ohlcv("GOOG", "2010", "2011-12-31")
    stats = Backtest(data, BuyAndHold, cash=10_000, finalize_trades=True).run()
    assert stats["# Trades"] == 1
    assert stats["Start"] == pd.Timestamp("2010-01-04")


def _upload(tmp_path: Path, name: str = "mine.csv.gz") -> Path:
    index = pd.date_range("2021-01-04", periods=30, freq="B")
    close = np.linspace(100, 130, len(index))
    df = pd.DataFrame(
        {"open": close, "high": close + 1, "low": close - 1, "close": close}, index=index
    )
    path = tmp_path / name
    save_dataset(df, path, name="Mine")
    return path


def test_uploads_are_found_first_and_case_insensitively(tmp_path: Path) -> None:
    path = _upload(tmp_path)
    out = load_ohlcv("mine", "2021-01-05", None, datasets={"Mine": path})
    assert out.index[0] == pd.Timestamp("2021-01-05")
    assert out["Volume"].eq(0).all()
    shadow = load_ohlcv("GOOG", datasets={"GOOG": path})
    assert len(shadow) == 30


def test_uploads_resample_but_refuse_finer_intervals(tmp_path: Path) -> None:
    datasets = {"Mine": _upload(tmp_path, "mine.csv")}
    assert len(load_ohlcv("Mine", interval="1wk", datasets=datasets)) == 6
    with pytest.raises(InvalidIntervalError, match="Mine has 1d bars"):
        load_ohlcv("Mine", interval="15m", datasets=datasets)


def test_missing_upload_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="gone.csv is unavailable"):
        load_ohlcv("x", datasets={"x": tmp_path / "gone.csv"})


def test_list_symbols_describes_uploads_and_bundled_data(tmp_path: Path) -> None:
    infos = list_symbols(datasets={"Mine": _upload(tmp_path)})
    by_name = {info.symbol: info for info in infos}
    assert [i.source for i in infos] == ["upload", "bundled", "bundled", "bundled"]
    assert by_name["Mine"].bars == 30
    assert by_name["Mine"].interval == "1d"
    assert by_name["EURUSD"].interval == "1h"
    assert by_name["GOOG"].to_dict() == {
        "symbol": "GOOG",
        "source": "bundled",
        "start": "2004-08-19T00:00:00Z",
        "end": "2013-03-01T00:00:00Z",
        "bars": 2148,
        "interval": "1d",
    }


def test_dates_outside_pandas_range_are_a_typed_error():
    from Backtest.market_data import InvalidRangeError

    with pytest.raises(InvalidRangeError, match="outside the supported dates"):
        load_ohlcv("GOOG", start="0230-02-03T08:30:23Z")
    with pytest.raises(InvalidRangeError):
        load_ohlcv("GOOG", end="2262-04-11")
