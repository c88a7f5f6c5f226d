"""registry0029 adds ``manifests.rotation_end_date`` and its CHECK (an ``in`` manifest's,
never before the crossing), on both databases; its downgrade drops them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from services.common import migrations

INSERT = text(
    "INSERT INTO manifests (id, direction, mission_code, contributing_country, unit,"
    " crossing_date, is_correction, closes_rotation, rotation_end_date, item_count,"
    " submitted_by, created_at) VALUES (:id, :direction, 'MINUSCA', 'SEN', 'SENBATT 7',"
    " :crossed, false, false, :ends, 0, 'test', CURRENT_TIMESTAMP)"
)


def _columns(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {str(c["name"]) for c in inspect(engine).get_columns("manifests")}
    finally:
        engine.dispose()


def _insert(url: str, **row: Any) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(INSERT, row)
    finally:
        engine.dispose()


def test_the_planned_end_comes_with_registry0029_checked_and_goes_with_its_downgrade(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    migrations.upgrade("registry", url, "registry0029")
    assert "rotation_end_date" in _columns(url)
    _insert(url, id="kept", direction="in", crossed="2024-01-10", ends="2024-01-10")
    for name, direction, ends in (("early", "in", "2024-01-09"), ("out", "out", "2024-06-30")):
        with pytest.raises(IntegrityError, match="ck_manifests_rotation_end_date"):
            _insert(url, id=name, direction=direction, crossed="2024-01-10", ends=ends)
    migrations.downgrade("registry", url, "registry0028")
    assert "rotation_end_date" not in _columns(url)
    migrations.upgrade("registry", url)
    assert "rotation_end_date" in _columns(url)
