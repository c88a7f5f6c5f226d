"""A large manifest on PostgreSQL refreshes the planner's statistics of manifest_items.

On a new database (no statistics) or after a large insert, PostgreSQL planned the
balance check as if the contingent had one movement and re-aggregated its movements
once per item: a 5,000-item manifest took 54 s instead of half a second. The insert
now runs ANALYZE in its transaction when it is large for the table.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.registry.factories import MANIFESTS, manifest, weapon


def _believed_rows(engine: Engine) -> float:
    with engine.connect() as connection:
        value = connection.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = 'manifest_items'::regclass")
        ).scalar_one()
    return float(value)


def test_a_large_manifest_leaves_the_planner_knowing_its_rows(
    client: TestClient, sen: dict[str, str]
) -> None:
    engine: Engine = client.app.registry.state.engine  # type: ignore[attr-defined]
    if engine.dialect.name != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    assert _believed_rows(engine) <= 0  # a new database: never analyzed
    small = client.post(MANIFESTS, json=manifest(items=[weapon("S-1")]), headers=sen)
    assert small.status_code == 201, small.text
    assert _believed_rows(engine) <= 0  # one item: not worth an ANALYZE
    items = [weapon(f"L-{n:05d}") for n in range(1500)]
    large = client.post(MANIFESTS, json=manifest(items=items), headers=sen)
    assert large.status_code == 201, large.text
    assert _believed_rows(engine) >= 1500
