"""Small factories for registry tests: manifests, items, loss reports."""

from __future__ import annotations

from typing import Any

from tests.support.declarations_log import proven

MANIFESTS = "/registry/v1/manifests"


def weapon(serial: str, **overrides: Any) -> dict[str, Any]:
    """A weapon item (an AK-103 unless told otherwise)."""
    item = {
        "kind": "weapon",
        "category": "assault_rifle",
        "manufacturer": "Kalashnikov Concern",
        "model": "AK-103",
        "calibre": "7.62x39mm",
        "serial_number": serial,
    }
    item.update(overrides)
    return item


def ammunition(
    lot: str, quantity: int, calibre: str = "7.62x39mm", **overrides: Any
) -> dict[str, Any]:
    """An ammunition lot item."""
    item = {"kind": "ammunition", "calibre": calibre, "lot_number": lot, "quantity": quantity}
    item.update(overrides)
    return item


def manifest(
    items: list[dict[str, Any]],
    *,
    direction: str = "in",
    mission: str = "MINUSCA",
    country: str = "SEN",
    crossing_date: str = "2024-03-01",
    **overrides: Any,
) -> dict[str, Any]:
    """A manifest body."""
    body = {
        "direction": direction,
        "mission": mission,
        "contributing_country": country,
        "unit": "SENBATT 7",
        "crossing_date": crossing_date,
        "crossing_point": "Bangui M'Poko airport",
        "items": items,
    }
    body.update(overrides)
    return body


INDEX = "/registry/v1/index/declarations"


def declared_weapon(index: int, serial: str | None, **overrides: Any) -> dict[str, Any]:
    """A weapon item of a delivered declaration (an AK-103 unless told otherwise)."""
    item: dict[str, Any] = {
        "item_index": index,
        "kind": "weapon",
        "category": "assault_rifle",
        "manufacturer": "Kalashnikov Concern",
        "model": "AK-103",
        "calibre": "7.62x39mm",
        "serial_number": serial,
        "quantity": 1,
    }
    item.update(overrides)
    return item


def delivery(
    items: list[dict[str, Any]],
    *,
    declaration_id: str = "decl-1",
    version: int = 1,
    event_id: str | None = None,
    type_: str = "seizure",
    country: str = "NER",
    mission: str | None = "MINUSMA",
    event_date: str = "2024-05-10",
    location_country: str = "MLI",
    action: str = "upsert",
    **overrides: Any,
) -> dict[str, Any]:
    """A delivery of the declarations outbox to ``POST /registry/v1/index/declarations``,
    with its record and its proof in the test log (change a field after: ``proven`` again)."""
    import uuid

    body: dict[str, Any] = {
        "event_id": event_id or str(uuid.uuid4()),
        "declaration_id": declaration_id,
        "version": version,
        "action": action,
        "type": type_,
        "declaring_country": country,
        "mission": mission,
        "event_date": event_date,
        "location": {"country": location_country, "place": "Ménaka", "lat": 15.9, "lon": 2.4},
        "presumed_user": None,
        "undeclared": False,
        "references": [],
        "items": items,
    }
    body.update(overrides)
    return proven(body)
