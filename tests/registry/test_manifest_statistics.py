"""The balance check of a large manifest on PostgreSQL does not depend on the planner's
statistics.

On a new database (no statistics) or after a large insert, PostgreSQL planned the
balance check as if the contingent had one movement and re-aggregated its movements
once per item in a nested loop: a 5,000-item manifest took 54 s instead of half a
second. An ANALYZE in the upload's transaction fixed the plan but made concurrent uploads
wait for one another's commit. The check now aggregates the contingent's movements once
(a materialized CTE) and joins them without a nested loop, whatever the statistics say.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from tests.registry.factories import MANIFESTS, manifest, weapon


def test_a_large_manifest_on_a_new_database_checks_its_balance_without_a_nested_loop(
    client: TestClient, sen: dict[str, str]
) -> None:
    engine: Engine = client.app.registry.state.engine  # type: ignore[attr-defined]
    if engine.dialect.name != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    plans: list[str] = []

    def explain_balance_check(
        _conn: Any, cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        if "per_weapon" in statement:  # the balance check, planned as it is about to run
            cursor.execute("EXPLAIN " + statement, parameters)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))

    items = [weapon(f"L-{n:05d}") for n in range(1500)]
    event.listen(engine, "before_cursor_execute", explain_balance_check)
    try:
        first = client.post(MANIFESTS, json=manifest(items=items), headers=sen)
        again = client.post(MANIFESTS, json=manifest(items=items), headers=sen)
    finally:
        event.remove(engine, "before_cursor_execute", explain_balance_check)
    assert first.status_code == 201, first.text
    assert again.status_code == 422, again.text  # the check runs: every weapon is in already
    assert len(again.json()["errors"]) == 1000
    assert len(plans) == 2
    for plan in plans:
        assert "CTE per_weapon" in plan, plan  # the movements aggregated once
        assert "Nested Loop" not in plan, plan
