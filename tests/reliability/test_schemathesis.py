"""Schemathesis against the three services' OpenAPI documents, in process, with real tokens.

Every operation of every service is generated from its own OpenAPI document, with
valid and invalid data, and called as a member state, a secretariat and the
operator (tokens from the real auth service). Each response must: not be a
server error, conform to the documented schema, status code and content type,
and refuse invalid data. Bounded: a few examples per operation and mode.

No operation is excluded. Narrowed: ``NO_NEGATIVE_RUN`` (the negative run of one
operation, with the reason). Bugs found in services this suite may not change are
strict xfails in ``KNOWN_BUGS``, each naming the bug.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from services.auth.bootstrap import bootstrap
from services.auth.settings import AuthSettings
from services.common.database import make_engine
from services.declarations.settings import DeclarationsSettings
from services.embedded import EmbeddedRegister, EmbeddedSettings, create_embedded_app
from services.registry.settings import RegistrySettings
from tests.declarations.support import declaration
from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.support.auth_fixtures import AuthApi

pytestmark = pytest.mark.db

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def live_register(module_database_urls: dict[str, str]) -> Iterator[tuple[TestClient, AuthApi]]:
    """One register for the module (lifespan run once), seeded with a manifest and a declaration."""
    var_dir = Path(module_database_urls["var_dir"])
    common: dict[str, Any] = {"var_dir": var_dir, "log_level": "ERROR"}
    settings = EmbeddedSettings(
        auth=AuthSettings(database_url=module_database_urls["auth"], **common),
        registry=RegistrySettings(database_url=module_database_urls["registry"], **common),
        declarations=DeclarationsSettings(
            database_url=module_database_urls["declarations"], index_relay_enabled=False, **common
        ),
    )
    engine = make_engine(settings.auth.resolved_database_url())
    try:
        operator = bootstrap(settings=settings.auth, engine=engine)
    finally:
        engine.dispose()
    assert operator is not None
    register = create_embedded_app(settings)
    with TestClient(register, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        api = AuthApi(client, operator)
        sen = api.member_state_headers("SEN")
        assert client.post(MANIFESTS, json=manifest([weapon("KC-1")]), headers=sen).is_success
        declared = client.post("/declarations/v1/declarations", json=declaration(), headers=sen)
        assert declared.is_success, declared.text
        client.app_state = register  # type: ignore[attr-defined]
        yield client, api


@pytest.fixture(scope="module")
def callers(live_register: tuple[TestClient, AuthApi]) -> dict[str, dict[str, str]]:
    """Real tokens: SEN's ministry, the ECOWAS secretariat, the operator (admin, register:read)."""
    _client, api = live_register
    return {
        "member_state": api.member_state_headers("SEN"),
        "secretariat": api.secretariat_headers("ECOWAS"),
        "operator": api.operator_headers(("admin", "register:read")),
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


BOUNDED = settings(
    max_examples=8,
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
NO_NEGATIVE_RUN: dict[tuple[str, str], str] = {
    ("GET", "/auth/v1/audit"): (
        "a scalar query parameter sent several times (?actor=a&actor=b) is answered with"
        " the last value, as FastAPI does on every route; schemathesis counts the repeat"
        " as invalid data accepted"
    ),
}


def _as_bytes(content: Any) -> bytes | str:
    return content if isinstance(content, bytes | str) else json.dumps(content)


def _call_and_check(client: TestClient, case: Any, callers: dict[str, dict[str, str]]) -> None:
    """The case as each caller in turn; every response is checked."""
    for headers in callers.values():
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
        response.request.read()  # multipart bodies stream; the checks read them back
        case.validate_response(response, checks=CHECKS)


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
def schemas(live_register: tuple[TestClient, AuthApi]) -> dict[str, Any]:
    return {service: _schema(live_register[0], service) for service in SERVICES}


@pytest.mark.parametrize(("service", "method", "path"), _operations())
def test_operation_conforms_to_its_openapi_document_for_every_caller(
    service: str,
    method: str,
    path: str,
    live_register: tuple[TestClient, AuthApi],
    callers: dict[str, dict[str, str]],
    schemas: dict[str, Any],
) -> None:
    operation = schemas[service][path][method]
    failed: list[str] = []
    modes = [GenerationMode.POSITIVE]
    if (method, path) not in NO_NEGATIVE_RUN:
        modes.append(GenerationMode.NEGATIVE)
    for mode in modes:

        @BOUNDED
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case: Any) -> None:
            _call_and_check(live_register[0], case, callers)

        try:
            run()
        except Unsatisfiable:
            pass  # nothing to make invalid (no parameters, no body): the positive run covers it
        except (Exception, BaseExceptionGroup) as exc:  # report both modes' failures
            failed.append(f"{mode.value}: {exc}")
    assert not failed, "\n\n".join(failed)
