"""declarations0010 adds who-submitted columns and leaves every older row and log entry
as it was: their actor's type was never recorded, so the API shows ``submitted_by`` null."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from sqlalchemy import create_engine, insert, select

from services.common import migrations
from services.declarations.models import declaration_versions, declarations, holds, log_entries

NOW = datetime(2026, 1, 1, tzinfo=UTC)
OLD_LEAF = b'{"by":"ECOWAS","declaration_id":"d-1","type":"hold","version":1}'


def test_older_rows_and_log_bytes_stay_as_they_were_and_the_actor_stays_unknown(
    empty_database_url: str,
) -> None:
    migrations.upgrade("declarations", empty_database_url, "declarations0009")
    engine = create_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(declarations).values(
                    id="d-1",
                    type="destruction",
                    declaring_country="SEN",
                    declared_at=NOW,
                    declared_by="sen-client-1",
                )
            )
            connection.execute(
                insert(log_entries).values(
                    index=0,
                    entry_type="hold",
                    declaration_id="d-1",
                    version=1,
                    leaf_input=OLD_LEAF,
                    leaf_hash=hashlib.sha256(b"\0" + OLD_LEAF).digest(),
                    created_at=NOW,
                )
            )
            connection.execute(
                insert(declaration_versions).values(
                    declaration_id="d-1",
                    version=1,
                    record_sha256="0" * 64,
                    event_date=date(2025, 12, 1),
                    undeclared=False,
                    retain_until=date(2056, 1, 1),
                    created_at=NOW,
                    created_by="sen-client-1",
                    log_index=7,
                )
            )
            connection.execute(
                insert(holds).values(
                    id="h-1",
                    declaration_id="d-1",
                    reason="inquiry",
                    placed_at=NOW,
                    placed_by="ecowas-client",
                    placed_by_org="ECOWAS",
                    log_index=0,
                )
            )
        migrations.upgrade("declarations", empty_database_url)
        with engine.connect() as connection:
            leaf = connection.execute(select(log_entries.c.leaf_input)).scalar_one()
            version = connection.execute(select(declaration_versions)).mappings().one()
            hold = connection.execute(select(holds)).mappings().one()
        assert bytes(leaf) == OLD_LEAF
        assert (version["created_by"], version["created_by_type"], version["created_by_org"]) == (
            "sen-client-1",
            None,
            None,
        )
        assert (hold["placed_by"], hold["placed_by_org"], hold["placed_by_type"]) == (
            "ecowas-client",
            "ECOWAS",
            None,
        )
        migrations.downgrade("declarations", empty_database_url, "declarations0009")
        with engine.connect() as connection:
            assert bytes(connection.execute(select(log_entries.c.leaf_input)).scalar_one()) == (
                OLD_LEAF
            )
            kept = connection.execute(select(declaration_versions.c.created_by)).scalar_one()
        assert kept == "sen-client-1"
        migrations.upgrade("declarations", empty_database_url)
    finally:
        engine.dispose()
