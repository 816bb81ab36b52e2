"""parse_ohlcv_csv: limits and messages that tell the uploader exactly what to fix."""

from __future__ import annotations

import gzip
from pathlib import Path

import backtesting
import pandas as pd
import pytest
from backtesting.test import GOOG

from Backtest.market_data import CSVValidationError, normalize_ohlcv, parse_ohlcv_csv

GOOD = (
    "Date,Open,High,Low,Close,Volume\n"
    "2020-01-01,10,11,9,10.5,100\n"
    "2020-01-02,11,12,10,11.5,200\n"
    "2020-01-03,12,13,11,12.5,300\n"
)


def test_the_goog_file_backtesting_ships_parses_like_the_frame() -> None:
    path = Path(backtesting.__file__).parent / "test" / "GOOG.csv"
    out = parse_ohlcv_csv(path)
    pd.testing.assert_frame_equal(out, normalize_ohlcv(GOOG))


def test_bytes_with_bom_semicolons_and_lowercase_headers() -> None:
    text = GOOD.replace(",", ";").lower()
    out = parse_ohlcv_csv(b"\xef\xbb\xbf" + text.encode())
    assert list(out.columns) == ["Open", "High", "Low", "Close", "Volume"]
    assert out["Close"].tolist() == [10.5, 11.5, 12.5]


def test_volume_is_optional() -> None:
    text = "date,open,high,low,close\n2020-01-01,1,2,0.5,1.5\n2020-01-02,1,2,0.5,1.5\n"
    assert parse_ohlcv_csv(text)["Volume"].tolist() == [0.0, 0.0]


def test_missing_column_is_named() -> None:
    text = GOOD.replace("Close", "Last Trade")
    with pytest.raises(CSVValidationError, match="missing required column 'Close'") as info:
        parse_ohlcv_csv(text)
    assert info.value.field == "Close"
    assert info.value.code == "invalid_csv"
    assert "Last Trade" in info.value.message


def test_missing_date_column_is_explained() -> None:
    text = "Open,High,Low,Close\n1,2,0.5,1.5\n1,2,0.5,1.5\n"
    with pytest.raises(CSVValidationError, match="no date column"):
        parse_ohlcv_csv(text)


def test_bad_number_reports_the_file_line() -> None:
    text = GOOD.replace("11.5", "eleven")
    with pytest.raises(CSVValidationError, match=r"Close value 'eleven' on line 3") as info:
        parse_ohlcv_csv(text)
    assert info.value.details == {"field": "Close", "row": 3}


def test_bad_date_reports_the_file_line_even_after_blank_lines() -> None:
    text = GOOD.replace("\n2020-01-03", "\n\n2020-13-45")
    with pytest.raises(CSVValidationError, match=r"'2020-13-45' on line 5"):
        parse_ohlcv_csv(text)


def test_high_below_low_reports_the_file_line() -> None:
    text = GOOD.replace("2020-01-02,11,12,10", "2020-01-02,11,9,10")
    with pytest.raises(CSVValidationError, match=r"High 9\.0 is below Low 10\.0 on line 3"):
        parse_ohlcv_csv(text)


def test_size_limit_is_checked_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(CSVValidationError, match="file too large"):
        parse_ohlcv_csv(GOOD.encode(), max_bytes=50)
    path = tmp_path / "big.csv"
    path.write_text(GOOD)
    with pytest.raises(CSVValidationError, match="file too large"):
        parse_ohlcv_csv(path, max_bytes=50)


def test_row_limit() -> None:
    with pytest.raises(CSVValidationError, match="too many rows"):
        parse_ohlcv_csv(GOOD, max_rows=2)
    assert len(parse_ohlcv_csv(GOOD, max_rows=3)) == 3


def test_too_few_usable_rows() -> None:
    text = GOOD.replace("10.5", "").replace("11.5", "")
    with pytest.raises(CSVValidationError, match=r"at least 2 usable rows.*found 1"):
        parse_ohlcv_csv(text)


@pytest.mark.parametrize("data", [b"", "   \n", "Date,Open\n"])
def test_empty_or_headless_files_are_rejected(data: bytes | str) -> None:
    with pytest.raises(CSVValidationError):
        parse_ohlcv_csv(data)


def test_a_string_is_csv_text_never_a_file_name(tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_text(GOOD)
    with pytest.raises(CSVValidationError, match="header has 1 column"):
        parse_ohlcv_csv(str(path))


def test_compressed_upload_is_rejected_with_a_hint() -> None:
    with pytest.raises(CSVValidationError, match="compressed"):
        parse_ohlcv_csv(gzip.compress(GOOD.encode()))


def test_windows_1252_text_is_accepted() -> None:
    text = GOOD.replace("Volume", "Volume\u00a0")  # non-breaking space from a spreadsheet
    assert len(parse_ohlcv_csv(text.encode("cp1252"))) == 3
