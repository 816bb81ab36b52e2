"""normalize_ohlcv: the single gate between any OHLCV frame and backtesting.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from backtesting.test import BTCUSD, EURUSD, GOOG

from Backtest.market_data import COLUMNS, InvalidDataError, normalize_ohlcv


def _frame(**overrides: object) -> pd.DataFrame:
    data = {
        "Date": ["2020-01-01", "2020-01-02", "2020-01-03"],
        "Open": [10.0, 11.0, 12.0],
        "High": [11.0, 12.0, 13.0],
        "Low": [9.0, 10.0, 11.0],
        "Close": [10.5, 11.5, 12.5],
        "Volume": [100.0, 200.0, 300.0],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def _assert_clean(df: pd.DataFrame) -> None:
    assert list(df.columns) == list(COLUMNS)
    assert isinstance(df.index, pd.DatetimeIndex)
    assert df.index.tz is None
    assert df.index.name == "Date"
    assert df.index.is_monotonic_increasing
    assert df.index.is_unique
    assert all(dtype == np.float64 for dtype in df.dtypes)
    assert not df[["Open", "High", "Low", "Close"]].isna().any().any()


@pytest.mark.parametrize("frame", [GOOG, EURUSD, BTCUSD], ids=["GOOG", "EURUSD", "BTCUSD"])
def test_bundled_frames_pass_unchanged_in_value(frame: pd.DataFrame) -> None:
    out = normalize_ohlcv(frame)
    _assert_clean(out)
    assert len(out) == len(frame)
    np.testing.assert_array_equal(out["Close"].to_numpy(), frame["Close"].to_numpy())


def test_column_names_any_case_and_aliases_are_mapped() -> None:
    df = pd.DataFrame(
        {
            "timestamp": ["2020-01-01", "2020-01-02"],
            "OPEN": [1.0, 2.0],
            "hi": [2.0, 3.0],
            "low_price": [0.5, 1.5],
            "Adj Close": [1.5, 2.5],
            "VOL": [5, 6],
            "Ticker": ["X", "X"],
        }
    )
    out = normalize_ohlcv(df)
    _assert_clean(out)
    assert out["Close"].tolist() == [1.5, 2.5]
    assert out["High"].tolist() == [2.0, 3.0]


def test_close_wins_over_adj_close() -> None:
    out = normalize_ohlcv(_frame(**{"Adj Close": [1.0, 1.0, 1.0]}))
    assert out["Close"].tolist() == [10.5, 11.5, 12.5]


def test_separate_date_and_time_columns_are_combined() -> None:
    df = _frame(Date=["2020.01.02"] * 3, Time=["09:00", "10:00", "11:00"])
    out = normalize_ohlcv(df)
    assert out.index[1] == pd.Timestamp("2020-01-02 10:00")


@pytest.mark.parametrize(
    ("index", "first"),
    [
        ([1577836800, 1577923200, 1578009600], "2020-01-01"),
        ([1577836800000, 1577923200000, 1578009600000], "2020-01-01"),
        ([20200101, 20200102, 20200103], "2020-01-01"),
        (["2020-01-01", "2020-01-02", "2020-01-03"], "2020-01-01"),
    ],
    ids=["epoch_s", "epoch_ms", "yyyymmdd", "strings"],
)
def test_non_datetime_indexes_become_datetimes(index: list[object], first: str) -> None:
    df = _frame().drop(columns="Date")
    df.index = index
    out = normalize_ohlcv(df)
    _assert_clean(out)
    assert out.index[0] == pd.Timestamp(first)


def test_timezones_are_converted_to_utc_then_dropped() -> None:
    df = _frame().drop(columns="Date")
    df.index = pd.date_range("2020-01-01 10:00", periods=3, freq="D", tz="Europe/Berlin")
    out = normalize_ohlcv(df)
    assert out.index.tz is None
    assert out.index[0] == pd.Timestamp("2020-01-01 09:00")


def test_rows_are_sorted_and_duplicate_timestamps_keep_the_last() -> None:
    df = _frame(Date=["2020-01-03", "2020-01-01", "2020-01-03"])
    out = normalize_ohlcv(df)
    assert list(out.index) == [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-01-03")]
    assert out.loc["2020-01-03", "Close"] == 12.5


def test_missing_prices_drop_rows_and_missing_volume_becomes_zero() -> None:
    df = _frame(Close=[10.5, None, np.inf], Volume=[None, 1.0, 2.0])
    out = normalize_ohlcv(df)
    assert len(out) == 1
    assert out["Volume"].iloc[0] == 0.0


def test_volume_column_is_optional() -> None:
    out = normalize_ohlcv(_frame().drop(columns="Volume"))
    assert out["Volume"].tolist() == [0.0, 0.0, 0.0]


def test_high_below_low_is_rejected_naming_the_row() -> None:
    with pytest.raises(InvalidDataError, match=r"High 8\.0 is below Low 10\.0 on row 1") as info:
        normalize_ohlcv(_frame(High=[11.0, 8.0, 13.0]))
    assert info.value.row == 1
    assert info.value.details == {"field": "High", "row": 1}


def test_open_outside_the_bar_is_rejected_unless_repaired() -> None:
    df = _frame(Open=[10.0, 12.5, 12.0])
    with pytest.raises(InvalidDataError, match="Open 12.5 is outside"):
        normalize_ohlcv(df)
    repaired = normalize_ohlcv(df, repair=True)
    assert repaired["High"].iloc[1] == 12.5


def test_non_positive_prices_and_negative_volume_are_rejected() -> None:
    with pytest.raises(InvalidDataError, match="non-positive price"):
        normalize_ohlcv(_frame(Low=[9.0, 0.0, 11.0]))
    with pytest.raises(InvalidDataError, match="negative Volume"):
        normalize_ohlcv(_frame(Volume=[1.0, -5.0, 1.0]))


def test_missing_column_is_named_with_the_columns_found() -> None:
    with pytest.raises(InvalidDataError, match=r"missing required column 'Low'.*Date, Ope") as info:
        normalize_ohlcv(_frame().drop(columns="Low"))
    assert info.value.field == "Low"


def test_unparseable_number_names_value_and_row() -> None:
    with pytest.raises(InvalidDataError, match=r"Close value 'abc' on row 2"):
        normalize_ohlcv(_frame(Close=["10.5", "11.5", "abc"]))


def test_unparseable_date_names_value_and_row() -> None:
    with pytest.raises(InvalidDataError, match=r"'not a date' on row 1"):
        normalize_ohlcv(_frame(Date=["2020-01-01", "not a date", "2020-01-03"]))


def test_small_integer_index_is_not_mistaken_for_dates() -> None:
    with pytest.raises(InvalidDataError, match="no date column"):
        normalize_ohlcv(_frame().drop(columns="Date"))
    df = _frame().drop(columns="Date")
    df.index = [5, 6, 7]
    with pytest.raises(InvalidDataError, match="neither a date nor an epoch"):
        normalize_ohlcv(df)


def test_yfinance_multiindex_columns_are_flattened() -> None:
    df = _frame().set_index("Date")
    df.columns = pd.MultiIndex.from_product([df.columns, ["AAPL"]], names=["Price", "Ticker"])
    out = normalize_ohlcv(df)
    _assert_clean(out)
    two = pd.concat({"A": _frame().set_index("Date"), "B": _frame().set_index("Date")}, axis=1)
    with pytest.raises(InvalidDataError, match="several tickers"):
        normalize_ohlcv(two)


def test_duplicate_columns_are_rejected() -> None:
    df = _frame()
    df["close"] = df["Close"]
    with pytest.raises(InvalidDataError, match="duplicate column"):
        normalize_ohlcv(df)


def test_input_is_not_modified_and_must_be_a_frame() -> None:
    df = _frame(Date=["2020-01-03", "2020-01-01", "2020-01-02"])
    before = df.copy()
    normalize_ohlcv(df)
    pd.testing.assert_frame_equal(df, before)
    with pytest.raises(InvalidDataError, match="expected a pandas DataFrame"):
        normalize_ohlcv([1, 2, 3])  # type: ignore[arg-type]


def test_frame_without_any_complete_row_is_rejected() -> None:
    with pytest.raises(InvalidDataError, match="no usable rows"):
        normalize_ohlcv(_frame(Close=[None, None, None]))
