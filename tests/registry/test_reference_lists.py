"""The labelled lists under /registry/v1/reference: every code a declaration may carry
has a label, and no list offers a code the declarations service would refuse."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient

from services.declarations.declarations.schemas import ExplosiveType, OrdnanceType, SerialStatus
from services.declarations.incidents.schemas import IncidentType

LISTS: dict[str, Any] = {
    "ordnance-types": OrdnanceType,
    "explosive-types": ExplosiveType,
    "serial-statuses": SerialStatus,
    "incident-types": IncidentType,
}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_each_list_labels_exactly_the_codes_declarations_accept(
    client: TestClient, sen: dict[str, str], name: str
) -> None:
    response = client.get(f"/registry/v1/reference/{name}", headers=sen)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [item["code"] for item in items] == list(get_args(LISTS[name]))
    for item in items:
        assert item["label_en"], item
        assert item["label_fr"], item


def test_the_lists_need_a_token(client: TestClient) -> None:
    assert client.get("/registry/v1/reference/incident-types").status_code == 401
