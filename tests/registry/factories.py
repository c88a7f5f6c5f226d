"""Small factories for registry tests: manifests, items, loss reports."""

from __future__ import annotations

from typing import Any

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
