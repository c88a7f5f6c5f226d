"""``*_READ_DATABASE_URL``: what is accepted, and nothing changes without it.

Routing reads to a real standby is tested on PostgreSQL in
tests/reliability/test_read_replica.py.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from services.registry.settings import RegistrySettings

PRIMARY = "postgresql+psycopg://register@db-primary/registry"
REPLICA = "postgresql+psycopg://register@db-replica/registry"


def test_a_postgresql_replica_of_a_postgresql_primary_is_accepted_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REGISTRY_DATABASE_URL", PRIMARY)
    monkeypatch.setenv("REGISTRY_READ_DATABASE_URL", REPLICA)
    monkeypatch.setenv("REGISTRY_READ_REPLICA_MAX_LAG_SECONDS", "30")
    settings = RegistrySettings()
    assert settings.read_database_url == REPLICA
    assert settings.read_replica_max_lag_seconds == 30


def test_the_lag_bound_is_ten_seconds_by_default() -> None:
    assert RegistrySettings(database_url=PRIMARY).read_replica_max_lag_seconds == 10


@pytest.mark.parametrize(
    ("primary", "replica", "problem"),
    [
        (PRIMARY, "sqlite:///var/replica.db", "must be a PostgreSQL streaming replica"),
        ("", REPLICA, "needs a PostgreSQL primary"),
        (PRIMARY, "not a url", "not a database URL"),
    ],
)
def test_a_read_url_that_cannot_be_a_streaming_replica_is_refused(
    primary: str, replica: str, problem: str
) -> None:
    with pytest.raises(ValidationError, match=problem):
        RegistrySettings(database_url=primary, read_database_url=replica)


def test_a_negative_lag_bound_is_refused() -> None:
    with pytest.raises(ValidationError, match="read_replica_max_lag_seconds"):
        RegistrySettings(
            database_url=PRIMARY, read_database_url=REPLICA, read_replica_max_lag_seconds=-1
        )


def test_without_a_read_url_readyz_says_nothing_of_a_replica(client: TestClient) -> None:
    for service in ("auth", "registry", "declarations"):
        response = client.get(f"/{service}/readyz")
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "ready"
        assert "replica" not in response.json()
