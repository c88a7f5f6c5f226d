"""A 100,000-item manifest with one bad row stores nothing and names that row."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.registry.factories import MANIFESTS, manifest, weapon


@pytest.mark.slow
def test_one_bad_item_in_100000_stores_nothing_and_is_named(
    client: TestClient, sen: dict[str, str]
) -> None:
    items = [weapon(f"KC-{i:07d}") for i in range(100_000)]
    items[73_219]["serial_number"] = " - / "
    response = client.post(MANIFESTS, json=manifest(items), headers=sen)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": "items[73219].serial_number", "msg": "has no letter or digit to match on"}
    ]
    assert client.get(MANIFESTS, headers=sen).json()["items"] == []
    items[73_219]["serial_number"] = "KC-FIXED"
    created = client.post(MANIFESTS, json=manifest(items), headers=sen)
    assert created.status_code == 201
    assert created.json()["item_count"] == 100_000
