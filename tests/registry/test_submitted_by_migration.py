"""registry0010 adds who-submitted columns; manifests stored before keep their client id
and show ``submitted_by`` null (their actor's type and organisation were never kept)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import create_engine, insert, select

from services.common import migrations
from services.registry.manifests.schemas import ManifestRead
from services.registry.models import Manifest

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_manifest_stored_before_names_no_actor_and_keeps_its_client_id(
    empty_database_url: str,
) -> None:
    migrations.upgrade("registry", empty_database_url, "registry0009")
    engine = create_engine(empty_database_url)
    table = Manifest.__table__  # type: ignore[attr-defined]
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(table).values(
                    id="m-1",
                    direction="in",
                    mission_code="MINUSCA",
                    contributing_country="SEN",
                    unit="SENBATT 7",
                    crossing_date=date(2024, 3, 1),
                    is_correction=False,
                    closes_rotation=False,
                    item_count=0,
                    submitted_by="sen-client-1",
                    created_at=NOW,
                )
            )
        migrations.upgrade("registry", empty_database_url)
        with engine.connect() as connection:
            row = connection.execute(select(table)).mappings().one()
        manifest = Manifest.model_validate(dict(row))
        assert manifest.submitted_by == "sen-client-1"
        assert ManifestRead.model_validate(manifest).submitted_by is None
        migrations.downgrade("registry", empty_database_url, "registry0009")
        migrations.upgrade("registry", empty_database_url)
    finally:
        engine.dispose()
