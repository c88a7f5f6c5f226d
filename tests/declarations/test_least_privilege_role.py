"""The documented least-privilege role runs every write of the declarations service.

The app's declarations database is reached as a NOLOGIN role holding exactly
the grants of deploy/README.md; the whole write path (declare, amend, hold,
lift, dispose) goes through the real app as that role.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from services.embedded import EmbeddedRegister, EmbeddedSettings, create_embedded_app
from tests.declarations.database_roles import (
    deploy_readme_statements,
    documented_role,
    operator_guide_statements,
)
from tests.declarations.support import Callers, MovableClock, declaration, declaration_at
from tests.support.auth_fixtures import AuthApi
from tests.support.draft_people import person_headers

URL = "/declarations/v1/declarations"


@pytest.fixture
def role_url(declarations_url: str) -> Iterator[str]:
    if not declarations_url.startswith("postgresql"):
        pytest.skip("roles and grants are PostgreSQL's")
    with documented_role(declarations_url) as url:
        yield url


@pytest.fixture
def register(
    register_settings: EmbeddedSettings, clock: MovableClock, role_url: str
) -> EmbeddedRegister:
    """The register with the declarations service connected as the documented role."""
    settings = EmbeddedSettings(
        auth=register_settings.auth,
        registry=register_settings.registry,
        declarations=register_settings.declarations.model_copy(update={"database_url": role_url}),
    )
    return create_embedded_app(settings, declarations_options={"clock": clock})


def test_the_two_documents_grant_the_same_privileges() -> None:
    grants = [s for s in deploy_readme_statements() if s.upper().startswith(("GRANT", "REVOKE"))]
    assert grants
    guide = operator_guide_statements()
    assert [s for s in guide if s.upper().startswith(("GRANT", "REVOKE"))] == grants


def test_the_documented_role_declares_amends_holds_lifts_and_disposes(
    client: TestClient, callers: Callers, clock: MovableClock, role_url: str
) -> None:
    engine = create_engine(role_url)
    try:
        with engine.connect() as connection:
            role = connection.execute(text("SELECT current_user")).scalar_one()
            assert role.startswith("declarations_app_")
            assert not connection.execute(
                text("SELECT has_table_privilege(current_user, 'log_entries', 'UPDATE')")
            ).scalar_one()
    finally:
        engine.dispose()
    # Declared 31 years ago, so retention has expired by the database's own date today.
    clock.rewind(years=31)
    sen, operator = callers.state("SEN"), callers.operator(("admin", "register:read"))
    created = client.post(URL, json=declaration_at(clock), headers=sen | {"Idempotency-Key": "k1"})
    assert created.status_code == 201, created.text
    batch = {"declarations": [declaration_at(clock), declaration_at(clock)]}
    assert client.post(f"{URL}/batch", json=batch, headers=sen).status_code == 201
    declaration_id = created.json()["id"]
    amended = client.post(
        f"{URL}/{declaration_id}/amendments",
        json={"reason": "place corrected", "changes": {"location": {"place": "Ansongo"}}},
        headers=sen | {"If-Match": created.json()["etag"]},
    )
    assert amended.status_code == 201, amended.text
    held = client.post(f"{URL}/{declaration_id}/holds", json={"reason": "x"}, headers=operator)
    assert held.status_code == 201, held.text
    lifted = client.request(
        "DELETE", f"{URL}/{declaration_id}/holds", json={"reason": "closed"}, headers=operator
    )
    assert lifted.status_code == 200, lifted.text
    clock.reset()
    disposed = client.delete(f"{URL}/{declaration_id}", headers=sen)
    assert disposed.status_code == 200, disposed.text
    assert disposed.json()["versions_disposed"] == 2
    after = client.get(f"{URL}/{declaration_id}", headers=sen).json()
    assert after["record"] is None
    assert after["disposed_at"] is not None


def test_the_documented_role_saves_submits_returns_and_approves_drafts(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings, role_url: str
) -> None:
    """Drafts are insert-only, so the role's SELECT and INSERT suffice (issue 15, item 5)."""
    editor = person_headers(client, auth_api, register_settings, org="SEN", role="editor")
    admin = person_headers(client, auth_api, register_settings, org="SEN", role="admin")
    drafts = "/declarations/v1/declaration-drafts"
    created = client.post(drafts, json={"body": {"type": "seizure"}}, headers=editor)
    assert created.status_code == 201, created.text
    draft_url = f"{drafts}/{created.json()['id']}"
    saved = client.put(
        draft_url,
        json={"body": declaration()},
        headers=editor | {"If-Match": created.headers["ETag"]},
    )
    assert saved.status_code == 200, saved.text
    for path, who in (("submit", editor), ("approve", admin)):
        answered = client.post(f"{draft_url}/{path}", headers=who)
        assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "submitted"
