"""registry0012 corrects the seeded reference data: the Mali entry (res. 2374, a travel
ban and asset freeze) is withdrawn, not deleted, and the alerts it raised are closed with
an event that says why; the missions gain their sources and the MNJTF its authority."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import create_engine, insert, select

from services.common import migrations
from services.registry.models import Alert
from services.registry.models.handles import alert_events, alerts, embargoes, missions

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _embargo_alert(alert_id: str, embargo_id: str, status: str) -> dict[str, object]:
    return {
        "id": alert_id,
        "kind": "embargo",
        "status": status,
        "dedupe_key": f"embargo:decl-{alert_id}:{embargo_id}",
        "summary": "1 item(s) found in MLI",
        "country": "NER",
        "mission_code": "MINUSMA",
        "declaration_id": f"decl-{alert_id}",
        "record_date": date(2020, 3, 1),
        "every_audience": False,
        "evidence": {},
        "created_at": NOW,
        "updated_at": NOW,
    }


def test_the_mali_entry_is_withdrawn_and_its_alerts_closed_with_the_reason(
    empty_database_url: str,
) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0010")
    engine = create_engine(empty_database_url)
    table = Alert.__table__  # type: ignore[attr-defined]
    try:
        with engine.begin() as connection:
            for alert_id, embargo_id, status in (
                ("a-open", "seed-mli-2017", "open"),
                ("a-ack", "seed-mli-2017", "acknowledged"),
                ("a-done", "seed-mli-2017", "closed"),
                ("a-civ", "seed-civ-2004", "open"),
            ):
                connection.execute(
                    insert(table).values(**_embargo_alert(alert_id, embargo_id, status))
                )
        migrations.upgrade("registry", empty_database_url)
        with engine.connect() as connection:
            status = dict(connection.execute(select(alerts.c.id, alerts.c.status)).all())
            events = connection.execute(
                select(alert_events.c.alert_id, alert_events.c.from_status, alert_events.c.note)
            ).all()
            mali = (
                connection.execute(select(embargoes).where(embargoes.c.id == "seed-mli-2017"))
                .mappings()
                .one()
            )
            mnjtf = connection.execute(
                select(missions.c.authority, missions.c.source).where(missions.c.code == "MNJTF")
            ).one()
            codes = set(connection.execute(select(missions.c.code)).scalars())
            unsourced = connection.execute(
                select(missions.c.code).where(missions.c.source.is_(None))
            ).all()
        assert status == {
            "a-open": "closed",
            "a-ack": "closed",
            "a-done": "closed",
            "a-civ": "open",
        }
        assert sorted((e.alert_id, e.from_status) for e in events) == [
            ("a-ack", "acknowledged"),
            ("a-open", "open"),
        ]
        assert all("travel ban and asset freeze" in e.note for e in events)
        assert mali["withdrawn_at"] is not None
        assert mali["reference"] == "UNSC res. 2374 (2017)"
        assert mnjtf.authority == "LCBC"
        assert "African Union" in mnjtf.source or "AU" in mnjtf.source
        assert {"ECOMOG", "ECOMIL", "FOMUC", "MINURCA", "SSMGB", "MICOPAX", "AFISMA"} <= codes
        assert unsourced == []
        migrations.downgrade("registry", empty_database_url, "registry0010")
        with engine.connect() as connection:
            authority = connection.execute(
                select(missions.c.authority).where(missions.c.code == "MNJTF")
            ).scalar_one()
            assert authority == "AU"
            assert "ECOMOG" not in set(connection.execute(select(missions.c.code)).scalars())
        migrations.upgrade("registry", empty_database_url)
    finally:
        engine.dispose()
