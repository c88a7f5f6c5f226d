"""Test harness: real databases, migrated once, cloned per test.

The backend comes from ``TEST_DATABASE`` (``sqlite``, the default, or
``postgresql`` with ``TEST_POSTGRES_URL`` pointing at a server, as ``make test``
arranges). Each service's tree is migrated once into a template; each test gets
fresh copies (a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on
PostgreSQL), so tests never see each other's data and never mock the database.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from services.common import migrations

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from services.embedded import EmbeddedRegister, EmbeddedSettings

pytest_plugins = ["tests.support.auth_fixtures"]

BACKEND = os.environ.get("TEST_DATABASE", "sqlite")
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")
DB_FIXTURES = {"database_urls", "register", "client", "empty_database_url"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests that touch a database, so the PostgreSQL pass can select them."""
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
    # The read-replica tests first: the hot standby is current when the pass begins, and
    # later it is still replaying the WAL of every test database cloned before them.
    items.sort(key=lambda item: "test_read_replica.py" not in item.nodeid)


def pytest_report_header() -> str:
    return f"database backend: {BACKEND}"


class PostgresServer:
    """Creates and drops databases on the throwaway test cluster."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(
            self.url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=None
        )

    def database_url(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        return self.database_url(name)

    def drop(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    if BACKEND != "postgresql":
        yield None
        return
    if not POSTGRES_URL:
        pytest.exit("TEST_DATABASE=postgresql needs TEST_POSTGRES_URL (make test sets both)", 2)
    server = PostgresServer(POSTGRES_URL)
    yield server
    server.admin.dispose()


@pytest.fixture(scope="session")
def templates(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresServer | None
) -> Iterator[dict[str, str]]:
    """A migrated template database per service (name or file path)."""
    made: dict[str, str] = {}
    run = uuid.uuid4().hex[:8]
    for service in migrations.SERVICES:
        if postgres is None:
            path = tmp_path_factory.mktemp("templates") / f"{service}.db"
            migrations.upgrade(service, f"sqlite:///{path}")
            made[service] = str(path)
        else:
            name = f"tmpl_{run}_{service}"
            url = postgres.create(name)
            migrations.upgrade(service, url)
            made[service] = name
    yield made
    if postgres is not None:
        for name in made.values():
            postgres.drop(name)


@pytest.fixture
def database_urls(
    tmp_path: Path, templates: dict[str, str], postgres: PostgresServer | None
) -> Iterator[dict[str, str]]:
    """Fresh, migrated databases for this test, one per service."""
    urls: dict[str, str] = {}
    created: list[str] = []
    run = uuid.uuid4().hex[:10]
    for service, template in templates.items():
        if postgres is None:
            target = tmp_path / "var" / f"{service}.db"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(template, target)
            urls[service] = f"sqlite:///{target}"
        else:
            name = f"t_{run}_{service}"
            urls[service] = postgres.create(name, template=template)
            created.append(name)
    yield urls
    if postgres is not None:
        for name in created:
            postgres.drop(name)


@pytest.fixture
def empty_database_url(tmp_path: Path, postgres: PostgresServer | None) -> Iterator[str]:
    """An empty database (no migrations applied), for migration tests."""
    if postgres is None:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"e_{uuid.uuid4().hex[:10]}"
    url = postgres.create(name)
    yield url
    postgres.drop(name)


@pytest.fixture
def register_settings(database_urls: dict[str, str], tmp_path: Path) -> EmbeddedSettings:
    """Settings of the three services on this test's databases."""
    from services.auth.settings import AuthSettings
    from services.declarations.settings import DeclarationsSettings
    from services.embedded import EmbeddedSettings
    from services.registry.settings import RegistrySettings
    from tests.support.declarations_log import TEST_LOG_SIGNING_KEY

    common = {"var_dir": tmp_path / "var", "log_level": "WARNING"}
    # The key file too, for commands run with only DECLARATIONS_VAR_DIR (regctl log ...).
    key_file = tmp_path / "var" / "keys" / "log-signer.key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(TEST_LOG_SIGNING_KEY + "\n")
    key_file.chmod(0o600)
    return EmbeddedSettings(
        auth=AuthSettings(database_url=database_urls["auth"], **common),
        registry=RegistrySettings(
            database_url=database_urls["registry"],
            neighbour_indexer_enabled=False,
            webhooks_worker_enabled=False,
            mail_worker_enabled=False,
            **common,
        ),
        # Tests deliver the weapon-index feed (POST .../index-feed/deliveries) and webhooks
        # and index serial neighbours explicitly rather than from background tasks
        # racing their assertions.
        # The log signs with the key that the registry tests' own deliveries are
        # proven under (tests/support/declarations_log.py); the registry trusts it.
        declarations=DeclarationsSettings(
            database_url=database_urls["declarations"],
            index_relay_enabled=False,
            log_signing_key=TEST_LOG_SIGNING_KEY,
            **common,
        ),
    )


@pytest.fixture
def register(register_settings: EmbeddedSettings) -> EmbeddedRegister:
    """The whole register, embedded, on this test's databases."""
    from services.embedded import create_embedded_app

    return create_embedded_app(register_settings)


@pytest.fixture
def client(register: EmbeddedRegister) -> Iterator[TestClient]:
    """An HTTP client for the embedded register (lifespan run)."""
    from fastapi.testclient import TestClient

    with TestClient(register, base_url="http://127.0.0.1") as test_client:
        yield test_client
