"""Fixtures of the registry tests: headers of real tokens from the auth service."""

from __future__ import annotations

import pytest

from tests.support.auth_fixtures import AuthApi


@pytest.fixture
def sen(auth_api: AuthApi) -> dict[str, str]:
    """Senegal's defence ministry (manifests:write, register:read)."""
    return auth_api.member_state_headers("SEN")


@pytest.fixture
def civ(auth_api: AuthApi) -> dict[str, str]:
    """Côte d'Ivoire's defence ministry."""
    return auth_api.member_state_headers("CIV")
