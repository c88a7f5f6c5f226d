"""Every error, expected or not, is an RFC 9457 problem with the right status."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.common.foundation_app import create_foundation_app

PROBLEM = "application/problem+json"


@pytest.fixture
def api(database_urls: dict[str, str]) -> Iterator[TestClient]:
    app = create_foundation_app(database_urls["registry"])
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"].endswith(code)
    assert body["title"]
    return body


def test_malformed_json_is_400(api: TestClient) -> None:
    response = api.post(
        "/registry/test/batches",
        content=b'{"name": "x", items: [',
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 400, "malformed_json")


def test_wrong_content_type_is_415(api: TestClient) -> None:
    response = api.post(
        "/registry/test/batches", content=b"name=x", headers={"content-type": "text/plain"}
    )
    assert_problem(response, 415, "unsupported_media_type")


def test_form_body_on_json_route_is_415(api: TestClient) -> None:
    response = api.post("/registry/test/batches", data={"name": "x"})
    assert_problem(response, 415, "unsupported_media_type")


def test_unknown_path_is_404(api: TestClient) -> None:
    body = assert_problem(api.get("/registry/nowhere"), 404, "not_found")
    assert body["instance"] == "/registry/nowhere"


def test_wrong_method_is_405(api: TestClient) -> None:
    assert_problem(api.delete("/registry/test/batches"), 405, "method_not_allowed")


def test_oversized_declared_body_is_413(api: TestClient) -> None:
    response = api.post("/registry/test/records", json={"name": "x" * 5000, "items": []})
    body = assert_problem(response, 413, "payload_too_large")
    assert "1 KiB" in body["detail"]


def test_oversized_streamed_body_without_length_is_413(api: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'", "items": []}'

    response = api.post(
        "/registry/test/records", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "payload_too_large")


def test_bulk_route_has_its_own_larger_limit(api: TestClient) -> None:
    items = [{"serial_number": f"SN{i}", "quantity": 1} for i in range(2000)]
    response = api.post("/registry/test/batches", json={"name": "bulk", "items": items})
    assert response.status_code == 201
    assert response.json() == {"items": 2000}


def test_validation_names_every_problem(api: TestClient) -> None:
    items = [{"serial_number": "ok", "quantity": 1}] * 17 + [
        {"serial_number": "", "quantity": 0},
        {"quantity": 2},
    ]
    response = api.post("/registry/test/batches", json={"name": "", "items": items})
    body = assert_problem(response, 422, "validation_failed")
    locations = {e["loc"] for e in body["errors"]}
    assert locations == {
        "name",
        "items[17].serial_number",
        "items[17].quantity",
        "items[18].serial_number",
    }
    assert all(e["msg"] for e in body["errors"])


def test_query_problems_are_located(api: TestClient) -> None:
    body = assert_problem(api.get("/registry/test/records?limit=0"), 422, "validation_failed")
    assert body["errors"][0]["loc"] == "query.limit"


def test_unhandled_error_is_500_without_internals(
    api: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="salw.errors"):
        response = api.get("/registry/test/boom", headers={"X-Request-ID": "trace-me-42"})
    body = assert_problem(response, 500, "internal_error")
    assert body["title"] == "Internal server error"
    assert "secret internal detail" not in response.text
    assert body["request_id"] == "trace-me-42"
    logged = [r for r in caplog.records if r.name == "salw.errors"]
    assert logged
    assert getattr(logged[0], "request_id", None) == "trace-me-42"


def test_request_id_is_echoed_or_made(api: TestClient) -> None:
    echoed = api.get("/registry/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    made = api.get("/registry/healthz", headers={"X-Request-ID": "bad id with spaces\n"})
    assert made.headers["x-request-id"] not in ("", "bad id with spaces")
    assert len(made.headers["x-request-id"]) == 32


def test_security_headers_are_set(api: TestClient) -> None:
    response = api.get("/registry/healthz")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in response.headers["content-security-policy"]
