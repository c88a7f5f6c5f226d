"""Fixtures of the declarations tests: the service on this test's database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.declarations.app import create_app
from services.declarations.settings import DeclarationsSettings
from tests.declarations.support import MovableClock, auth_transport, registry_transport


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def declarations_url(database_urls: dict[str, str]) -> str:
    return database_urls["declarations"]


@pytest.fixture
def declarations_settings(declarations_url: str, tmp_path: Path) -> DeclarationsSettings:
    return DeclarationsSettings(
        database_url=declarations_url, var_dir=tmp_path / "var", log_level="WARNING"
    )


@pytest.fixture
def api(declarations_settings: DeclarationsSettings, clock: MovableClock) -> Iterator[TestClient]:
    """The declarations service alone, with stand-ins for auth and registry."""
    app = create_app(
        declarations_settings,
        auth_transport=auth_transport(),
        registry_transport=registry_transport(),
        clock=clock,
    )
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client
