"""registry0014 adds where and how to loss reports and DDR people figures to the
declarations index: rows stored before read as before (new columns null), the database
refuses an unknown circumstance, bad coordinates and negative figures, and it downgrades
cleanly."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import MetaData, Table, create_engine, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from services.common import migrations
from services.registry.models.handles import indexed_declarations, loss_reports

OLD_REPORT = {
    "id": "loss-1",
    "mission_code": "MINUSCA",
    "contributing_country": "SEN",
    "unit": "SENBATT 7",
    "loss_type": "captured_in_attack",
    "loss_date": date(2019, 6, 2),
    "place": "Bambari",
    "circumstances": "Base overrun",
    "item_count": 1,
    "submitted_by": "client-1",
    "created_at": datetime(2019, 6, 3, tzinfo=UTC),
}
OLD_DECLARATION = {
    "declaration_id": "decl-1",
    "version": 1,
    "disposed": False,
    "declaration_type": "collection",
    "declaring_country": "CAF",
    "event_date": date(2019, 7, 1),
    "location_country": "CAF",
    "item_count": 1,
    "updated_at": datetime(2019, 7, 2, tzinfo=UTC),
}


def _refused(engine: Engine, table: Any, row: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(table).values(**row))


def test_reports_and_declarations_stored_before_read_as_before(empty_database_url: str) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0012")
    engine = create_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(loss_reports).values(**OLD_REPORT))
            connection.execute(insert(indexed_declarations).values(**OLD_DECLARATION))
        migrations.upgrade("registry", empty_database_url, "registry0014")
        with engine.connect() as connection:
            # The tables as registry0014 left them (later revisions add columns the
            # models name): read what the database has.
            stored = MetaData()
            report_table = Table("loss_reports", stored, autoload_with=connection)
            declaration_table = Table("indexed_declarations", stored, autoload_with=connection)
            report = connection.execute(select(report_table)).mappings().one()
            declaration = connection.execute(select(declaration_table)).mappings().one()
        assert {k: report[k] for k in OLD_REPORT if k != "created_at"} == {
            k: v for k, v in OLD_REPORT.items() if k != "created_at"
        }
        assert (report["circumstance"], report["lat"], report["lon"]) == (None, None, None)
        assert declaration["declaration_type"] == "collection"
        assert declaration["ddr_female_under_18"] is None
        assert declaration["ddr_sex_or_age_unknown"] is None

        placed = OLD_REPORT | {"id": "loss-2", "circumstance": "ambush", "lat": 5.7, "lon": 20.6}
        with engine.begin() as connection:
            connection.execute(insert(loss_reports).values(**placed))
        _refused(engine, loss_reports, placed | {"id": "loss-3", "circumstance": "looting"})
        _refused(engine, loss_reports, placed | {"id": "loss-4", "lat": 91.0})
        _refused(engine, loss_reports, placed | {"id": "loss-5", "lon": None})
        _refused(
            engine,
            indexed_declarations,
            OLD_DECLARATION | {"declaration_id": "decl-2", "ddr_male_under_18": -1},
        )

        migrations.downgrade("registry", empty_database_url, "registry0012")
        with engine.connect() as connection:
            ids = connection.exec_driver_sql("SELECT id FROM loss_reports ORDER BY id").all()
        assert [row[0] for row in ids] == ["loss-1", "loss-2"]
        migrations.upgrade("registry", empty_database_url, "registry0014")
    finally:
        engine.dispose()
