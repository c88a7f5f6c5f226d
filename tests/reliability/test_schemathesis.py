"""Schemathesis against the three services' OpenAPI documents, in process, with real tokens.

Every operation of every service is generated from its own OpenAPI document, with
valid and invalid data, and called as a member state, a secretariat and the
operator (fresh tokens from the real auth service for every test). Each response
must: not be a server error, conform to the documented schema, status code and
content type, and refuse invalid data.

Random ids only ever reach a 404, so the register is seeded first (a manifest, a
loss report, diversion alerts, a declaration with an amendment and a legal hold,
declarations whose retention is over, a community with memberships, a client, a
mission: ``seed_records``) and part of the generated cases name those real
records instead. An amendment aimed at a real declaration carries its current
ETag part of the time, and realistic changes part of that, so amendments are
made, not only refused by ``If-Match``; reference data (missions, countries, log
indices) is named the same way (``REAL_VALUES``). Bounded and reproducible:
Hypothesis is derandomized, with ``EXAMPLES`` cases per operation and mode
(``EXAMPLES_ON_RECORDS`` for operations on a record); about 100 s on SQLite and on
PostgreSQL on two cores.

The run must prove it got somewhere: no caller holding a valid token may get a
401 (``MAY_ANSWER_401`` lists where one is legitimate), every operation must be
let through authentication and scope for at least one caller, and every operation
on a record must reach the record (2xx, or 409/412/428, which only a found record
can answer) for at least one caller. ``NOT_REACHED`` lists the exceptions.

No operation is excluded. Narrowed: ``NO_NEGATIVE_RUN`` (negative runs skipped, with
the reason; none at present) and ``DROPPED_CASES`` (generated cases dropped for every
operation, with the reason). Bugs found in services this suite may not change are
strict xfails in ``KNOWN_BUGS``, each naming the bug.
"""

from __future__ import annotations

import json
import os
import re
import traceback
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky, Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from services.auth.bootstrap import Credentials, bootstrap, registry_mail_credentials_path
from services.auth.settings import AuthSettings
from services.common.database import make_engine
from services.declarations.settings import DeclarationsSettings
from services.embedded import EmbeddedRegister, EmbeddedSettings, create_embedded_app
from services.registry.settings import RegistrySettings
from tests.declarations.support import MovableClock
from tests.reliability.conftest import (
    TEST_ARMED_GROUP,
    TEST_HEADSTAMP,
    SeededRecords,
    seed_records,
)
from tests.support.auth_fixtures import AuthApi
from tests.support.declarations_log import TEST_LOG_SIGNING_KEY

pytestmark = pytest.mark.db

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    negative_data_rejection,
]


@dataclass
class LiveRegister:
    """One register for the module (lifespan run once), its seeded records, and each
    caller's client credentials (``api`` turns them into fresh tokens)."""

    client: TestClient
    api: AuthApi
    seeded: SeededRecords
    credentials: dict[str, Credentials]


@pytest.fixture(scope="module")
def live_register(module_database_urls: dict[str, str]) -> Iterator[LiveRegister]:
    var_dir = Path(module_database_urls["var_dir"])
    common: dict[str, Any] = {"var_dir": var_dir, "log_level": "ERROR"}
    settings = EmbeddedSettings(
        auth=AuthSettings(database_url=module_database_urls["auth"], **common),
        registry=RegistrySettings(database_url=module_database_urls["registry"], **common),
        declarations=DeclarationsSettings(
            database_url=module_database_urls["declarations"],
            index_relay_enabled=False,
            log_signing_key=TEST_LOG_SIGNING_KEY,
            **common,
        ),
    )
    engine = make_engine(settings.auth.resolved_database_url())
    try:
        operator = bootstrap(settings=settings.auth, engine=engine)
    finally:
        engine.dispose()
    assert operator is not None
    clock = MovableClock()
    register = create_embedded_app(settings, declarations_options={"clock": clock})
    with TestClient(register, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        api = AuthApi(client, operator, settings.auth)
        seeded = seed_records(client, api, clock=clock)
        credentials = {
            "member_state": api.create_member_state("SEN"),
            "secretariat": api.create_secretariat("ECOWAS"),
            "operator": api.create_operator_client(("admin", "register:read")),
            "relay": api.create_operator_client(("index:write",)),
            # The registry's own people:read client, which seed_records had bootstrap make.
            "directory": Credentials(
                **json.loads(registry_mail_credentials_path(settings.auth).read_text())
            ),
        }
        client.app_state = register  # type: ignore[attr-defined]
        # Tokens come from another address than the fuzzed requests: the fuzzer's failed
        # token requests put the test client's address over its limit (429 for 300 s), as
        # designed, while a ministry asking from its own address still gets its token.
        minter = TestClient(register, base_url="http://127.0.0.1", client=("192.0.2.10", 50000))
        yield LiveRegister(client, AuthApi(minter, operator), seeded, credentials)


@pytest.fixture
def callers(live_register: LiveRegister) -> dict[str, dict[str, str]]:
    """Fresh tokens for this test (they live 900 s; a module-wide token could expire
    mid-run and turn every answer into a 401): SEN's ministry, the ECOWAS secretariat,
    the operator (admin, register:read) and the declarations relay (index:write)."""
    api = live_register.api
    return {
        name: api.headers(api.token(*credentials))
        for name, credentials in live_register.credentials.items()
    }


# Callers of every operation; the relay's client only where it is the one with access.
CALLERS = ("member_state", "secretariat", "operator")
CALLERS_OF: dict[tuple[str, str], tuple[str, ...]] = {
    ("POST", "/registry/v1/index/declarations"): ("relay",),
    # Server-only (scope people:read): the registry's client; the operator, to be refused.
    ("GET", "/auth/v1/people/directory"): ("directory", "operator"),
}


def _schema(client: TestClient, service: str) -> Any:
    """The service's OpenAPI document as the running app serves it.

    Loaded from the app's own document rather than ``from_asgi``, which would run the
    service's lifespan again and close its shared clients on the way out.
    """
    register: EmbeddedRegister = client.app_state  # type: ignore[attr-defined]
    document = client.get(f"/{service}/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    # FastAPI ignores query parameters it does not know, as most HTTP APIs do.
    schema.config.generation.update(allow_extra_parameters=False)
    assert getattr(register, service) is not None
    return schema


# Cases per operation and mode. Operations on a record get more: a quarter to a half of
# their cases name a real record, and those are the ones that reach the service's rules.
EXAMPLES = 40
EXAMPLES_ON_RECORDS = 80
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
)
SERVICES = ("auth", "registry", "declarations")
OPENAPI = Path(__file__).resolve().parents[2] / "openapi"
ON_POSTGRESQL = os.environ.get("TEST_DATABASE") == "postgresql"
# (METHOD, path) -> (the bug it exposes, whether it shows on this backend). Strict xfail:
# fixing the bug makes the test pass and fail as XPASS until the entry is removed.
KNOWN_BUGS: dict[tuple[str, str], tuple[str, bool]] = {}
# Operations whose negative run is skipped, and why (their positive run still runs).
NO_NEGATIVE_RUN: dict[tuple[str, str], str] = {}
# Generated cases that are dropped (every operation), and why.
DROPPED_CASES = {
    "a scalar query parameter sent several times (?actor=a&actor=b)": (
        "answered with the last value, as FastAPI does on every route; schemathesis counts"
        " the repeat as invalid data accepted when the last value happens to be valid"
        " (seen on GET /auth/v1/audit and GET /registry/v1/missions)"
    ),
    "a one-item array sent for a scalar query parameter (?q=false for q=['false'])": (
        "on the wire it is the one value, a valid request (the string 'false'), and"
        " schemathesis counts it as invalid data accepted (seen on GET"
        " /registry/v1/manifests/{manifest_id}/items, whose q is a nullable text)"
    ),
    "a boolean or number sent for a string query parameter (?organisation=false)": (
        "a query string carries text only: the negative case's false arrives as the string"
        " 'false', which the parameter's pattern accepts, and schemathesis counts it as"
        " invalid data accepted (seen on GET /auth/v1/clients)"
    ),
    "an object sent for a string query parameter (?manufacturer=)": (
        "a query string has no objects: an empty one goes out as an empty value, which a"
        " nullable text parameter reads as absent, and schemathesis counts it as invalid"
        " data accepted (seen on GET /registry/v1/trace)"
    ),
}
# Operations where a caller with a valid token may be answered 401, and why.
MAY_ANSWER_401: dict[tuple[str, str], str] = {
    ("POST", "/auth/v1/token"): (
        "OAuth2 invalid_client (RFC 6749 5.2): generated client ids and secrets are unknown;"
        " the bearer token is not what this endpoint authenticates"
    ),
    ("POST", "/auth/v1/revoke"): (
        "RFC 7009 authenticates the app (invalid_client): generated client ids are unknown;"
        " the bearer token is not what this endpoint authenticates"
    ),
}
# Operations no caller is expected to get past authentication and scope (or, for an
# operation on a record, to reach the record), and why.
NOT_REACHED: dict[tuple[str, str], str] = {
    ("DELETE", "/declarations/v1/declarations/{declaration_id}/holds/{hold_id}"): (
        "the seeded hold is the operator's: only its placer or the operator with"
        " register:read lifts it, and the generated callers are a member state (403), a"
        " secretariat (403, or 404 outside its community) and the admin-only operator"
        " (404); tests/declarations/test_hold_lifting.py covers lifting"
    ),
    ("POST", "/auth/v1/token"): (
        "generated client credentials never name a real client, so every answer is 400"
        " or 401; tests/auth covers issuing tokens"
    ),
    ("POST", "/auth/v1/revoke"): (
        "generated client ids never name a real app (401); tests/auth/test_sessions.py"
        " covers revocation"
    ),
    ("GET", "/auth/v1/sessions"): (
        "a person's own sessions: no caller here is a person (403);"
        " tests/auth/test_sessions.py signs people in and covers it"
    ),
    ("DELETE", "/auth/v1/sessions/{session_id}"): (
        "a person's own sessions: no caller here is a person (403);"
        " tests/auth/test_sessions.py covers it"
    ),
    **{
        (method, "/auth/v1/organisations/{code}/sessions/{session_id}"): (
            "one session of an organisation's people: its admin person (no caller here is a"
            " person: 403) or the operator, who finds no session (none is seeded: 404);"
            " tests/auth/test_organisation_sessions.py signs people in and covers it"
        )
        for method in ("GET", "DELETE")
    },
    **{
        ("POST", f"{drafts}/{{draft_id}}/{action}"): (
            "returning or approving a draft is for an admin person of its organisation: the"
            " member state's client finds its draft but is no person (403), the others may"
            f" not know it exists (404) or hold no write scope (403); {covered} signs an"
            " admin in and covers it"
        )
        for drafts, covered in (
            ("/registry/v1/manifest-drafts", "tests/registry/test_manifest_drafts.py"),
            (
                "/declarations/v1/declaration-drafts",
                "tests/declarations/test_declaration_drafts.py",
            ),
        )
        for action in ("return", "approve")
    },
    ("GET", "/registry/v1/notification-preferences"): (
        "a signed-in person's own email preferences: no caller here is a person (403);"
        " tests/registry/test_mail.py signs people in and covers it"
    ),
    ("PUT", "/registry/v1/notification-preferences"): (
        "a signed-in person's own email preferences: no caller here is a person (403);"
        " tests/registry/test_mail.py covers it"
    ),
}
# A status only an operation that found its record answers.
FOUND_RECORD = {409, 412, 428}
LOCKED_OUT = {401, 403, 404}


def _real_path_parameters(method: str, path: str, seeded: SeededRecords) -> list[dict[str, Any]]:
    """Path parameters naming seeded records, for the operation ``method path``.

    Writes that would change what other operations rely on get records of their own:
    disposal the expired declarations, membership edits and deletions separate
    memberships of the test community, mission edits the test mission.
    """
    declaration = "/declarations/v1/declarations/{declaration_id}"
    memberships = "/auth/v1/communities/{code}/memberships/{membership_id}"
    if (method, path) == ("DELETE", declaration):
        ids = [*seeded.expired_declaration_ids, seeded.declaration_id]
        return [{"declaration_id": i} for i in ids]
    if path == declaration + "/holds/{hold_id}":
        return [{"declaration_id": seeded.declaration_id, "hold_id": seeded.hold_id}]
    if path.startswith(declaration):
        return [{"declaration_id": seeded.declaration_id}]
    if path == memberships:
        half = len(seeded.membership_ids) // 2
        ids = seeded.membership_ids[:half] if method == "PATCH" else seeded.membership_ids[half:]
        return [{"code": seeded.community, "membership_id": i} for i in ids]
    if path.startswith("/auth/v1/communities/{code}"):
        codes = ["ECOWAS", seeded.community] if method == "GET" else [seeded.community]
        return [{"code": c} for c in codes]
    if path.startswith("/auth/v1/clients/{client_id}"):
        return [{"client_id": seeded.client_id}]
    if path.startswith("/auth/v1/people/{person_id}"):
        return [{"person_id": seeded.person_id}]
    if path == "/auth/v1/sessions/{session_id}":
        return [{"session_id": "ses_" + "0" * 32}]
    if path == "/auth/v1/organisations/{code}/sessions":
        return [{"code": "SEN"}, {"code": "ECOWAS"}]
    if path == "/auth/v1/organisations/{code}/sessions/{session_id}":
        return [{"code": "SEN", "session_id": "ses_" + "0" * 32}]
    if path == "/auth/v1/organisations/{code}/triagers":
        return [{"code": "ECOWAS"}, {"code": "SEN"}]
    if path == "/auth/v1/organisations/{code}":
        return [{"code": "SEN"}, {"code": "ECOWAS"}]
    if path.startswith("/registry/v1/manifests/{manifest_id}"):
        return [{"manifest_id": seeded.manifest_id}]
    if path == "/registry/v1/loss-reports/{report_id}":
        return [{"report_id": seeded.loss_report_id}]
    if path.startswith("/registry/v1/alerts/{alert_id}"):
        return [{"alert_id": i} for i in seeded.alert_ids]
    if path.startswith("/registry/v1/cases/{case_id}"):
        return [{"case_id": seeded.case_id}]
    if path.startswith("/registry/v1/trace-requests/{request_id}"):
        # send: the draft; acknowledge, answer: a sent one each; reads: the answered one.
        action = path.rsplit("/", 1)[-1]
        which = {"send": 0, "acknowledge": 1, "answer": 2}.get(action, 3)
        return [{"request_id": seeded.trace_request_ids[which]}]
    if path.startswith("/registry/v1/embargoes/{embargo_id}"):
        # Withdrawal gets an entry of its own: exemptions keep one that stays in force.
        withdrawn = path.endswith("/withdrawal")
        return [{"embargo_id": "seed-ssd-2018" if withdrawn else "seed-som-1992"}]
    if path == "/registry/v1/missions/{code}":
        codes = ["MINUSMA", seeded.mission] if method == "GET" else [seeded.mission]
        return [{"code": c} for c in codes]
    if path == "/registry/v1/reference/armed-groups/{code}":
        return [{"code": TEST_ARMED_GROUP}]
    if path == "/registry/v1/reference/headstamps/{code}":
        return [{"code": TEST_HEADSTAMP}]
    if path == "/declarations/v1/incidents/{incident_id}":
        return [{"incident_id": seeded.incident_id}]
    if path.startswith("/registry/v1/manifest-drafts/{draft_id}"):
        return [{"draft_id": seeded.manifest_draft_id}]
    if path.startswith("/declarations/v1/declaration-drafts/{draft_id}"):
        return [{"draft_id": seeded.declaration_draft_id}]
    if path.startswith("/registry/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}"):
        return [{"endpoint_id": seeded.webhook_id, "delivery_id": int(seeded.webhook_delivery_id)}]
    if path.startswith("/registry/v1/webhooks/{endpoint_id}"):
        return [{"endpoint_id": seeded.webhook_id}]
    return []


AMENDMENTS = ("POST", "/declarations/v1/declarations/{declaration_id}/amendments")
AMENDABLE = ("circumstances", "presumed_user")
# Values that name reference data (countries, missions) or fall inside the log: generated
# ones almost never do, so positive cases use these part of the time. Location -> field ->
# values. The log holds at least 5 entries when the run starts (seed_records).
RefData = dict[str, dict[str, tuple[Any, ...]]]
REGISTER_VIEW: RefData = {"query": {"mission": ("MINUSCA", "MINUSMA"), "country": ("SEN",)}}
REAL_VALUES: dict[tuple[str, str], RefData] = {
    ("POST", "/auth/v1/communities/{code}/memberships"): {
        "body": {"country": ("CIV", "GHA", "MLI")}
    },
    ("POST", "/registry/v1/missions"): {
        "body": {"authority": ("UN",), "host_countries": (["MLI"],)}
    },
    ("POST", "/registry/v1/embargoes"): {"body": {"authority": ("UN",), "country": ("MLI",)}},
    ("POST", "/registry/v1/manifests"): {
        "body": {"mission": ("MINUSCA", "MINUSMA"), "contributing_country": ("SEN",)}
    },
    ("POST", "/registry/v1/loss-reports"): {
        "body": {"mission": ("MINUSCA",), "contributing_country": ("SEN",)}
    },
    ("POST", "/registry/v1/index/declarations"): {
        "body": {"mission": ("MINUSMA",), "declaring_country": ("NER",)}
    },
    # A complete weapon as a trace showed it (the other kinds' references left out).
    ("POST", "/registry/v1/cases/{case_id}/items"): {
        "body": {
            "kind": ("trace_result",),
            "serial_number": ("KC-9",),
            "manufacturer": ("Kalashnikov Concern",),
            "country": ("SEN",),
            **dict.fromkeys(
                ("manifest_id", "line", "declaration_id", "item_index", "alert_id"), (None,)
            ),
        }
    },
    ("POST", "/registry/v1/cases/{case_id}/shares"): {"body": {"organisation": ("SEN",)}},
    # The seeded case's second item is the seized rifle (its first is the alert).
    ("POST", "/registry/v1/cases/{case_id}/trace-requests"): {
        "body": {"case_item_id": (2,), "recipient_country": ("SEN",)}
    },
    ("GET", "/registry/v1/holdings"): REGISTER_VIEW,
    ("GET", "/registry/v1/reconciliation"): REGISTER_VIEW,
    ("GET", "/registry/v1/reconciliation/export.csv"): REGISTER_VIEW,
    ("POST", "/declarations/v1/declarations"): {
        "body": {"mission": ("MINUSMA",), "declaring_country": ("SEN",)}
    },
    ("GET", "/declarations/v1/log/entries"): {"query": {"start": (0, 1, 2), "end": (3, 4, 5)}},
    ("GET", "/declarations/v1/log/proof/inclusion"): {
        "query": {"index": (0, 1, 2), "tree_size": (3, 4, 5)}
    },
    ("GET", "/declarations/v1/log/proof/consistency"): {
        "query": {"first": (1, 2), "second": (3, 4, 5)}
    },
}


def _aim_at_real_data(
    case: Any,
    data: st.DataObject,
    real: list[dict[str, Any]],
    *,
    mode: GenerationMode,
    client: TestClient,
    owner: dict[str, str],
) -> None:
    """Name real reference data and a real record in the path part of the time;
    for an amendment, with its current ETag part of that time, and with changes to a field
    the record has part of that (positive cases)."""
    positive = mode is GenerationMode.POSITIVE
    reference = REAL_VALUES.get((case.method.upper(), case.path), {})
    if positive and reference and data.draw(st.booleans(), label="real reference data"):
        for location, fields in reference.items():
            named = {f: data.draw(st.sampled_from(v), label=f) for f, v in fields.items()}
            if location == "query":
                case.query = {**(case.query or {}), **named}
            elif isinstance(case.body, dict):
                case.body = {**case.body, **named}
    if not real:
        return
    chosen = data.draw(st.sampled_from([*real, None]), label="real record")
    if chosen is None:
        return
    case.path_parameters = {**case.path_parameters, **chosen}
    if (case.method.upper(), case.path) != AMENDMENTS:
        return
    if not data.draw(st.booleans(), label="current ETag"):
        return
    current = client.get(f"/declarations/v1/declarations/{chosen['declaration_id']}", headers=owner)
    assert current.status_code == 200, current.text
    case.headers["if-match"] = current.headers["ETag"]
    if positive and data.draw(st.booleans(), label="real field"):
        field = data.draw(st.sampled_from(AMENDABLE), label="field")
        value = data.draw(st.text(min_size=1, max_size=80), label="value")
        case.body = {"reason": case.body["reason"], "changes": {field: value}}


def _repeats_a_scalar_query_parameter(case: Any) -> bool:
    """Whether a query parameter that is not an array is sent as an array: several times,
    or once (a one-item array, which goes out exactly as the scalar would)."""
    arrays = {p.name for p in case.operation.query if "array" in json.dumps(p.definition)}
    return any(
        isinstance(value, list) and len(value) >= 1 and name not in arrays
        for name, value in (case.query or {}).items()
    )


def _sends_a_typed_value_as_query_text(case: Any) -> bool:
    """Whether a boolean, number or object is sent for a query parameter whose schema
    allows text."""
    texts = {p.name for p in case.operation.query if '"string"' in json.dumps(p.definition)}

    def typed(value: Any) -> bool:
        if isinstance(value, list):
            return any(typed(item) for item in value)
        return isinstance(value, bool | int | float | dict)

    return any(name in texts and typed(value) for name, value in (case.query or {}).items())


def _as_bytes(content: Any) -> bytes | str:
    return content if isinstance(content, bytes | str) else json.dumps(content)


def _removes_the_token(case: Any) -> bool:
    """Whether this negative case leaves out the bearer token on purpose.

    Schemathesis leaves out the header itself only when that is the case's one mutation;
    alongside another (say a path parameter this suite then replaced with a real id) the
    caller's token would go out, and a request meant to be refused would be accepted.
    """
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    return any(
        not mutation.path
        and mutation.parameter_location is ParameterLocation.HEADER
        and (mutation.parameter or "").lower() == "authorization"
        for mutation in meta.phase.data.mutations
    )


def _call_and_check(
    client: TestClient,
    case: Any,
    callers: dict[str, dict[str, str]],
    seen: dict[str, Counter[int]],
    witnessed: list[str],
) -> None:
    """The case as each caller in turn; every response is checked, and its status counted
    when the request carried the caller's token. A failed check is written down in
    ``witnessed`` as it happens: Hypothesis replays a failing case, and when the replay
    passes (the first call changed the record) it reports only that it was flaky."""
    drop_token = _removes_the_token(case)
    for name, headers in callers.items():
        if drop_token:
            headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        kwargs = case.as_transport_kwargs(headers=headers)
        kwargs.pop("cookies", None)
        if isinstance(kwargs.get("data"), str | bytes):
            kwargs["content"] = kwargs.pop("data")  # raw bodies (httpx's spelling)
        if kwargs.get("files"):
            # Generated file parts may be numbers or objects; httpx sends bytes or text.
            kwargs["files"] = [
                (field, (part[0], _as_bytes(part[1]), *part[2:])) for field, part in kwargs["files"]
            ]
        response = client.request(**kwargs)
        if "authorization" in {header.lower() for header in kwargs["headers"]}:
            # Negative cases may drop the header (a 401 is then right, and proves nothing).
            seen[name][response.status_code] += 1
        response.request.read()  # multipart bodies stream; the checks read them back
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:
            sent = kwargs.get("json", kwargs.get("content", kwargs.get("params")))
            witnessed.append(
                f"as {name}: {kwargs['method']} {kwargs['url']} {sent!r:.300} -> "
                f"{response.status_code} {response.text:.300} :: {exc!s:.600}"
            )
            raise


def _operations() -> list[Any]:
    """(service, method, path) of every documented operation, from the committed documents
    (tests/common/test_openapi_committed.py keeps them equal to the code)."""
    found = []
    for service in SERVICES:
        document = json.loads((OPENAPI / f"{service}.json").read_text())
        for path, operations in document["paths"].items():
            for method in operations:
                marks = []
                known = KNOWN_BUGS.get((method.upper(), path))
                if known is not None and known[1]:
                    marks.append(pytest.mark.xfail(strict=True, reason=known[0]))
                found.append(
                    pytest.param(
                        service, method.upper(), path, id=f"{method.upper()} {path}", marks=marks
                    )
                )
    return found


@pytest.fixture(scope="module")
def schemas(live_register: LiveRegister) -> dict[str, Any]:
    return {service: _schema(live_register.client, service) for service in SERVICES}


def _got_nowhere(
    method: str, path: str, seen: dict[str, Counter[int]], on_record: bool
) -> list[str]:
    """What the run failed to prove: no 401 for valid tokens, past authentication and
    scope for someone, and (on a record) the record reached by someone."""
    problems = []
    key = (method, path)
    summary = {name: dict(sorted(statuses.items())) for name, statuses in seen.items()}
    unauthenticated = [name for name, statuses in seen.items() if statuses[401]]
    if unauthenticated and key not in MAY_ANSWER_401:
        problems.append(f"401 for callers with valid tokens {unauthenticated}: {summary}")
    if key in NOT_REACHED:
        return problems
    statuses = Counter[int]()
    for counted in seen.values():
        statuses.update(counted)
    if not set(statuses) - LOCKED_OUT:
        problems.append(f"no caller got past authentication and scope: {summary}")
    reached = [s for s in statuses if 200 <= s < 300 or s in FOUND_RECORD]
    if on_record and not reached:
        problems.append(f"no caller reached a seeded record: {summary}")
    return problems


class UnreproducedFailure(UserWarning):
    """A failure Hypothesis saw once and could not reproduce (shown in the warnings)."""


@pytest.mark.filterwarnings("always::tests.reliability.test_schemathesis.UnreproducedFailure")
@pytest.mark.parametrize(("service", "method", "path"), _operations())
def test_operation_conforms_to_its_openapi_document_for_every_caller(
    service: str,
    method: str,
    path: str,
    live_register: LiveRegister,
    callers: dict[str, dict[str, str]],
    schemas: dict[str, Any],
) -> None:
    client = live_register.client
    operation = schemas[service][path][method]
    real = _real_path_parameters(method, path, live_register.seeded)
    on_record = bool(re.search(r"\{\w+\}", path))
    assert real or not on_record, f"no seeded record for {path}: seed one in seed_records"
    these = {name: callers[name] for name in CALLERS_OF.get((method, path), CALLERS)}
    seen: dict[str, Counter[int]] = {name: Counter() for name in these}
    failed: list[str] = []
    witnessed: list[str] = []
    modes = [GenerationMode.POSITIVE]
    if (method, path) not in NO_NEGATIVE_RUN:
        modes.append(GenerationMode.NEGATIVE)
    examples = EXAMPLES_ON_RECORDS if on_record else EXAMPLES

    def exercise(mode: GenerationMode) -> None:
        @settings(BOUNDED, max_examples=examples)
        @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
        def run(case: Any, data: st.DataObject) -> None:
            assume(not _repeats_a_scalar_query_parameter(case))  # DROPPED_CASES
            assume(not _sends_a_typed_value_as_query_text(case))  # DROPPED_CASES
            _aim_at_real_data(
                case, data, real, mode=mode, client=client, owner=callers["member_state"]
            )
            _call_and_check(client, case, these, seen, witnessed)

        run()

    for mode in modes:
        for attempt in (1, 2):
            try:
                exercise(mode)
            except Unsatisfiable:
                pass  # nothing to make invalid (no parameters, no body): the positive run covers it
            except Flaky as exc:
                # Hypothesis saw a failure it could not reproduce on replay: said in the
                # warnings with what failed, and the mode is run once more; a failure that
                # comes back (or any other) fails the test.
                warnings.warn(
                    f"{method} {path} {mode.value} (attempt {attempt}): {_described(exc)}",
                    UnreproducedFailure,
                    stacklevel=1,
                )
                if attempt == 1:
                    continue
                failed.append(f"{mode.value}: {_described(exc)}")
            except (Exception, BaseExceptionGroup) as exc:  # report both modes' failures
                failed.append(f"{mode.value}: {_described(exc)}")
            break
    assert not failed, "\n\n".join([*failed, "first failed checks:", *witnessed[:3]])

    problems = _got_nowhere(method, path, seen, on_record)
    assert not problems, f"{method} {path}: " + "; ".join(problems)


def _described(exc: BaseException) -> str:
    """The error and, for a group (Hypothesis's flaky reports), each inner error with the
    end of its traceback: what actually failed."""
    parts = [f"{type(exc).__name__}: {exc}"]
    for inner in getattr(exc, "exceptions", ()):
        parts.append("".join(traceback.format_exception(inner)[-8:]))
    return "\n".join(parts)[:6000]
