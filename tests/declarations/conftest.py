"""Fixtures of the declarations tests: the real embedded register with a movable clock.

``register`` is the whole register (real auth, real registry, real
declarations, real databases) built through ``create_embedded_app``; the only
thing swapped is the declarations clock, so tests can move through retention
periods. ``client`` (tests/conftest.py) drives it over HTTP.
"""

from __future__ import annotations

import pytest

from services.declarations.settings import DeclarationsSettings
from services.embedded import EmbeddedRegister, EmbeddedSettings, create_embedded_app
from tests.declarations.support import Callers, MovableClock
from tests.support.auth_fixtures import AuthApi


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def register(register_settings: EmbeddedSettings, clock: MovableClock) -> EmbeddedRegister:
    """The whole register on this test's databases, declarations on the movable clock."""
    return create_embedded_app(register_settings, declarations_options={"clock": clock})


@pytest.fixture
def callers(auth_api: AuthApi) -> Callers:
    """Real clients of member states, secretariats and the operator, and their tokens."""
    return Callers(auth_api)


@pytest.fixture
def declarations_settings(register_settings: EmbeddedSettings) -> DeclarationsSettings:
    return register_settings.declarations


@pytest.fixture
def declarations_url(database_urls: dict[str, str]) -> str:
    return database_urls["declarations"]
