"""Disk cache and the Yahoo boundary; ``yahoo_client.download`` is always replaced (no network)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest

from Backtest.market_data import (
    DataFetchError,
    InvalidIntervalError,
    InvalidSymbolError,
    UnknownSymbolError,
    fetch_to_cache,
    list_symbols,
    load_ohlcv,
    yahoo_client,
)
from Backtest.market_data._files import atomic_write

UNIVERSE = pd.date_range("2015-01-01", "2024-12-31", freq="B")


def _fake_yahoo(
    symbol: str, start: pd.Timestamp | None, end: pd.Timestamp | None, interval: str
) -> pd.DataFrame:
    """Business-day bars like yfinance returns them, honouring Yahoo's exclusive end."""
    index = UNIVERSE
    if start is not None:
        index = index[index >= start]
    if end is not None:
        index = index[index < end]
    close = 100 + np.arange(len(index), dtype=float) % 17
    return pd.DataFrame(
        {
            "Open": close,
            "High": close + 2,
            "Low": close - 2,
            "Close": close + 1,
            "Volume": np.full(len(index), 1000),
        },
        index=pd.DatetimeIndex(index, name="Date"),
    )


@pytest.fixture
def yahoo() -> Iterator[mock.MagicMock]:
    with mock.patch.object(yahoo_client, "download", autospec=True, side_effect=_fake_yahoo) as m:
        yield m


def test_network_fetch_is_cached_and_a_cached_range_never_downloads_again(
    tmp_path: Path, yahoo: mock.MagicMock
) -> None:
    first = load_ohlcv("aapl", "2020-01-01", "2020-06-30", cache_dir=tmp_path, allow_network=True)
    assert yahoo.call_count == 1
    symbol, start, end, interval = yahoo.call_args.args
    assert (symbol, start, end, interval) == (
        "AAPL",
        pd.Timestamp("2020-01-01"),
        pd.Timestamp("2020-07-01"),
        "1d",
    )
    assert first.index[0] == pd.Timestamp("2020-01-01")
    assert first.index[-1] == pd.Timestamp("2020-06-30")
    assert (tmp_path / "AAPL__1d.csv.gz").is_file()

    again = load_ohlcv("AAPL", "2020-01-01", "2020-06-30", cache_dir=tmp_path, allow_network=True)
    inner = load_ohlcv("AAPL", "2020-03-01", "2020-03-31", cache_dir=tmp_path, allow_network=True)
    offline = load_ohlcv("AAPL", "2020-02-01", "2020-02-29", cache_dir=tmp_path)
    assert yahoo.call_count == 1
    pd.testing.assert_frame_equal(again, first)
    assert inner.index[0] == pd.Timestamp("2020-03-02")
    assert len(offline) == 20


def test_a_wider_request_downloads_the_union_once(tmp_path: Path, yahoo: mock.MagicMock) -> None:
    load_ohlcv("MSFT", "2020-03-01", "2020-03-31", cache_dir=tmp_path, allow_network=True)
    wider = load_ohlcv("MSFT", "2020-01-01", "2020-02-15", cache_dir=tmp_path, allow_network=True)
    assert yahoo.call_count == 2
    assert yahoo.call_args.args[1:3] == (pd.Timestamp("2020-01-01"), pd.Timestamp("2020-04-01"))
    assert wider.index[-1] == pd.Timestamp("2020-02-14")
    load_ohlcv("MSFT", "2020-02-10", "2020-03-20", cache_dir=tmp_path, allow_network=True)
    assert yahoo.call_count == 2


def test_open_ended_request_is_fresh_for_the_rest_of_the_day(
    tmp_path: Path, yahoo: mock.MagicMock
) -> None:
    full = load_ohlcv("SPY", cache_dir=tmp_path, allow_network=True)
    assert yahoo.call_args.args[1] is None  # no start: Yahoo's full history
    assert len(full) == len(UNIVERSE)
    load_ohlcv("SPY", "2016-01-01", cache_dir=tmp_path, allow_network=True)
    assert yahoo.call_count == 1


def test_without_network_a_partly_cached_range_returns_what_is_cached(
    tmp_path: Path, yahoo: mock.MagicMock
) -> None:
    fetch_to_cache("IBM", "2020-01-01", "2020-01-31", cache_dir=tmp_path)
    out = load_ohlcv("IBM", "2019-12-01", "2020-12-31", cache_dir=tmp_path)
    assert out.index[0] == pd.Timestamp("2020-01-01")
    assert out.index[-1] == pd.Timestamp("2020-01-31")
    assert yahoo.call_count == 1


def test_without_network_unknown_symbols_list_cached_ones(
    tmp_path: Path, yahoo: mock.MagicMock
) -> None:
    fetch_to_cache("IBM", "2020-01-01", "2020-01-31", cache_dir=tmp_path)
    with pytest.raises(UnknownSymbolError) as info:
        load_ohlcv("TSLA", cache_dir=tmp_path)
    assert info.value.available == ["BTCUSD", "EURUSD", "GOOG", "IBM"]
    assert "fetch it from Yahoo Finance first" in str(info.value)
    assert yahoo.call_count == 1


def test_fetch_failure_names_the_offline_symbols_and_writes_nothing(tmp_path: Path) -> None:
    failure = DataFetchError("TSLA", "ConnectionError: no route to host")
    with (
        mock.patch.object(yahoo_client, "download", autospec=True, side_effect=failure),
        pytest.raises(DataFetchError) as info,
    ):
        load_ohlcv("TSLA", cache_dir=tmp_path, allow_network=True)
    assert str(info.value) == (
        "could not fetch 'TSLA' from Yahoo Finance: ConnectionError: no route to host; "
        "bundled symbols GOOG, EURUSD, BTCUSD work offline"
    )
    assert info.value.code == "fetch_failed"
    assert list(tmp_path.iterdir()) == []


def test_invalid_yahoo_data_is_a_fetch_error_and_not_cached(tmp_path: Path) -> None:
    bad = _fake_yahoo("X", pd.Timestamp("2020-01-01"), pd.Timestamp("2020-01-10"), "1d")
    bad.iloc[2, bad.columns.get_loc("High")] = 1.0
    with (
        mock.patch.object(yahoo_client, "download", autospec=True, return_value=bad),
        pytest.raises(DataFetchError, match="failed validation: High 1.0 is below Low"),
    ):
        load_ohlcv("X", "2020-01-01", "2020-01-09", cache_dir=tmp_path, allow_network=True)
    assert list(tmp_path.iterdir()) == []


def test_fetch_to_cache_reports_the_file_and_skips_covered_ranges(
    tmp_path: Path, yahoo: mock.MagicMock
) -> None:
    info = fetch_to_cache("^GSPC", "2021-01-01", "2021-12-31", cache_dir=tmp_path)
    assert (info.symbol, info.source, info.interval) == ("^GSPC", "cache", "1d")
    assert info.bars == len(UNIVERSE[(UNIVERSE >= "2021-01-01") & (UNIVERSE <= "2021-12-31")])
    assert (tmp_path / "%5EGSPC__1d.csv.gz").is_file()
    fetch_to_cache("^gspc", "2021-03-01", "2021-04-01", cache_dir=tmp_path)
    assert yahoo.call_count == 1
    forced = fetch_to_cache("^GSPC", "2021-03-01", "2021-04-01", cache_dir=tmp_path, force=True)
    assert yahoo.call_count == 2
    assert yahoo.call_args.args[1:3] == (pd.Timestamp("2021-01-01"), pd.Timestamp("2022-01-01"))
    assert forced == info
    listed = [i for i in list_symbols(cache_dir=tmp_path) if i.source == "cache"]
    assert listed == [info]


def test_intervals_are_cached_separately_and_must_be_yahoo_intervals(
    tmp_path: Path, yahoo: mock.MagicMock
) -> None:
    fetch_to_cache("AAPL", "2021-01-01", "2021-02-01", "1wk", cache_dir=tmp_path)
    assert yahoo.call_args.args[3] == "1wk"
    assert (tmp_path / "AAPL__1wk.csv.gz").is_file()
    with pytest.raises(InvalidIntervalError, match="Yahoo Finance does not serve '2d'"):
        fetch_to_cache("AAPL", interval="2d", cache_dir=tmp_path)


def test_damaged_cache_file_is_refetched(tmp_path: Path, yahoo: mock.MagicMock) -> None:
    fetch_to_cache("AAPL", "2021-01-01", "2021-02-01", cache_dir=tmp_path)
    path = tmp_path / "AAPL__1d.csv.gz"
    path.write_bytes(path.read_bytes()[:40])
    out = load_ohlcv("AAPL", "2021-01-04", "2021-01-08", cache_dir=tmp_path, allow_network=True)
    assert len(out) == 5
    assert yahoo.call_count == 2
    with gzip.open(path, "rt") as fh:
        assert fh.readline().startswith("# algoagent-cache ")


@pytest.mark.parametrize("symbol", ["../evil", "a/b", "..", "", "x" * 40])
def test_symbols_that_are_not_tickers_never_reach_the_disk(
    tmp_path: Path, yahoo: mock.MagicMock, symbol: str
) -> None:
    with pytest.raises(InvalidSymbolError, match="invalid symbol"):
        load_ohlcv(symbol, cache_dir=tmp_path / "cache", allow_network=True)
    assert yahoo.call_count == 0
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_leaves_the_old_file_on_failure(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("old")

    def half_write(fh: object) -> None:
        fh.write(b"new but incomplete")  # type: ignore[attr-defined]
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, half_write)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["data.csv"]


def test_client_turns_yfinance_exceptions_into_fetch_errors() -> None:
    with (
        mock.patch("yfinance.Ticker", autospec=True, side_effect=RuntimeError("offline")),
        pytest.raises(DataFetchError, match="RuntimeError: offline"),
    ):
        yahoo_client.download("AAPL", None, None, "1d")


def test_client_reports_an_empty_answer_as_a_fetch_error() -> None:
    with mock.patch("yfinance.Ticker", autospec=True) as ticker:
        ticker.return_value.history.return_value = pd.DataFrame()
        with pytest.raises(DataFetchError, match="Yahoo returned no data"):
            yahoo_client.download("NOPE", pd.Timestamp("2020-01-01"), None, "1d")
        kwargs = ticker.return_value.history.call_args.kwargs
    assert kwargs["start"] == pd.Timestamp("2020-01-01").to_pydatetime()
    assert kwargs["auto_adjust"] is True


def test_client_keeps_exchange_dates_for_daily_bars() -> None:
    index = pd.date_range("2020-01-02", periods=2, freq="D", tz="America/New_York")
    frame = pd.DataFrame({"Open": [1.0, 1.0], "High": [1.0, 1.0]}, index=index)
    with mock.patch("yfinance.Ticker", autospec=True) as ticker:
        ticker.return_value.history.return_value = frame
        daily = yahoo_client.download("AAPL", None, None, "1d")
        hourly = yahoo_client.download("AAPL", None, None, "1h")
    assert daily.index[0] == pd.Timestamp("2020-01-02")
    assert hourly.index.tz is not None  # intraday keeps its zone; the normaliser makes it UTC
