"""Shared fixtures giving tests real credentials and tokens from the auth service.

Registered in tests/conftest.py. Typical use in any service's tests::

    def test_something(client, auth_api):
        hdrs = auth_api.member_state_headers("SEN")
        client.post("/registry/v1/manifests", json=..., headers=hdrs)

Everything goes through the real auth service over HTTP (organisations and
clients created with the operator's admin token, tokens from
``POST /auth/v1/token``), on the test's own databases.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pytest

from services.auth.actors import COMMAND_LINE
from services.auth.administrators import ON_THE_SERVER
from services.auth.bootstrap import Credentials, bootstrap, ensure_registry_mail_client
from services.auth.clients import service as clients
from services.auth.clients.schemas import ClientCreate
from services.auth.clients.service import LOCAL_ONLY_SCOPES
from services.auth.settings import AuthSettings
from services.common.database import make_engine, write_transaction
from services.common.tables import utcnow

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from services.embedded import EmbeddedSettings

MEMBER_STATE_SCOPES = ("manifests:write", "declarations:write", "register:read")
SECRETARIAT_SCOPES = ("register:read", "alerts:triage")

__all__ = ["MEMBER_STATE_SCOPES", "SECRETARIAT_SCOPES", "AuthApi", "Credentials"]


def pytest_configure(config: pytest.Config) -> None:
    """Cheap argon2 in tests: the production cost (64 MiB, 3 passes) per secret is slow."""
    os.environ.setdefault("AUTH_ARGON2_TIME_COST", "1")
    os.environ.setdefault("AUTH_ARGON2_MEMORY_COST_KIB", "8")
    os.environ.setdefault("AUTH_ARGON2_PARALLELISM", "1")


class AuthApi:
    """Drives the auth service over HTTP as the operator, and hands out tokens."""

    def __init__(
        self, client: TestClient, operator: Credentials, settings: AuthSettings | None = None
    ) -> None:
        self.client = client
        self.operator = operator
        self.settings = settings  # for clients the API never makes (``index:write``)
        self._admin_token: str | None = None
        self._clients: dict[tuple[str, tuple[str, ...]], Credentials] = {}

    # tokens ---------------------------------------------------------------
    def token(self, client_id: str, secret: str, scope: str | Sequence[str] | None = None) -> str:
        """A token from ``POST /auth/v1/token`` (asserts it was granted)."""
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        if scope is not None:
            form["scope"] = scope if isinstance(scope, str) else " ".join(scope)
        response = self.client.post("/auth/v1/token", data=form)
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    @staticmethod
    def headers(token: str) -> dict[str, str]:
        """``{"Authorization": "Bearer <token>"}``."""
        return {"Authorization": f"Bearer {token}"}

    def admin_token(self) -> str:
        """The bootstrap admin client's token (scope ``admin``)."""
        if self._admin_token is None:
            self._admin_token = self.token(*self.operator)
        return self._admin_token

    def admin_headers(self) -> dict[str, str]:
        """Headers carrying the operator's admin token."""
        return self.headers(self.admin_token())

    # organisations and clients ---------------------------------------------
    def ensure_organisation(self, org_type: str, code: str, name: str | None = None) -> None:
        """Create the organisation unless it exists."""
        body = {"type": org_type, "code": code, "name": name or f"{code} ({org_type})"}
        response = self.client.post(
            "/auth/v1/organisations", json=body, headers=self.admin_headers()
        )
        assert response.status_code in (201, 409), response.text

    def create_client(
        self, organisation: str, scopes: Sequence[str], name: str | None = None
    ) -> Credentials:
        """A new client of an existing organisation; returns ``(client_id, secret)``.

        Over the API, except for a client with a local-only scope (``index:write``):
        that one is made as ``regctl client create`` makes it, on the auth database.
        """
        if set(scopes) & LOCAL_ONLY_SCOPES:
            return self._create_local_client(organisation, scopes, name)
        body = {
            "organisation": organisation,
            "name": name or f"{organisation} test client",
            "scopes": list(scopes),
        }
        response = self.client.post("/auth/v1/clients", json=body, headers=self.admin_headers())
        assert response.status_code == 201, response.text
        created = response.json()
        return Credentials(created["client_id"], created["client_secret"])

    def _create_local_client(
        self, organisation: str, scopes: Sequence[str], name: str | None
    ) -> Credentials:
        assert self.settings is not None, "AuthApi needs the auth settings for this client"
        data = ClientCreate(
            organisation=organisation, name=name or f"{organisation} relay", scopes=list(scopes)
        )
        engine = make_engine(self.settings.resolved_database_url())
        try:
            with write_transaction(engine) as session:
                created = clients.create_client(
                    session=session,
                    settings=self.settings,
                    data=data,
                    by=ON_THE_SERVER,
                    actor=COMMAND_LINE,
                    now=utcnow(),
                )
                credentials = Credentials(created.client.client_id, created.secret)
        finally:
            engine.dispose()
        return credentials

    def give_the_registry_its_people_client(self) -> None:
        """What the first start does (``regctl serve``'s bootstrap): the registry's own
        ``people:read`` client, saved in the var directory the registry reads it from
        (the registry's ``var_dir`` is auth's in every test setup)."""
        assert self.settings is not None, "AuthApi needs the auth settings for this client"
        engine = make_engine(self.settings.resolved_database_url())
        try:
            ensure_registry_mail_client(settings=self.settings, engine=engine)
        finally:
            engine.dispose()

    def _cached_client(self, org_type: str, code: str, scopes: Sequence[str]) -> Credentials:
        key = (code, tuple(sorted(scopes)))
        if key not in self._clients:
            self.ensure_organisation(org_type, code)
            self._clients[key] = self.create_client(code, scopes)
        return self._clients[key]

    def create_member_state(
        self, code: str, scopes: Sequence[str] = MEMBER_STATE_SCOPES
    ) -> Credentials:
        """A client of member state ``code`` (alpha-3), made once per scope set and test."""
        return self._cached_client("member_state", code, scopes)

    def create_secretariat(
        self, community: str, scopes: Sequence[str] = SECRETARIAT_SCOPES
    ) -> Credentials:
        """A client of the ``community`` secretariat (``ECOWAS``, ``ECCAS``)."""
        return self._cached_client("secretariat", community, scopes)

    def create_operator_client(
        self, scopes: Sequence[str] = ("admin", "register:read")
    ) -> Credentials:
        """Another client of the operator organisation."""
        code = self.client.get(
            "/auth/v1/clients/" + self.operator.client_id, headers=self.admin_headers()
        ).json()["organisation"]
        return self._cached_client("operator", code, scopes)

    # one-line headers -------------------------------------------------------
    def member_state_headers(
        self, code: str, scopes: Sequence[str] = MEMBER_STATE_SCOPES
    ) -> dict[str, str]:
        """Bearer headers of a fresh token of member state ``code``."""
        return self.headers(self.token(*self.create_member_state(code, scopes)))

    def secretariat_headers(
        self, community: str, scopes: Sequence[str] = SECRETARIAT_SCOPES
    ) -> dict[str, str]:
        """Bearer headers of a fresh token of the ``community`` secretariat."""
        return self.headers(self.token(*self.create_secretariat(community, scopes)))

    def operator_headers(
        self, scopes: Sequence[str] = ("admin", "register:read")
    ) -> dict[str, str]:
        """Bearer headers of an operator token with ``scopes`` (admin without register:read
        is :meth:`admin_headers`)."""
        return self.headers(self.token(*self.create_operator_client(scopes)))


@pytest.fixture
def operator_credentials(register_settings: EmbeddedSettings) -> Credentials:
    """Bootstrap this test's auth database; the operator's admin client credentials."""
    engine = make_engine(register_settings.auth.resolved_database_url())
    try:
        credentials = bootstrap(settings=register_settings.auth, engine=engine)
    finally:
        engine.dispose()
    assert credentials is not None
    return credentials


@pytest.fixture
def auth_api(
    client: TestClient, operator_credentials: Credentials, register_settings: EmbeddedSettings
) -> AuthApi:
    """The auth service driven over HTTP; see :class:`AuthApi`."""
    return AuthApi(client, operator_credentials, register_settings.auth)
