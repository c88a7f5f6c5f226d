"""People of an organisation, each with a token the auth service signed, for the drafts
tests (issue 15, item 5): an editor writes, an admin approves or returns, a reader reads."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import direct_person_token, invite
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status


def person_headers(
    client: TestClient,
    auth_api: AuthApi,
    settings: EmbeddedSettings,
    *,
    org: str,
    role: str,
    org_type: str = "member_state",
) -> dict[str, str]:
    """Bearer headers of a new person of ``org`` with ``role``."""
    auth_api.ensure_organisation(org_type, org)
    invited = invite(
        client, auth_api.admin_headers(), org=org, email=f"{role}@{org.lower()}.test", role=role
    )
    person_id = str(assert_status(invited)["id"])
    return auth_api.headers(direct_person_token(settings, person_id))
