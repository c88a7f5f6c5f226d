"""Idempotent creation and keyset pagination on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from services.common.pagination import decode_cursor, encode_cursor
from tests.common.foundation_app import create_foundation_app, scratch
from tests.support.responses import assert_status


@pytest.fixture
def api(database_urls: dict[str, str]) -> Iterator[TestClient]:
    app = create_foundation_app(database_urls["registry"], max_body_bytes=1024 * 1024)
    with TestClient(app) as test_client:
        yield test_client


def count_records(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(scratch)).scalar_one())
    finally:
        engine.dispose()


def test_retry_with_same_key_returns_first_response(
    api: TestClient, database_urls: dict[str, str]
) -> None:
    headers = {"Idempotency-Key": "retry-1"}
    first = api.post("/registry/test/records", json={"name": "a", "items": []}, headers=headers)
    again = api.post("/registry/test/records", json={"name": "a", "items": []}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert count_records(database_urls["registry"]) == 1


def test_same_key_with_another_body_is_422(api: TestClient) -> None:
    headers = {"Idempotency-Key": "retry-2"}
    assert_status(
        api.post("/registry/test/records", json={"name": "a", "items": []}, headers=headers)
    )
    response = api.post("/registry/test/records", json={"name": "b", "items": []}, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


def test_without_key_each_post_creates(api: TestClient, database_urls: dict[str, str]) -> None:
    for _ in range(3):
        assert (
            api.post("/registry/test/records", json={"name": "a", "items": []}).status_code == 201
        )
    assert count_records(database_urls["registry"]) == 3


def test_key_longer_than_255_is_refused(api: TestClient) -> None:
    response = api.post(
        "/registry/test/records",
        json={"name": "a", "items": []},
        headers={"Idempotency-Key": "k" * 256},
    )
    assert response.status_code == 422
    # HTTP header names are case-insensitive.
    assert [e["loc"].lower() for e in response.json()["errors"]] == ["header.idempotency-key"]


def test_concurrent_duplicates_create_one_record(
    api: TestClient, database_urls: dict[str, str]
) -> None:
    def post(_: int) -> tuple[int, dict[str, object]]:
        response = api.post(
            "/registry/test/records",
            json={"name": "same", "items": []},
            headers={"Idempotency-Key": "race"},
        )
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(post, range(30)))
    assert {status for status, _ in results} == {201}
    assert len({body["id"] for _, body in results}) == 1
    assert count_records(database_urls["registry"]) == 1


def test_pages_cover_every_row_once_in_key_order(api: TestClient) -> None:
    names = [f"rec-{i:03d}" for i in range(25)]
    for name in reversed(names):
        assert_status(api.post("/registry/test/records", json={"name": name, "items": []}))
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 7, "prefix": "rec-"} | ({"cursor": cursor} if cursor else {})
        page = api.get("/registry/test/records", params=params).json()
        seen.extend(item["name"] for item in page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == names
    assert pages == 4


def test_garbage_cursor_is_400(api: TestClient) -> None:
    response = api.get("/registry/test/records", params={"cursor": "not-a-cursor!"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_limit_over_max_is_422(api: TestClient) -> None:
    response = api.get("/registry/test/records", params={"limit": 1001})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == ["query.limit"]


def test_cursor_round_trips_typed_values() -> None:
    import uuid
    from datetime import UTC, date, datetime

    values = [datetime(2026, 1, 2, 3, 4, tzinfo=UTC), date(2025, 1, 29), uuid.uuid4(), 7, "x"]
    assert decode_cursor(encode_cursor(values), 5) == values


@pytest.mark.parametrize(
    "values",
    [
        [1, "rec"],  # the key is (name, id): types swapped
        ["rec", 2**70],  # an id past 64 bits
        ["rec", True],  # a boolean is not an id
        [date(2026, 1, 1), 1],  # a date where a name belongs
    ],
)
def test_hand_made_cursor_of_wrong_type_is_400(api: TestClient, values: list[object]) -> None:
    response = api.get("/registry/test/records", params={"cursor": encode_cursor(values)})
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_cursor"
