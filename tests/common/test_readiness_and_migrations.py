"""Health, readiness, and reversible migrations on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect

from services.common import migrations
from tests.common.foundation_app import create_foundation_app


@pytest.mark.parametrize("service", migrations.SERVICES)
def test_upgrade_downgrade_upgrade(service: str, empty_database_url: str) -> None:
    migrations.upgrade(service, empty_database_url)
    engine = create_engine(empty_database_url)
    try:
        at_head = set(inspect(engine).get_table_names())
        assert migrations.current_revisions(engine) == migrations.head_revisions(service)
        migrations.downgrade(service, empty_database_url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrations.upgrade(service, empty_database_url)
        assert set(inspect(engine).get_table_names()) == at_head
    finally:
        engine.dispose()


def test_readyz_is_200_at_head(database_urls: dict[str, str]) -> None:
    with TestClient(create_foundation_app(database_urls["registry"])) as api:
        response = api.get("/registry/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_readyz_is_503_when_not_migrated(database_urls: dict[str, str]) -> None:
    url = database_urls["registry"]
    with TestClient(create_foundation_app(url), raise_server_exceptions=False) as api:
        migrations.downgrade("registry", url, "base")
        response = api.get("/registry/readyz")
        alive = api.get("/registry/healthz")
    assert response.status_code == 503
    assert response.json()["code"] == "database_not_migrated"
    assert alive.status_code == 200


def test_readyz_is_503_when_database_unreachable(
    database_urls: dict[str, str], tmp_path: Path
) -> None:
    if database_urls["registry"].startswith("sqlite"):
        blocker = tmp_path / "a-file"
        blocker.write_text("not a directory")
        unreachable = f"sqlite:///{blocker}/db.sqlite"
    else:
        unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"
    from services.common.app import create_service_app
    from services.registry.settings import RegistrySettings

    app = create_service_app(
        settings=RegistrySettings(database_url=unreachable),
        title="t",
        description="t",
        version="0",
        routers=[],
    )
    with TestClient(app, raise_server_exceptions=False) as api:
        response = api.get("/registry/readyz")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"


def test_regctl_migrate_brings_a_named_service_to_head(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.cli.main import main

    monkeypatch.setenv("REGISTRY_DATABASE_URL", empty_database_url)
    assert main(["migrate", "nope"]) == 2
    assert main(["migrate", "registry"]) == 0
    engine = create_engine(empty_database_url)
    try:
        assert migrations.current_revisions(engine) == migrations.head_revisions("registry")
    finally:
        engine.dispose()
