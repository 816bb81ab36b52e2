"""GET /api/backtests/{id}/export/?format=csv|json (``format`` is not a DRF renderer here)."""

from __future__ import annotations

import csv
import io

import pytest

from tests.backtest_api.factories import make_run, trade

pytestmark = pytest.mark.django_db

HEADER = [
    "entry_time",
    "exit_time",
    "entry_bar",
    "exit_bar",
    "entry_price",
    "exit_price",
    "size",
    "pnl",
    "return_pct",
    "commission",
    "duration_s",
    "sl",
    "tp",
    "tag",
]


def test_csv_export_has_a_header_and_one_row_per_trade(api_client, user):
    run = make_run(user, trades=0)
    run.trades = [trade(0, sl=480.5), trade(1, pnl=-12.25, tag="=HYPERLINK(1)")]
    run.save()
    response = api_client.get(f"/api/backtests/{run.pk}/export/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="backtest-{run.pk}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == HEADER
    assert len(rows) == 3
    first = dict(zip(HEADER, rows[1], strict=True))
    assert (first["entry_time"], first["entry_bar"], first["entry_price"]) == (
        "2010-02-01T00:00:00",
        "0",
        "500.0",
    )
    assert (first["sl"], first["tp"], first["tag"]) == ("480.5", "", "")
    second = dict(zip(HEADER, rows[2], strict=True))
    assert second["pnl"] == "-12.25"
    assert second["tag"] == "'=HYPERLINK(1)"  # never a spreadsheet formula


def test_csv_export_of_a_run_without_trades_is_the_header(api_client, user):
    run = make_run(user, trades=0)
    response = api_client.get(f"/api/backtests/{run.pk}/export/?format=csv")
    assert response.content.decode() == ",".join(HEADER) + "\n"


def test_json_export_is_the_whole_run(api_client, user):
    run = make_run(user, trades=2)
    response = api_client.get(f"/api/backtests/{run.pk}/export/?format=json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="backtest-{run.pk}.json"'
    body = response.json()
    assert body["settings"] == {"cash": 10_000.0, "commission": 0.0}
    assert body["stats"]["Return [%]"] == 30.1
    assert body["trades"] == [trade(0), trade(1)]
    assert len(body["equity_curve"]) == 1


def test_json_is_the_default_and_accept_headers_do_not_interfere(api_client, user):
    run = make_run(user)
    response = api_client.get(f"/api/backtests/{run.pk}/export/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response.json()["id"] == run.pk


def test_unknown_format_is_400_naming_format(api_client, user):
    run = make_run(user)
    response = api_client.get(f"/api/backtests/{run.pk}/export/?format=xml")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()["error"]["details"]["fields"]) == {"format"}
