"""CSV uploads: validation with precise errors, ownership, listing and deletion."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from data_api.models import MarketDataset
from data_api.selectors import dataset_paths
from tests.data_api.factories import csv_file, make_dataset, ohlcv_csv

pytestmark = pytest.mark.django_db


def _upload(client, text: str, name: str = "mydata", filename: str = "prices.csv"):
    return client.post(
        "/api/data/upload/", {"file": csv_file(text, filename), "name": name}, format="multipart"
    )


def test_upload_stores_a_normalised_dataset_owned_by_the_uploader(api_client, user):
    response = _upload(api_client, ohlcv_csv(rows=50), filename="my prices.csv")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "MYDATA"
    assert body["rows"] == 50
    assert body["interval"] == "1d"
    assert body["original_filename"] == "my prices.csv"
    assert body["start"].startswith("2021-01-04")
    dataset = MarketDataset.objects.get(owner=user)
    path = Path(settings.DATA_DIR) / "datasets" / str(user.pk) / "MYDATA.csv.gz"
    assert dataset.file_path == str(path.relative_to(settings.DATA_DIR))
    assert path.is_file()
    assert dataset_paths(user=user) == {"MYDATA": path}


def test_upload_says_how_many_rows_of_the_file_it_dropped(api_client):
    """A missing or infinite price, or a repeated time, drops a row (normaliser policy): the
    answer says how many, instead of a row count the uploader has to compare by hand."""
    lines = ohlcv_csv(rows=20).splitlines()
    lines[3] = "2021-01-07,101,102,99,,1000"  # no Close
    lines[5] = "2021-01-11,101,102,99,inf,1000"
    lines.append(lines[10])  # the same time again
    response = _upload(api_client, "\n".join(lines))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rows"], body["rows_dropped"]) == (18, 3)
    listed = api_client.get("/api/data/datasets/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["rows_dropped"] == 3
    assert _upload(api_client, ohlcv_csv(rows=20), name="clean").json()["rows_dropped"] == 0


def test_upload_reports_the_bad_row_and_column(api_client):
    lines = ohlcv_csv(rows=10).splitlines()
    lines[4] = "2021-01-08,101,abc,99,100,1000"
    response = _upload(api_client, "\n".join(lines))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_csv"
    assert error["details"]["row"] == 5
    assert error["details"]["column"] == "High"
    assert error["details"]["fields"]["file"] == [error["message"].split(": ", 1)[1]]
    assert not MarketDataset.objects.exists()


def test_upload_missing_columns_names_them(api_client):
    response = _upload(api_client, "Date,Open,High\n2021-01-04,1,2\n2021-01-05,1,2\n")
    assert response.status_code == 400
    message = response.json()["error"]["details"]["fields"]["file"][0]
    assert "Date, Open, High, Low, Close" in message


def test_upload_row_and_size_limits(api_client, settings):
    settings.DATASET_UPLOAD_MAX_ROWS = 20
    too_many = _upload(api_client, ohlcv_csv(rows=21)).json()["error"]
    assert "too many rows" in too_many["details"]["fields"]["file"][0]
    settings.DATASET_UPLOAD_MAX_BYTES = 100
    too_big = _upload(api_client, ohlcv_csv(rows=10)).json()["error"]
    assert "file too large" in too_big["message"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("goog", "bundled symbol"), ("1ABC", "starting with a letter"), ("a/b", "letters")],
)
def test_upload_rejects_bad_and_shadowing_names(api_client, name, expected):
    response = _upload(api_client, ohlcv_csv(), name=name)
    assert response.status_code == 400
    assert expected in response.json()["error"]["details"]["fields"]["name"][0]


def test_upload_requires_file_and_name(api_client):
    response = api_client.post("/api/data/upload/", {}, format="multipart")
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]["fields"]) == {"file", "name"}


def test_duplicate_name_is_refused_but_other_users_may_use_it(api_client, other_client, user):
    make_dataset(user, name="MYDATA")
    again = _upload(api_client, ohlcv_csv(), name="MyData")
    assert again.status_code == 400
    assert (
        "already have a dataset named MYDATA"
        in again.json()["error"]["details"]["fields"]["name"][0]
    )
    assert _upload(other_client, ohlcv_csv(), name="MYDATA").status_code == 201


def test_dataset_count_limit(api_client, user, settings):
    settings.DATASET_MAX_PER_USER = 1
    make_dataset(user, name="ONE")
    response = _upload(api_client, ohlcv_csv(), name="TWO")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "dataset_limit"


def test_list_shows_only_own_datasets(api_client, user, other_user, django_assert_num_queries):
    make_dataset(user, name="BETA")
    make_dataset(user, name="ALPHA")
    make_dataset(other_user, name="THEIRS")
    with django_assert_num_queries(3):  # token auth, count, page
        response = api_client.get("/api/data/datasets/")
    assert response.status_code == 200
    assert [d["name"] for d in response.json()["results"]] == ["ALPHA", "BETA"]
    assert "file_path" not in response.json()["results"][0]


def test_delete_removes_dataset_and_file(api_client, user, django_capture_on_commit_callbacks):
    dataset = make_dataset(user)
    path = Path(settings.DATA_DIR) / dataset.file_path
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete("/api/data/datasets/mydata/")
    assert response.status_code == 204
    assert not MarketDataset.objects.exists()
    assert not path.exists()
    assert api_client.get("/api/data/MYDATA/ohlcv/").status_code == 404


def test_deleting_another_users_dataset_is_404(other_client, user):
    dataset = make_dataset(user)
    response = other_client.delete("/api/data/datasets/MYDATA/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert MarketDataset.objects.filter(pk=dataset.pk).exists()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/data/datasets/"),
        ("delete", "/api/data/datasets/MYDATA/"),
        ("post", "/api/data/upload/"),
    ],
)
def test_dataset_endpoints_require_authentication(anon_client, method, url):
    response = getattr(anon_client, method)(url)
    assert response.status_code == 401
