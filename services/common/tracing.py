"""Optional OpenTelemetry tracing: one span per request, W3C trace context on the
services' HTTP calls to each other.

Off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) is
set or the service's ``*_TRACING_ENABLED`` setting is true. When off, nothing of
OpenTelemetry is imported and no middleware is added: requests pay nothing.

When on, each app gets its own tracer provider (``service.name`` is the service's name,
so the embedded runner's three services stay apart in one process), its requests get a
server span named after the method and the route template (``GET /registry/v1/trace``,
never a serial number from the path), and the httpx clients it calls the other services
with (JWKS and revocations, the index feed relay, missions, the console's API calls) get
a client span and send ``traceparent``. Spans leave through the exporter that
``OTEL_TRACES_EXPORTER`` names, as in the OpenTelemetry specification: ``otlp``
(default; OTLP over HTTP/protobuf to the standard ``OTEL_EXPORTER_OTLP_*`` endpoint,
``http://localhost:4318`` unless set), ``console`` or ``none``.

Webhooks and mail to addresses outside the register are not instrumented: a trace
context is an internal detail, not something to hand to a third party.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from fastapi import FastAPI

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Span

_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
# Probes and scrapes every few seconds would drown the traces people look at.
_EXCLUDED_URLS = r"/healthz$,/readyz$,/metrics$"
# The attributes the HTTP conventions (old and stable) put a whole URL or its query in. A
# query names what people look for (a serial number on /trace): a trace store is no
# place for it, so these keep the path only.
_URL_ATTRIBUTES = ("http.url", "url.full", "http.target")
_QUERY_ATTRIBUTES = ("url.query",)


def _without_query(span: Span) -> None:
    """Rewrite the span's URL attributes without their query string."""
    if not span.is_recording():
        return
    attributes: Any = getattr(span, "attributes", None) or {}
    for key in _URL_ATTRIBUTES:
        value = attributes.get(key)
        if isinstance(value, str) and "?" in value:
            parts = urlsplit(value)
            span.set_attribute(key, urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")))
    for key in _QUERY_ATTRIBUTES:
        if key in attributes:
            span.set_attribute(key, "")


def _server_request_hook(span: Span, _scope: dict[str, Any]) -> None:
    _without_query(span)


async def _async_client_request_hook(span: Span, _request: Any) -> None:
    _without_query(span)


def tracing_wanted(enabled_setting: bool) -> bool:
    """Is tracing on: the service's setting, or an OTLP endpoint in the environment."""
    return enabled_setting or any(os.environ.get(name) for name in _ENDPOINT_VARIABLES)


def tracer_provider(service_name: str, *, enabled: bool) -> TracerProvider | None:
    """A tracer provider for one service with the exporter ``OTEL_TRACES_EXPORTER`` names,
    or None when tracing is off (see :func:`tracing_wanted`)."""
    if not tracing_wanted(enabled):
        return None
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
    exporter = os.environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower()
    if exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    elif exporter == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    elif exporter != "none":
        raise ValueError(f"OTEL_TRACES_EXPORTER={exporter!r}: use otlp, console or none")
    return provider


def instrument_app(app: FastAPI, provider: TracerProvider | None) -> None:
    """A server span per request (named ``METHOD /route/{template}``); no-op when off."""
    app.state.tracer_provider = provider
    if provider is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    # No spans for each ASGI receive and send: one span per request is what people read.
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=provider,
        excluded_urls=_EXCLUDED_URLS,
        exclude_spans=["receive", "send"],
        server_request_hook=_server_request_hook,
    )


def instrument_client(client: httpx.AsyncClient, provider: TracerProvider | None) -> None:
    """A client span per call and W3C ``traceparent`` on it; no-op when off."""
    if provider is None:
        return
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    # The instrumentation itself reaches for the client's transport the same way.
    if not isinstance(client._transport, httpx.AsyncHTTPTransport):
        client._transport = _OwnTransport(client._transport)
    HTTPXClientInstrumentor.instrument_client(
        client,
        tracer_provider=provider,
        request_hook=_async_client_request_hook,
    )


class _OwnTransport(httpx.AsyncBaseTransport):
    """One client's own handle on a transport other clients share (the embedded runner's
    in-process transports reach one app from several clients and services): the
    instrumentation wraps the transport object, so without it each call would be
    traced once per client sharing it, under the wrong services' names."""

    def __init__(self, shared: httpx.AsyncBaseTransport) -> None:
        self._shared = shared

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._shared.handle_async_request(request)

    async def aclose(self) -> None:
        await self._shared.aclose()


def shutdown(provider: TracerProvider | None) -> None:
    """Export what is still buffered (at the app's shutdown)."""
    if provider is not None:
        provider.shutdown()
