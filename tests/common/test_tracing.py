"""Optional OpenTelemetry tracing: one trace across the services' HTTP calls.

The whole register runs embedded (the services reach each other over in-process
transports, as over the network, with the same httpx clients); spans go to an
in-memory exporter added to each service's own tracer provider.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from starlette.types import ASGIApp, Receive, Scope, Send

from services.embedded import EmbeddedRegister, EmbeddedSettings, create_embedded_app
from tests.e2e.test_index_feed import DELIVER, give_relay_a_client, seizure_by_niger
from tests.support.auth_fixtures import AuthApi

INDEX = "/registry/v1/index/declarations"


class TraceparentWitness:
    """Keeps the ``traceparent`` header of each request the registry's index receives: in
    one process the trace context would also pass through contextvars, so the spans alone
    would not show that the header went over the HTTP call."""

    def __init__(self, app: ASGIApp, seen: list[str]) -> None:
        self.app, self.seen = app, seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == INDEX:
            headers = dict(scope["headers"])
            self.seen.append(headers.get(b"traceparent", b"").decode())
        await self.app(scope, receive, send)


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def traceparents() -> list[str]:
    return []


@pytest.fixture
def traced_register(
    register_settings: EmbeddedSettings,
    spans: InMemorySpanExporter,
    traceparents: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[TestClient]:
    """The register with every service's ``*_TRACING_ENABLED`` on, exporting in memory."""
    # The standard variable: no OTLP exporter (nothing listens on localhost:4318 here).
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    for service in ("auth", "registry", "declarations"):
        getattr(register_settings, service).tracing_enabled = True
    register = create_embedded_app(register_settings)
    for name in ("auth", "registry", "declarations"):
        register.apps[name].state.tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    register.registry.add_middleware(TraceparentWitness, seen=traceparents)
    with TestClient(register, base_url="http://127.0.0.1") as client:
        yield client


def service_of(span: ReadableSpan) -> str:
    return str(span.resource.attributes["service.name"])


def test_a_relayed_declaration_is_one_trace_across_declarations_auth_and_registry(
    traced_register: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    spans: InMemorySpanExporter,
    traceparents: list[str],
) -> None:
    client = traced_register
    niger = auth_api.member_state_headers("NER", ("declarations:write", "register:read"))
    declared = client.post(
        "/declarations/v1/declarations", json=seizure_by_niger("56-0000123"), headers=niger
    )
    assert declared.status_code == 201, declared.text
    admin = auth_api.admin_headers()
    give_relay_a_client(auth_api, register_settings)
    spans.clear()

    delivered = client.post(DELIVER, headers=admin)
    assert delivered.status_code == 200, delivered.text
    assert delivered.json()["delivered"] == 1

    finished = spans.get_finished_spans()
    roots = [s for s in finished if s.parent is None]
    assert [(service_of(s), s.kind, s.name) for s in roots] == [
        ("declarations", SpanKind.SERVER, f"POST {DELIVER}")
    ]
    trace_id = roots[0].context.trace_id
    assert {s.context.trace_id for s in finished} == {trace_id}
    registry = [s for s in finished if service_of(s) == "registry" and s.name == f"POST {INDEX}"]
    assert len(registry) == 1
    # The relay's call carried the W3C header naming its own client span as the parent.
    relay_call = next(s for s in finished if s.context.span_id == registry[0].parent.span_id)
    assert (service_of(relay_call), relay_call.kind) == ("declarations", SpanKind.CLIENT)
    [header] = traceparents
    version, header_trace, header_parent, flags = header.split("-")
    assert (version, header_trace, header_parent) == (
        "00",
        f"{trace_id:032x}",
        f"{relay_call.context.span_id:016x}",
    )
    assert int(flags, 16) & 1  # sampled
    # Each call is one client span of the service that made it: the relay's token request
    # and its delivery (in one process the services share transports, as they share a
    # network; no call is traced twice or under another service's name).
    clients = [(service_of(s), s.name) for s in finished if s.kind is SpanKind.CLIENT]
    assert sorted(clients) == [("declarations", "POST"), ("declarations", "POST")]
    # The relay's token came from auth in the same trace.
    assert ("auth", "POST /auth/v1/token") in {(service_of(s), s.name) for s in finished}


def test_a_span_is_named_after_the_route_template_never_the_identifier(
    traced_register: TestClient, auth_api: AuthApi, spans: InMemorySpanExporter
) -> None:
    senegal = auth_api.member_state_headers("SEN")
    missing = "00000000-0000-4000-8000-000000000000"
    traced_register.get(f"/declarations/v1/declarations/{missing}", headers=senegal)

    names = [s.name for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert "GET /declarations/v1/declarations/{declaration_id}" in names
    assert not any(missing in name for name in names)


def test_tracing_is_off_by_default_and_adds_nothing(
    register: EmbeddedRegister, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    for name in ("auth", "registry", "declarations", "console"):
        app = register.apps[name]
        assert app.state.tracer_provider is None
        middleware = [m.cls.__name__ for m in app.user_middleware]  # type: ignore[attr-defined]
        assert not any("OpenTelemetry" in m for m in middleware)


def test_a_span_never_holds_the_serial_number_of_a_query(
    traced_register: TestClient, auth_api: AuthApi, spans: InMemorySpanExporter
) -> None:
    reader = auth_api.secretariat_headers("ECOWAS")
    serial = "56-7654321"
    response = traced_register.get(
        "/registry/v1/trace", params={"serial_number": serial}, headers=reader
    )
    assert response.status_code == 200, response.text

    recorded = [
        (span.name, key, str(value))
        for span in spans.get_finished_spans()
        for key, value in span.attributes.items()
    ]
    assert ("GET /registry/v1/trace") in {name for name, _, _ in recorded}
    assert [r for r in recorded if "7654321" in r[2]] == []
    assert [r for r in recorded if "bearer" in r[2].lower()] == []
