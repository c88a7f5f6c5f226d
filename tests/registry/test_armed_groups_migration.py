"""registry0013: the reference trail stays insert-only once it records armed groups and
headstamp codes (SQLite rebuilds the table to widen its CHECK; its triggers come back),
the seeded lists and the listed-entity entry are there, and the revision goes down and
up again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, delete, insert, inspect, select, update
from sqlalchemy.exc import DBAPIError

from services.common import migrations
from services.registry.models.handles import (
    armed_groups,
    embargoes,
    headstamp_codes,
    reference_changes,
)


def _change(entity: str, key: str) -> dict[str, object]:
    return {
        "occurred_at": datetime(2026, 1, 1, tzinfo=UTC),
        "actor": "test",
        "entity": entity,
        "key": key,
        "action": "create",
        "after": {"key": key},
    }


def test_the_trail_stays_insert_only_and_the_revision_goes_down_and_up(
    empty_database_url: str,
) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0012")
    engine = create_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(reference_changes).values(**_change("mission", "OLD")))
        migrations.upgrade("registry", empty_database_url, "registry0013")
        with engine.begin() as connection:
            connection.execute(insert(reference_changes).values(**_change("armed_group", "X")))
            listed = connection.execute(
                select(embargoes.c.country, embargoes.c.listed_groups).where(
                    embargoes.c.scope == "listed_entities"
                )
            ).one()
            groups = {
                row.code: row.part_of
                for row in connection.execute(select(armed_groups.c.code, armed_groups.c.part_of))
            }
            stamps = connection.execute(select(headstamp_codes.c.note)).scalars().all()
        assert listed.country is None
        assert "JNIM" in listed.listed_groups
        assert groups["KATIBAT_MACINA"] == "JNIM"
        assert groups["JNIM"] is None
        assert len(stamps) >= 5
        assert set(stamps) == {"check"}
        for statement in (
            delete(reference_changes),
            update(reference_changes).values(actor="someone else"),
        ):
            with pytest.raises(DBAPIError), engine.begin() as connection:
                connection.execute(statement)
        migrations.downgrade("registry", empty_database_url, "registry0012")
        with engine.begin() as connection:
            keys = connection.execute(select(reference_changes.c.key)).scalars().all()
        assert keys == ["OLD"]
        assert "armed_groups" not in inspect(engine).get_table_names()
        with pytest.raises(DBAPIError), engine.begin() as connection:
            connection.execute(delete(reference_changes))
        migrations.upgrade("registry", empty_database_url, "head")
    finally:
        engine.dispose()
