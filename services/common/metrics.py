"""Prometheus metrics of one service, at ``GET /{service}/metrics``.

Every service counts its requests and times them per route template (never the raw
path, so the number of series stays bounded by the routes the code declares), and
reports its database pool; a service adds readings of its own (log size, backlogs,
alert counts) through a :data:`ReadingSource`, read from the database at scrape time.

The endpoint is not public: it needs a bearer token with ``metrics:read`` (or
``admin``), which Prometheus obtains itself with its ``oauth2`` client-credentials
scrape setting. Each app has its own registry: the embedded runner serves three apps
in one process, and each service's endpoint shows that service's figures only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import QueuePool
from sqlmodel import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.errors import Forbidden, problem_responses
from services.common.scopes import Scope as TokenScope
from services.common.security import Principal, PrincipalDep

logger = logging.getLogger(__name__)

UNMATCHED = "unmatched"
"""The route label of requests no route matched (404s of unknown paths, scanners)."""
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Seconds; from a cached trace (a few ms) to a 100,000-item manifest (tens of seconds).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True)
class Reading:
    """One gauge value a service reads from its database at scrape time."""

    name: str
    documentation: str
    value: float
    labels: dict[str, str] = field(default_factory=dict)


ReadingSource = Callable[[Session], Iterable[Reading]]
"""A service's own figures, read in one short read-only session per scrape."""


class _DatabaseCollector(Collector):
    """Pool figures and the service's readings, gathered when Prometheus scrapes."""

    def __init__(self, engine: Engine, source: ReadingSource | None) -> None:
        self.engine = engine
        self.source = source

    def collect(self) -> Iterator[Metric]:
        yield from _pool_metrics(self.engine)
        if self.source is None:
            return
        up = GaugeMetricFamily(
            "register_database_up", "1 if the last scrape could read the service's database"
        )
        families: dict[str, GaugeMetricFamily] = {}
        try:
            with Session(self.engine) as session:
                readings = list(self.source(session))
        except SQLAlchemyError as exc:
            logger.warning("metrics: the database could not be read: %s", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        for reading in readings:
            family = families.get(reading.name)
            if family is None:
                family = GaugeMetricFamily(
                    reading.name, reading.documentation, labels=sorted(reading.labels)
                )
                families[reading.name] = family
            family.add_metric([reading.labels[k] for k in sorted(reading.labels)], reading.value)
        yield from families.values()


def _pool_metrics(engine: Engine) -> Iterator[Metric]:
    """Connections of a PostgreSQL engine's pool (SQLite has no pool worth reporting)."""
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return
    figures = {
        "register_db_pool_size": ("Connections the pool keeps open", pool.size()),
        "register_db_pool_checked_out": ("Connections in use", pool.checkedout()),
        "register_db_pool_overflow": ("Connections opened beyond the pool size", pool.overflow()),
        "register_db_pool_checked_in": ("Idle connections in the pool", pool.checkedin()),
    }
    for name, (documentation, value) in figures.items():
        yield GaugeMetricFamily(name, documentation, value=value)


class ServiceMetrics:
    """The registry of one service's metrics and the instruments requests feed."""

    def __init__(self, engine: Engine, source: ReadingSource | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.requests = Counter(
            "register_http_requests",
            "HTTP requests answered, by route template, method and status class",
            ["route", "method", "status_class"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "register_http_request_duration_seconds",
            "Time to answer, by route template and method (to the end of the body)",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_DatabaseCollector(engine, source))

    def observe(self, *, route: str, method: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        method = method if method in _METHODS else "OTHER"
        self.requests.labels(route, method, f"{status // 100}xx").inc()
        self.latency.labels(route, method).observe(seconds)

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric."""
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Time each HTTP request and count it under the template of the route that matched."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_recording_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_recording_status)
        finally:
            self.metrics.observe(
                route=route_template(scope),
                method=scope["method"],
                status=status,
                seconds=time.perf_counter() - started,
            )


def route_template(scope: Scope) -> str:
    """The full path template of the route that answered (``/registry/v1/manifests/{id}``).

    FastAPI keeps included routers nested and records the route it selected, with the
    template its prefixes make, in the request scope; ``scope["route"]`` alone holds the
    route's own path without its router's prefix. tests/common/test_metrics.py pins this.
    """
    fastapi_scope = scope.get("fastapi")
    context = (
        fastapi_scope.get("effective_route_context") if isinstance(fastapi_scope, dict) else None
    )
    template = getattr(context, "path_format", None)
    if isinstance(template, str) and template:
        return template
    route = scope.get("route")
    template = getattr(route, "path_format", None)
    return template if isinstance(template, str) and template else UNMATCHED


async def _metrics_reader(principal: PrincipalDep) -> Principal:
    if not (principal.has_scope(TokenScope.METRICS_READ) or principal.has_scope(TokenScope.ADMIN)):
        raise Forbidden(
            f"Metrics need the '{TokenScope.METRICS_READ}' or '{TokenScope.ADMIN}' scope",
            code="insufficient_scope",
        )
    return principal


def metrics_router(service: str) -> APIRouter:
    """``GET /{service}/metrics`` for a token holding ``metrics:read`` or ``admin``."""
    router = APIRouter(prefix=f"/{service}", tags=["health"])

    @router.get(
        "/metrics",
        operation_id=f"{service}_metrics",
        summary="Prometheus metrics (needs metrics:read or admin)",
        response_class=Response,
        responses={
            200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}},
            **problem_responses(401, 403),
        },
    )
    def metrics(
        request: Request, _reader: Annotated[Principal, Depends(_metrics_reader)]
    ) -> Response:
        """The service's figures in the Prometheus text exposition format.

        Requests and latency per route template and status class, the database pool
        (PostgreSQL), and the service's own figures: the declarations log's size and the
        index feed's backlog (declarations), alert counts by kind and status (registry).
        Prometheus fetches a token itself with its ``oauth2`` client-credentials setting;
        see deploy/prometheus/.
        """
        service_metrics: ServiceMetrics = request.app.state.metrics
        return Response(service_metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return router
