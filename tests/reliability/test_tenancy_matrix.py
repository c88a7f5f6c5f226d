"""Every route × every caller, with the status the contract says.

Callers: two member states (SEN owns the seeded records; CIV, also in ECOWAS, does
not), the ECOWAS secretariat (SEN is a member at the records' dates), the ECCAS
secretariat (it is not), the operator's admin client (no ``register:read``),
no token, an expired token and a token for another audience (both signed with the
auth service's real key, so only the claim is wrong). The routes come from the
services' own route tables: a route without an entry in ``EXPECTED`` fails the test.

Every id in a path names a real record (``seed_records``: a manifest, a loss report,
alerts, a declaration with an amendment and a hold, a community with memberships, a
client, a mission), so a 404 means "hidden from this caller", never "no such id"; a
path parameter without a seeded value fails the test. Every route that takes a body or
a required query parameter gets a valid one in ``REQUESTS`` (a route without one fails
the test), so the status is the service's decision about the caller, not a 422 from
validation. Writes name state A (SEN): state A gets 2xx, state B 403 (404 for a record
it may not know exists).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import routing
from fastapi.testclient import TestClient
from jose import jwt

from services.embedded import EmbeddedRegister, EmbeddedSettings
from tests.auth import forge
from tests.declarations.support import declaration
from tests.registry.factories import declared_weapon, delivery, manifest, weapon
from tests.reliability.conftest import WEBHOOK_URL, SeededRecords, seed_records
from tests.support.auth_fixtures import AuthApi

TOKEN_HOLDERS = ("state_a", "state_b", "ecowas", "eccas", "operator")
NO_VALID_TOKEN = ("none", "expired", "other_audience")
Expected = dict[str, int]


def everyone(status: int) -> Expected:
    """Open routes: every caller, with or without a token, gets ``status``."""
    return dict.fromkeys(TOKEN_HOLDERS + NO_VALID_TOKEN, status)


def _guarded(**statuses: int) -> Expected:
    return {**statuses, **dict.fromkeys(NO_VALID_TOKEN, 401)}


def any_token(status: int) -> Expected:
    """Any valid token (reference data, communities)."""
    return _guarded(**dict.fromkeys(TOKEN_HOLDERS, status))


def operator_only(status: int) -> Expected:
    """Administration (``admin`` scope): everyone else 403."""
    return _guarded(state_a=403, state_b=403, ecowas=403, eccas=403, operator=status)


def readers(status: int) -> Expected:
    """Register reads (``register:read``): lists filtered by tenancy; admin-only operator 403."""
    return _guarded(state_a=status, state_b=status, ecowas=status, eccas=status, operator=403)


def owner_and_community(status: int) -> Expected:
    """One of SEN's records: SEN and ECOWAS read it; CIV and ECCAS may not know it exists."""
    return _guarded(state_a=status, state_b=404, ecowas=status, eccas=404, operator=403)


def state_a_writes(status: int) -> Expected:
    """A write naming state A: state A gets ``status``; state B is refused (403, it may not
    write for another state); callers without a write scope 403."""
    return _guarded(state_a=status, state_b=403, ecowas=403, eccas=403, operator=403)


def secretariats_and_operator(status: int) -> Expected:
    """Reference data secretariats and the operator maintain (missions, embargoes)."""
    return _guarded(state_a=403, state_b=403, ecowas=status, eccas=status, operator=status)


def alert_managers(status: int) -> Expected:
    """Acknowledging or closing SEN's alert: ECOWAS manages it; SEN sees it but manages
    none (403); CIV and ECCAS may not know it exists; the admin-only operator 403."""
    return _guarded(state_a=403, state_b=404, ecowas=status, eccas=404, operator=403)


def alert_triage(status: int, *, state_a: int = 403) -> Expected:
    """A triage step on SEN's alert: ECOWAS (alerts:triage) takes it; SEN's writers only
    acknowledge and comment alerts about SEN's materiel (``state_a``); CIV and ECCAS may
    not know it exists; the admin-only operator 403."""
    return _guarded(state_a=state_a, state_b=404, ecowas=status, eccas=404, operator=403)


def case_owner(status: int) -> Expected:
    """Changing ECOWAS's case (shared with SEN): ECOWAS does; SEN reads it only (403); CIV
    and ECCAS may not know it exists; the admin-only operator 403."""
    return _guarded(state_a=403, state_b=404, ecowas=status, eccas=404, operator=403)


def nobody_here(status: int = 403) -> Expected:
    """Routes for a service client none of these callers is (the index relay)."""
    return _guarded(**dict.fromkeys(TOKEN_HOLDERS, status))


def _with(base: Expected, **overrides: int) -> Expected:
    return {**base, **overrides}


def member_states_write(status: int) -> Expected:
    """A draft (or draft import) of the caller's own: each member state's writers get
    ``status`` for a draft of their own organisation; secretariats and the operator hold no
    write scope (403; drafts are a member state's own work)."""
    return _guarded(state_a=status, state_b=status, ecowas=403, eccas=403, operator=403)


def draft_owner(status: int) -> Expected:
    """Reading SEN's draft: SEN gets ``status``; everyone else, secretariats and the
    operator included, 404 (a draft is visible only inside its organisation)."""
    return _guarded(state_a=status, state_b=404, ecowas=404, eccas=404, operator=404)


def draft_editors(status: int) -> Expected:
    """Changing SEN's draft: SEN's writers get ``status``; CIV, which has the write scope,
    may not know it exists (404); callers without a write scope are refused by scope before
    any lookup (403)."""
    return _guarded(state_a=status, state_b=404, ecowas=403, eccas=403, operator=403)


def draft_admins() -> Expected:
    """Returning or approving SEN's draft is for an admin person of SEN: SEN's client finds
    the draft but is no person (403); CIV may not know it exists (404); callers without a
    write scope 403."""
    return draft_editors(403)


def person_only() -> Expected:
    """A signed-in person's own settings: every caller here is an API client (403)."""
    return any_token(403)


def webhook_managers(status: int) -> Expected:
    """Endpoints of the caller's organisation (a client with ``register:read``, or an admin
    person): every organisation's client gets ``status`` on its own; the admin-only
    operator holds no ``register:read`` (403)."""
    return readers(status)


def webhook_owner(status: int) -> Expected:
    """SEN's endpoint: SEN gets ``status``; other organisations' clients 404 (endpoints are
    looked up within the caller's organisation); the admin-only operator 403."""
    return _guarded(state_a=status, state_b=404, ecowas=404, eccas=404, operator=403)


R = "/registry/v1"
D = "/declarations/v1/declarations"
EXPECTED: dict[tuple[str, str], Expected] = {
    # auth
    **{
        ("GET", f"/{s}/{p}"): everyone(200)
        for s in ("auth", "registry", "declarations")
        for p in ("openapi.json", "docs", "docs/oauth2-redirect", "healthz", "readyz")
    },
    ("POST", "/auth/v1/token"): everyone(400),  # OAuth2 invalid_request: no form
    ("GET", "/auth/v1/jwks.json"): everyone(200),
    ("GET", "/auth/v1/revocations.json"): everyone(200),
    ("POST", "/auth/v1/organisations"): operator_only(201),
    ("GET", "/auth/v1/organisations"): operator_only(200),
    # SEN's own organisation: SEN and the operator read it; nobody else may know it.
    ("GET", "/auth/v1/organisations/{code}"): _with(
        operator_only(200), state_a=200, state_b=404, ecowas=404, eccas=404
    ),
    # API clients: an organisation's admin person manages its own (tests/auth/
    # test_organisation_clients.py); every caller here is an API client, so only the
    # operator gets past the role check.
    ("POST", "/auth/v1/clients"): operator_only(201),
    ("GET", "/auth/v1/clients"): operator_only(200),
    ("GET", "/auth/v1/clients/{client_id}"): operator_only(200),
    ("POST", "/auth/v1/clients/{client_id}/disable"): operator_only(200),
    ("POST", "/auth/v1/clients/{client_id}/enable"): operator_only(200),
    ("POST", "/auth/v1/clients/{client_id}/secret"): operator_only(200),
    ("GET", "/auth/v1/communities"): any_token(200),
    ("GET", "/auth/v1/communities/{code}"): any_token(200),
    ("POST", "/auth/v1/communities"): operator_only(201),
    ("POST", "/auth/v1/communities/{code}/memberships"): operator_only(201),
    ("PATCH", "/auth/v1/communities/{code}/memberships/{membership_id}"): operator_only(200),
    ("DELETE", "/auth/v1/communities/{code}/memberships/{membership_id}"): operator_only(204),
    ("GET", "/auth/v1/audit"): operator_only(200),
    # People and sign-in. Pages and OAuth endpoints answer the browser, not a bearer
    # token: the same for every caller. An API client is no organisation admin (that is
    # a person's role), so only the operator administers people and registers apps; the
    # others are refused before any lookup (403, nothing revealed).
    ("GET", "/auth/static/pages.css"): everyone(200),
    ("GET", "/auth/.well-known/oauth-authorization-server"): everyone(200),
    ("GET", "/auth/enrol/{token}"): everyone(410),  # no such enrolment link
    ("POST", "/auth/enrol/{token}"): everyone(403),  # no CSRF token
    ("GET", "/auth/authorize"): everyone(400),  # no client_id, redirect_uri, state
    ("POST", "/auth/authorize"): everyone(403),  # no CSRF token
    ("POST", "/auth/authorize/verify"): everyone(403),
    ("POST", "/auth/v1/revoke"): everyone(401),  # RFC 7009: the app authenticates
    ("POST", "/auth/v1/people"): operator_only(201),
    ("GET", "/auth/v1/people"): operator_only(200),
    ("GET", "/auth/v1/people/{person_id}"): operator_only(200),
    ("POST", "/auth/v1/people/{person_id}/disable"): operator_only(200),
    ("POST", "/auth/v1/people/{person_id}/role"): operator_only(200),
    # The routes run in table order: the person was disabled, then enabled again (enable
    # comes before reset-mfa in the route table), so the operator re-enrols them (200).
    ("POST", "/auth/v1/people/{person_id}/reset-mfa"): operator_only(200),
    ("POST", "/auth/v1/people/{person_id}/sign-out"): operator_only(200),
    ("GET", "/auth/v1/sessions"): any_token(403),  # a person's own sessions: no client has any
    ("DELETE", "/auth/v1/sessions/{session_id}"): any_token(403),
    # SEN's people's sessions: its admin person (no caller here) or the operator; the
    # session id names none, so the operator's lookup finds nothing (404).
    # ECOWAS's triagers: ECOWAS (alerts:triage); everyone else may not know them, the
    # operator included (it administers people, but triages no alert).
    ("GET", "/auth/v1/organisations/{code}/triagers"): _guarded(
        state_a=404, state_b=404, ecowas=200, eccas=404, operator=404
    ),
    ("GET", "/auth/v1/organisations/{code}/sessions"): operator_only(200),
    ("GET", "/auth/v1/organisations/{code}/sessions/{session_id}"): operator_only(404),
    ("DELETE", "/auth/v1/organisations/{code}/sessions/{session_id}"): operator_only(404),
    ("POST", "/auth/v1/apps"): operator_only(201),
    ("GET", "/auth/v1/apps"): operator_only(200),
    # registry
    ("GET", f"{R}/missions"): any_token(200),
    ("POST", f"{R}/missions"): secretariats_and_operator(201),
    ("GET", f"{R}/missions/{{code}}"): any_token(200),
    # The seeded mission is a UN one: only the operator changes it, no secretariat owns it.
    ("PATCH", f"{R}/missions/{{code}}"): operator_only(200),
    ("GET", f"{R}/reference/categories"): any_token(200),
    ("GET", f"{R}/reference/changes"): secretariats_and_operator(200),
    ("GET", f"{R}/reference/ammunition-types"): any_token(200),
    ("GET", f"{R}/reference/loss-circumstances"): any_token(200),
    ("GET", f"{R}/reference/ordnance-types"): any_token(200),
    ("GET", f"{R}/reference/explosive-types"): any_token(200),
    ("GET", f"{R}/reference/serial-statuses"): any_token(200),
    ("GET", f"{R}/reference/incident-types"): any_token(200),
    ("GET", f"{R}/reference/armed-groups"): any_token(200),
    ("POST", f"{R}/reference/armed-groups"): secretariats_and_operator(201),
    ("GET", f"{R}/reference/headstamps"): any_token(200),
    ("POST", f"{R}/reference/headstamps"): secretariats_and_operator(201),
    ("PATCH", f"{R}/reference/armed-groups/{{code}}"): secretariats_and_operator(200),
    ("PATCH", f"{R}/reference/headstamps/{{code}}"): secretariats_and_operator(200),
    ("POST", f"{R}/manifests"): state_a_writes(201),
    ("POST", f"{R}/manifests/import"): state_a_writes(201),
    ("GET", f"{R}/manifests/template.csv"): any_token(200),
    ("GET", f"{R}/manifests"): readers(200),
    ("GET", f"{R}/manifests/{{manifest_id}}"): owner_and_community(200),
    ("GET", f"{R}/manifests/{{manifest_id}}/items"): owner_and_community(200),
    ("GET", f"{R}/manifests/{{manifest_id}}/items/export.csv"): owner_and_community(200),
    ("POST", f"{R}/loss-reports"): state_a_writes(201),
    ("GET", f"{R}/loss-reports"): readers(200),
    ("GET", f"{R}/loss-reports/{{report_id}}"): owner_and_community(200),
    ("GET", f"{R}/holdings"): readers(200),
    ("GET", f"{R}/reconciliation"): readers(200),
    ("GET", f"{R}/reconciliation/export.csv"): readers(200),
    ("GET", f"{R}/rotations/ending"): readers(200),
    ("POST", f"{R}/index/declarations"): nobody_here(),
    ("GET", f"{R}/trace"): readers(200),
    ("GET", f"{R}/alerts"): readers(200),
    ("GET", f"{R}/alerts/export.csv"): readers(200),
    ("GET", f"{R}/alerts/{{alert_id}}"): owner_and_community(200),
    ("GET", f"{R}/alerts/counts"): readers(200),
    ("GET", f"{R}/alerts/{{alert_id}}/history"): owner_and_community(200),
    # SEN acknowledges its own alert first; ECOWAS then finds it acknowledged (409).
    ("POST", f"{R}/alerts/{{alert_id}}/acknowledge"): alert_triage(409, state_a=200),
    ("POST", f"{R}/alerts/{{alert_id}}/close"): alert_managers(200),
    ("POST", f"{R}/alerts/{{alert_id}}/assign"): alert_triage(200),
    ("POST", f"{R}/alerts/{{alert_id}}/comments"): alert_triage(201, state_a=201),
    # The alert the close route closed (routes run in table order: close comes first).
    ("POST", f"{R}/alerts/{{alert_id}}/reopen"): alert_triage(200),
    # A filter matching nothing: whoever may acknowledge alerts gets an empty report.
    ("POST", f"{R}/alerts/acknowledge"): readers(200),
    ("POST", f"{R}/embargoes"): secretariats_and_operator(201),
    ("GET", f"{R}/embargoes"): any_token(200),
    ("POST", f"{R}/embargoes/{{embargo_id}}/exemptions"): secretariats_and_operator(200),
    # The first caller allowed (ECOWAS) withdraws the seeded entry; it is then withdrawn.
    ("POST", f"{R}/embargoes/{{embargo_id}}/withdrawal"): _with(
        secretariats_and_operator(200), eccas=409, operator=409
    ),
    ("GET", f"{R}/statistics"): readers(200),
    ("GET", f"{R}/statistics/locations.geojson"): readers(200),
    # Tracing cases: ECOWAS's seeded case is shared with SEN (state A reads it, read only);
    # CIV and ECCAS may not know it exists. Any organisation with the right role opens its
    # own case; the admin-only operator reads no register (403).
    ("POST", f"{R}/cases"): readers(201),
    ("GET", f"{R}/cases"): readers(200),
    ("GET", f"{R}/cases/{{case_id}}"): owner_and_community(200),
    ("POST", f"{R}/cases/{{case_id}}/items"): case_owner(201),
    ("POST", f"{R}/cases/{{case_id}}/shares"): case_owner(409),  # SEN is already shared
    ("POST", f"{R}/cases/{{case_id}}/trace-requests"): case_owner(201),
    ("GET", f"{R}/trace-requests"): readers(200),
    ("GET", f"{R}/trace-requests/{{request_id}}"): owner_and_community(200),
    ("POST", f"{R}/trace-requests/{{request_id}}/send"): case_owner(200),
    ("POST", f"{R}/trace-requests/{{request_id}}/acknowledge"): case_owner(200),
    ("POST", f"{R}/trace-requests/{{request_id}}/answer"): case_owner(200),
    ("GET", f"{R}/trace-requests/{{request_id}}/answer-file"): owner_and_community(200),
    ("GET", f"{R}/trace-requests/{{request_id}}/pdf"): owner_and_community(200),
    # declarations
    ("POST", D): state_a_writes(201),
    ("POST", f"{D}/batch"): state_a_writes(201),
    ("GET", D): readers(200),
    ("GET", f"{D}/{{declaration_id}}"): owner_and_community(200),
    ("GET", f"{D}/{{declaration_id}}/versions"): owner_and_community(200),
    # With the current ETag: the owner amends; a state that may not know it 404; callers
    # without a write scope are refused by scope before any lookup (403, nothing revealed).
    ("POST", f"{D}/{{declaration_id}}/amendments"): _guarded(
        state_a=201, state_b=404, ecowas=403, eccas=403, operator=403
    ),
    # Holds are register data: the admin-only operator (no register:read) may not know them.
    ("GET", f"{D}/{{declaration_id}}/holds"): _with(owner_and_community(200), operator=404),
    # Holds are for secretariats (of the record's community) and the operator (with
    # register:read); states are refused by role before any lookup (403, nothing revealed).
    ("POST", f"{D}/{{declaration_id}}/holds"): _guarded(
        state_a=403, state_b=403, ecowas=201, eccas=404, operator=404
    ),
    # The seeded hold is the operator's: ECOWAS sees it but may not lift it (403).
    ("DELETE", f"{D}/{{declaration_id}}/holds"): _guarded(
        state_a=403, state_b=403, ecowas=403, eccas=404, operator=404
    ),
    ("DELETE", f"{D}/{{declaration_id}}/holds/{{hold_id}}"): _guarded(
        state_a=403, state_b=403, ecowas=403, eccas=404, operator=404
    ),
    # Retention runs for 30 years: the owner and the operator are told 409.
    ("DELETE", f"{D}/{{declaration_id}}"): _guarded(
        state_a=409, state_b=404, ecowas=403, eccas=404, operator=409
    ),
    # Any state records an incident (where its forces found materiel); reading one is
    # for its creator (SEN) and the secretariats covering its country (ECOWAS).
    ("POST", "/declarations/v1/incidents"): _guarded(
        state_a=201, state_b=201, ecowas=403, eccas=403, operator=403
    ),
    ("GET", "/declarations/v1/incidents"): any_token(200),
    ("GET", "/declarations/v1/incidents/{incident_id}"): _with(
        owner_and_community(200), operator=404
    ),
    ("GET", "/declarations/v1/log/entries"): readers(200),
    ("GET", "/declarations/v1/index-feed"): operator_only(200),
    ("POST", "/declarations/v1/index-feed/deliveries"): operator_only(200),
    ("GET", "/declarations/v1/log/checkpoint"): everyone(200),
    ("GET", "/declarations/v1/log/public-key"): everyone(200),
    ("GET", "/declarations/v1/log/proof/inclusion"): everyone(200),
    ("GET", "/declarations/v1/log/proof/consistency"): everyone(200),
    # Metrics: metrics:read or admin (the operator); the others hold neither (403).
    **{("GET", f"/{s}/metrics"): operator_only(200) for s in ("auth", "registry", "declarations")},
    # The docs pages' assets (an allow-list of files; ``name`` is one of them).
    **{
        ("GET", f"/{s}/docs/assets/{p}"): everyone(200)
        for s in ("auth", "registry", "declarations")
        for p in ("oauth2-redirect.js", "{name}")
    },
    # people:read is a server-only scope (the registry's mail worker): no caller here.
    ("GET", "/auth/v1/people/directory"): nobody_here(),
    ("POST", "/auth/v1/people/{person_id}/enable"): operator_only(200),
    # Drafts: SEN's seeded draft goes draft -> saved -> awaiting approval (submit) ->
    # withdrawn (routes run in table order); return and approve need an admin person.
    **{
        (method, f"{base}{tail}"): expected
        for base in (f"{R}/manifest-drafts", "/declarations/v1/declaration-drafts")
        for method, tail, expected in (
            ("POST", "", member_states_write(201)),
            ("GET", "", any_token(200)),  # the caller's organisation's drafts (none: empty)
            ("GET", "/{draft_id}", draft_owner(200)),
            ("PUT", "/{draft_id}", draft_editors(200)),
            ("POST", "/{draft_id}/submit", draft_editors(200)),
            ("POST", "/{draft_id}/return", draft_admins()),
            ("POST", "/{draft_id}/approve", draft_admins()),
            ("DELETE", "/{draft_id}", draft_editors(200)),
        )
    },
    ("POST", f"{R}/manifest-drafts/import"): member_states_write(201),
    ("POST", f"{D}/import"): state_a_writes(201),
    ("GET", f"{D}/import/template"): any_token(200),  # the service asks every caller for a token
    # Webhooks: SEN's seeded endpoint; DELETE disables it (it is kept, with its log).
    ("POST", f"{R}/webhooks"): webhook_managers(201),
    ("GET", f"{R}/webhooks"): webhook_managers(200),
    ("GET", f"{R}/webhooks/{{endpoint_id}}"): webhook_owner(200),
    ("DELETE", f"{R}/webhooks/{{endpoint_id}}"): webhook_owner(200),
    ("GET", f"{R}/webhooks/{{endpoint_id}}/deliveries"): webhook_owner(200),
    # The endpoint was disabled two rows up (table order): SEN is told it receives nothing.
    ("POST", f"{R}/webhooks/{{endpoint_id}}/deliveries/{{delivery_id}}/redeliver"): webhook_owner(
        409
    ),
    ("GET", f"{R}/notification-preferences"): person_only(),
    ("PUT", f"{R}/notification-preferences"): person_only(),
    ("GET", f"{R}/mail-outbox"): operator_only(200),
}


@dataclass
class Scene:
    """What requests are built from: the seeded records and the owner's headers."""

    client: TestClient
    seeded: SeededRecords
    owner: dict[str, str]


def _path_values(method: str, path: str, seeded: SeededRecords) -> dict[str, str]:
    """The seeded record each path parameter names (routes that change a record get one of
    their own: membership edit and deletion, acknowledging and closing)."""
    values = {
        "manifest_id": seeded.manifest_id,
        "report_id": seeded.loss_report_id,
        "declaration_id": seeded.declaration_id,
        "hold_id": seeded.hold_id,
        "client_id": seeded.client_id,
        "incident_id": seeded.incident_id,
        "endpoint_id": seeded.webhook_id,
        "delivery_id": seeded.webhook_delivery_id,
        "name": "swagger-init.js",
    }
    if path.startswith(f"{R}/manifest-drafts/"):
        values["draft_id"] = seeded.manifest_draft_id
    elif path.startswith("/declarations/v1/declaration-drafts/"):
        values["draft_id"] = seeded.declaration_draft_id
    if path.startswith("/auth/enrol/"):
        values["token"] = "no-such-enrolment-link-0000000000000000000000"
    if path.startswith("/auth/v1/people/"):
        values["person_id"] = seeded.person_id
    if path.startswith("/auth/v1/sessions/") or path.endswith("/sessions/{session_id}"):
        values["session_id"] = "ses_" + "0" * 32
    if path.startswith("/auth/v1/organisations/"):
        # whom ECOWAS's alerts may be assigned to: ECOWAS's own (the others' 404)
        values["code"] = "ECOWAS" if path.endswith("/triagers") else "SEN"
    elif path.startswith("/auth/v1/communities/"):
        values["code"] = seeded.community
        values["membership_id"] = str(seeded.membership_ids[0 if method == "PATCH" else 1])
    elif path.startswith(f"{R}/missions/"):
        values["code"] = seeded.mission
    elif path.startswith(f"{R}/reference/armed-groups/"):
        values["code"] = "JNIM"
    elif path.startswith(f"{R}/reference/headstamps/"):
        values["code"] = "711"
    if path.startswith(f"{R}/embargoes/"):
        values["embargo_id"] = "seed-som-1992" if path.endswith("exemptions") else "seed-ssd-2018"
    if path.startswith((f"{R}/cases/", f"{R}/trace-requests/")):
        values["case_id"] = seeded.case_id
        # send: the draft; acknowledge, answer: a sent one each; reads: the answered one.
        action = path.rsplit("/", 1)[-1]
        which = {"send": 0, "acknowledge": 1, "answer": 2}.get(action, 3)
        values["request_id"] = seeded.trace_request_ids[which]
    if path.startswith(f"{R}/alerts/"):
        which = {"acknowledge": 0, "close": 1, "reopen": 1}.get(path.rsplit("/", 1)[-1], 2)
        values["alert_id"] = seeded.alert_ids[which]
    return values


def _url(method: str, path: str, seeded: SeededRecords) -> str:
    values = _path_values(method, path, seeded)
    missing = set(re.findall(r"\{(\w+)\}", path)) - set(values)
    assert not missing, f"{method} {path}: no seeded record for {missing}"
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def _alert_etag(which: int, body: dict[str, Any]) -> Request:
    """A triage step on seeded alert ``which`` (as ``_path_values`` names it) with the
    alert's ETag as it is when this caller sends it (read by SEN, which sees it)."""

    def build(scene: Scene, _caller: str) -> dict[str, Any]:
        alert_id = scene.seeded.alert_ids[which]
        current = scene.client.get(f"{R}/alerts/{alert_id}", headers=scene.owner)
        assert current.status_code == 200, current.text
        # "triager": the seeded ECOWAS analyst (the registry checks the assignee in auth).
        json = {k: scene.seeded.triager_id if v == "triager" else v for k, v in body.items()}
        return {"json": json, "headers": {"If-Match": current.headers["ETag"]}}

    return build


CSV = "kind,category,manufacturer,model,calibre,serial_number\n"
# One SEN seizure with one rifle, as POST /declarations/import reads it.
DECLARATION_CSV = (
    "declaration_ref,declaration_type,declaring_country,mission,event_date,country,place,"
    "kind,category,manufacturer,model,calibre,serial_number\n"
    "IMP-{ref},seizure,SEN,MINUSMA,2024-02-01,MLI,Tessit,"
    "weapon,assault_rifle,Kalashnikov,AK-47,7.62x39mm,IMP-{ref}\n"
)
Request = Callable[[Scene, str], dict[str, Any]]


def _body(build: Callable[[str], Any]) -> Request:
    return lambda _scene, caller: {"json": build(caller)}


def _query(**params: Any) -> Request:
    return lambda _scene, _caller: {"params": params}


def _current_etag(scene: Scene, _caller: str) -> dict[str, Any]:
    """An amendment with the declaration's ETag as it is when this caller sends it."""
    current = scene.client.get(f"{D}/{scene.seeded.declaration_id}", headers=scene.owner)
    assert current.status_code == 200, current.text
    return {
        "json": {"reason": "place corrected", "changes": {"circumstances": "corrected"}},
        "headers": {"If-Match": current.headers["ETag"]},
    }


def _draft_etag(base: str, seeded_field: str, body: Callable[[], dict[str, Any]]) -> Request:
    """Saving the seeded draft ``seeded_field`` with its ETag as it is when this caller
    sends it (read by SEN, whose draft it is)."""

    def build(scene: Scene, _caller: str) -> dict[str, Any]:
        current = scene.client.get(
            f"{base}/{getattr(scene.seeded, seeded_field)}", headers=scene.owner
        )
        assert current.status_code == 200, current.text
        return {"json": body(), "headers": {"If-Match": current.headers["ETag"]}}

    return build


def _code(caller: str) -> str:
    return re.sub(r"[^A-Z]", "", caller.upper())[:6]


# A valid request for every route that takes a body or a required query parameter.
REQUESTS: dict[tuple[str, str], Request] = {
    ("POST", "/auth/v1/token"): lambda _scene, _caller: {},  # the OAuth2 form is the subject
    ("POST", "/auth/v1/organisations"): _body(
        lambda caller: {"type": "member_state", "code": "BEN", "name": f"Benin, by {caller}"}
    ),
    ("POST", "/auth/v1/clients"): _body(
        lambda caller: {"organisation": "SEN", "name": f"by {caller}", "scopes": ["register:read"]}
    ),
    ("POST", "/auth/v1/communities"): _body(
        lambda caller: {"code": f"T{_code(caller)}", "name": f"Community added by {caller}"}
    ),
    ("POST", "/auth/v1/communities/{code}/memberships"): _body(
        lambda _caller: {"country": "SEN", "joined": "2024-01-01"}
    ),
    ("PATCH", "/auth/v1/communities/{code}/memberships/{membership_id}"): _body(
        lambda _caller: {"left": "2025-01-01"}
    ),
    ("POST", f"{R}/missions"): _body(
        lambda caller: {
            "code": f"TEST{_code(caller)}",
            "name": f"Test mission of {caller}",
            # Each secretariat adds a mission of its own community (it owns those only).
            "authority": {"ecowas": "ECOWAS", "eccas": "ECCAS"}.get(caller, "UN"),
            "host_countries": ["MLI"],
            "start_date": "2024-01-01",
        }
    ),
    ("PATCH", f"{R}/missions/{{code}}"): _body(lambda caller: {"name": f"Renamed by {caller}"}),
    ("POST", f"{R}/manifests"): _body(
        lambda caller: manifest([weapon(f"MATRIX-{_code(caller)}")], country="SEN")
    ),
    ("POST", f"{R}/manifests/import"): lambda _scene, caller: {
        "data": {
            "direction": "in",
            "mission": "MINUSCA",
            "contributing_country": "SEN",
            "unit": "SENBATT 7",
            "crossing_date": "2024-03-01",
        },
        "files": {
            "file": (
                "m.csv",
                CSV + f"weapon,assault_rifle,Kalashnikov Concern,AK-103,7.62x39mm,CSV-{caller}\n",
            )
        },
    },
    ("POST", f"{R}/loss-reports"): _body(
        lambda _caller: {
            "mission": "MINUSCA",
            "contributing_country": "SEN",
            "loss_type": "captured_in_attack",
            "loss_date": "2024-05-01",
            "place": "Bambari",
            "circumstances": "base overrun",
            "items": [{"kind": "weapon", "serial_number": "KC-1"}],
        }
    ),
    ("GET", f"{R}/holdings"): _query(mission="MINUSCA"),
    ("GET", f"{R}/reconciliation"): _query(mission="MINUSCA"),
    ("GET", f"{R}/reconciliation/export.csv"): _query(mission="MINUSCA"),
    ("POST", f"{R}/index/declarations"): _body(
        lambda caller: delivery(
            [declared_weapon(0, "KC-1")], declaration_id=f"matrix-{caller}", country="SEN"
        )
    ),
    ("GET", f"{R}/trace"): _query(serial_number="KC-1"),
    ("GET", f"{R}/statistics"): _query(group_by="country"),
    ("POST", f"{R}/alerts/{{alert_id}}/acknowledge"): _alert_etag(0, {}),
    ("POST", f"{R}/alerts/{{alert_id}}/close"): _alert_etag(
        1, {"outcome": "not_same_item", "note": "checked"}
    ),
    ("POST", f"{R}/alerts/{{alert_id}}/assign"): _alert_etag(2, {"assignee": "triager"}),
    ("POST", f"{R}/alerts/{{alert_id}}/reopen"): _alert_etag(1, {"reason": "new evidence"}),
    ("POST", f"{R}/alerts/{{alert_id}}/comments"): _body(lambda caller: {"text": caller}),
    ("POST", f"{R}/alerts/acknowledge"): _body(lambda _caller: {"filter": {"mission": "NONE"}}),
    ("POST", f"{R}/cases"): _body(lambda caller: {"title": f"Case of {caller}", "summary": "s"}),
    ("POST", f"{R}/cases/{{case_id}}/items"): _body(
        lambda _caller: {
            "kind": "trace_result",
            "serial_number": "KC-9",
            "manufacturer": "Kalashnikov Concern",
            "country": "SEN",
        }
    ),
    ("POST", f"{R}/cases/{{case_id}}/shares"): _body(lambda _caller: {"organisation": "SEN"}),
    ("POST", f"{R}/cases/{{case_id}}/trace-requests"): lambda scene, _caller: {
        "json": {
            "case_item_id": scene.client.get(
                f"{R}/cases/{scene.seeded.case_id}", headers=scene.owner
            ).json()["items"][-1]["id"],
            "recipient_country": "SEN",
            "recipient_role": "contributing_state",
            "marking": "KC-9",
            "recovery_context": "found",
            "request_text": "origin?",
        }
    },
    ("POST", f"{R}/trace-requests/{{request_id}}/send"): _body(lambda _caller: {}),
    ("POST", f"{R}/trace-requests/{{request_id}}/acknowledge"): _body(lambda _caller: {}),
    ("POST", f"{R}/trace-requests/{{request_id}}/answer"): _body(
        lambda _caller: {"text": "nothing found", "outcome": {"result": "not_established"}}
    ),
    ("POST", f"{R}/embargoes"): _body(
        lambda caller: {
            "country": "MLI",
            "starts_on": "2024-01-01",
            "authority": "UN",
            "reference": f"resolution noted by {caller}",
        }
    ),
    ("POST", f"{R}/embargoes/{{embargo_id}}/exemptions"): _body(
        lambda caller: {
            "party": "government_forces",
            "starts_on": "2024-01-01",
            "reference": f"decision noted by {caller}",
        }
    ),
    ("POST", f"{R}/embargoes/{{embargo_id}}/withdrawal"): _body(
        lambda caller: {"reason": f"withdrawn by {caller}"}
    ),
    ("POST", f"{R}/reference/armed-groups"): _body(
        lambda caller: {
            "code": f"T{_code(caller)}",
            "name": f"Armed group listed by {caller}",
            "source": f"noted by {caller}",
        }
    ),
    ("POST", f"{R}/reference/headstamps"): _body(
        lambda caller: {
            "code": f"T{_code(caller)}",
            "maker": f"Maker noted by {caller}",
            "source": f"noted by {caller}",
        }
    ),
    ("PATCH", f"{R}/reference/armed-groups/{{code}}"): _body(
        lambda caller: {"note": f"checked by {caller}", "reason": f"reviewed by {caller}"}
    ),
    ("PATCH", f"{R}/reference/headstamps/{{code}}"): _body(
        lambda caller: {"note": f"checked by {caller}", "reason": f"reviewed by {caller}"}
    ),
    ("POST", "/declarations/v1/incidents"): _body(
        lambda caller: {
            "type": "checkpoint_seizure",
            "date": "2024-02-01",
            "location": {"country": "SEN", "place": f"checkpoint of {caller}"},
        }
    ),
    ("POST", D): _body(lambda _caller: declaration("SEN")),
    ("POST", f"{D}/batch"): _body(lambda _caller: {"declarations": [declaration("SEN")]}),
    ("POST", f"{D}/{{declaration_id}}/amendments"): _current_etag,
    ("POST", f"{D}/{{declaration_id}}/holds"): _body(lambda _caller: {"reason": "Panel"}),
    ("DELETE", f"{D}/{{declaration_id}}/holds"): lambda scene, _caller: {
        "json": {"reason": "inquiry closed", "hold_id": scene.seeded.hold_id}
    },
    ("DELETE", f"{D}/{{declaration_id}}/holds/{{hold_id}}"): _body(
        lambda _caller: {"reason": "inquiry closed"}
    ),
    ("POST", "/auth/v1/people"): _body(
        lambda caller: {
            "organisation": "SEN",
            "email": f"matrix-{caller}@defense.gouv.sn",
            "name": f"Matrix {caller}",
            "role": "reader",
        }
    ),
    ("POST", "/auth/v1/people/{person_id}/role"): _body(lambda _caller: {"role": "editor"}),
    ("POST", "/auth/v1/apps"): _body(
        lambda caller: {
            "name": f"Matrix app {caller}",
            "redirect_uris": ["http://127.0.0.1:9/callback"],
            "public": True,
        }
    ),
    ("POST", "/auth/v1/revoke"): lambda _scene, _caller: {"data": {"token": "not-a-token"}},
    ("POST", "/auth/enrol/{token}"): lambda _scene, _caller: {
        "data": {"password": "a long enough passphrase", "code": "000000"}
    },
    ("POST", "/auth/authorize"): lambda _scene, _caller: {
        "data": {"email": "nobody@example.org", "password": "not the password"}
    },
    ("POST", "/auth/authorize/verify"): lambda _scene, _caller: {"data": {"code": "000000"}},
    ("GET", "/declarations/v1/log/entries"): _query(start=0, end=3),
    ("GET", "/declarations/v1/log/proof/inclusion"): _query(index=1, tree_size=3),
    ("GET", "/declarations/v1/log/proof/consistency"): _query(first=1, second=3),
    ("POST", f"{R}/manifest-drafts"): _body(
        lambda caller: {"body": manifest([weapon(f"DRAFT-{_code(caller)}")], country="SEN")}
    ),
    ("POST", f"{R}/manifest-drafts/import"): lambda scene, caller: REQUESTS[
        ("POST", f"{R}/manifests/import")
    ](scene, caller),
    ("PUT", f"{R}/manifest-drafts/{{draft_id}}"): _draft_etag(
        f"{R}/manifest-drafts", "manifest_draft_id", lambda: {"body": manifest([weapon("DRAFT-2")])}
    ),
    ("POST", f"{R}/manifest-drafts/{{draft_id}}/return"): _body(
        lambda caller: {"comment": f"returned by {caller}"}
    ),
    ("POST", "/declarations/v1/declaration-drafts"): _body(
        lambda _caller: {"body": declaration("SEN")}
    ),
    ("PUT", "/declarations/v1/declaration-drafts/{draft_id}"): _draft_etag(
        "/declarations/v1/declaration-drafts",
        "declaration_draft_id",
        lambda: {"body": declaration("SEN")},
    ),
    ("POST", "/declarations/v1/declaration-drafts/{draft_id}/return"): _body(
        lambda caller: {"comment": f"returned by {caller}"}
    ),
    ("POST", f"{D}/import"): lambda _scene, caller: {
        "files": {"file": ("d.csv", DECLARATION_CSV.format(ref=_code(caller)))}
    },
    ("POST", f"{R}/webhooks"): _body(
        lambda _caller: {"url": WEBHOOK_URL, "events": ["alert.raised"]}
    ),
    ("PUT", f"{R}/notification-preferences"): _body(
        lambda _caller: {"events": {"alert.raised": "daily"}}
    ),
}


def _routes(register: EmbeddedRegister) -> list[tuple[str, str, Any]]:
    """(method, path, route) of every route the three services serve."""
    table = []
    for service in ("auth", "registry", "declarations"):
        for context in routing.iter_route_contexts(getattr(register, service).routes):
            methods = sorted(m for m in context.methods or () if m != "HEAD")
            table += [(m, str(context.path), context.original_route) for m in methods]
    return table


def _route_table(register: EmbeddedRegister) -> list[tuple[str, str]]:
    return [(method, path) for method, path, _route in _routes(register)]


def _needs_a_request(route: Any) -> bool:
    """Whether the route takes a body or a required query parameter."""
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return False
    required_query = any(p.field_info.is_required() for p in _all_query_params(dependant))
    return getattr(route, "body_field", None) is not None or required_query


def _all_query_params(dependant: Any) -> list[Any]:
    params = list(dependant.query_params)
    for sub in dependant.dependencies:
        params += _all_query_params(sub)
    return params


def _callers(
    auth_api: AuthApi, settings: EmbeddedSettings, state_a: dict[str, str]
) -> dict[str, dict[str, str]]:
    kid = jwt.get_unverified_header(state_a["Authorization"].removeprefix("Bearer "))["kid"]
    key = forge.service_key(settings.auth, kid)
    now = int(time.time())
    full = "manifests:write declarations:write register:read"
    expired = forge.claims(scope=full, iat=now - 2000, nbf=now - 2000, exp=now - 1000)
    elsewhere = forge.claims(scope=full, aud="another-register")
    return {
        "state_a": state_a,
        "state_b": auth_api.member_state_headers("CIV"),
        "ecowas": auth_api.secretariat_headers("ECOWAS"),
        "eccas": auth_api.secretariat_headers("ECCAS"),
        "operator": auth_api.admin_headers(),
        "none": {},
        "expired": AuthApi.headers(forge.sign_es256(key, kid, expired)),
        "other_audience": AuthApi.headers(forge.sign_es256(key, kid, elsewhere)),
    }


def test_every_route_has_an_expected_status_for_every_caller(register: EmbeddedRegister) -> None:
    table = set(_route_table(register))
    assert table - set(EXPECTED) == set(), "routes without an entry in EXPECTED"
    assert set(EXPECTED) - table == set(), "entries for routes that no longer exist"
    for key, expected in EXPECTED.items():
        assert set(expected) == set(TOKEN_HOLDERS + NO_VALID_TOKEN), key


def test_every_route_that_takes_input_gets_a_valid_request(register: EmbeddedRegister) -> None:
    needing = {(m, p) for m, p, route in _routes(register) if _needs_a_request(route)}
    assert needing - set(REQUESTS) == set(), "routes without a valid request in REQUESTS"
    assert set(REQUESTS) - set(_route_table(register)) == set(), "requests for no route"


def test_every_caller_gets_the_expected_status_on_every_route(
    client: TestClient,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    auth_api: AuthApi,
) -> None:
    seeded = seed_records(client, auth_api, expired=0)
    sen = auth_api.member_state_headers("SEN")
    scene = Scene(client, seeded, sen)
    callers = _callers(auth_api, register_settings, sen)

    wrong: list[str] = []
    for method, path in _route_table(register):
        url = _url(method, path, seeded)
        build = REQUESTS.get((method, path), lambda _scene, _caller: {})
        for caller, headers in callers.items():
            request = build(scene, caller)
            sent = {**headers, **request.pop("headers", {})}
            response = client.request(method, url, headers=sent, **request)
            expected = EXPECTED[(method, path)][caller]
            if response.status_code != expected:
                wrong.append(
                    f"{method} {path} as {caller}: {response.status_code}, expected {expected}"
                    f" ({response.text[:160]})"
                )
    assert not wrong, "\n".join(wrong)
