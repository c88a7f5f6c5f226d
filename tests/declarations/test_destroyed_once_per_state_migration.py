"""declarations0009 keys destruction per declaring state, and its downgrade keeps every
record when two states destroyed one item (the later one listed as a duplicate)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, create_engine, insert, select

from services.common import migrations
from services.declarations.models import declarations, duplicate_destructions, items

KEY = "weapon|Kalashnikov Concern|1"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _keys(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(select(items.c.declaration_id, items.c.destroyed_key)).all()
    return {str(d): str(k) for d, k in rows}


def test_upgrade_fills_the_state_and_downgrade_separates_other_states_duplicates(
    empty_database_url: str,
) -> None:
    migrations.upgrade("declarations", empty_database_url, "declarations0007")
    engine = create_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(declarations).values(
                    id="by-ner",
                    type="destruction",
                    declaring_country="NER",
                    declared_at=NOW,
                    declared_by="test",
                )
            )
            columns = ("declaration_id", "position", "kind", "declaration_type", "match_key")
            connection.execute(
                insert(items).values(
                    dict(zip(columns, ("by-ner", 0, "weapon", "destruction", KEY), strict=True))
                    | {"destroyed": True, "undeclared": True, "destroyed_key": KEY}
                )
            )
        migrations.upgrade("declarations", empty_database_url)
        with engine.connect() as connection:
            filled = connection.execute(select(items.c.destroyed_country)).scalars().all()
        assert filled == ["NER"]
        # At head, a second state's destruction of the same item is stored.
        with engine.begin() as connection:
            connection.execute(
                insert(declarations).values(
                    id="by-sen",
                    type="destruction",
                    declaring_country="SEN",
                    declared_at=NOW + timedelta(days=1),
                    declared_by="test",
                )
            )
            connection.execute(
                insert(items).values(
                    dict(zip(columns, ("by-sen", 0, "weapon", "destruction", KEY), strict=True))
                    | {"destroyed": True, "undeclared": True, "destroyed_key": KEY}
                    | {"destroyed_country": "SEN"}
                )
            )
        migrations.downgrade("declarations", empty_database_url, "declarations0007")
        assert _keys(engine) == {"by-ner": KEY, "by-sen": f"{KEY}|duplicate|by-sen|0"}
        with engine.connect() as connection:
            pairs = connection.execute(select(duplicate_destructions)).mappings().all()
        assert [
            (p["kept_declaration_id"], p["other_declaration_id"], p["found_by"]) for p in pairs
        ] == [("by-ner", "by-sen", "declarations0009")]
    finally:
        engine.dispose()
