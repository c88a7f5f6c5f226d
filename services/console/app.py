"""The console: server-rendered pages for people, a client of the three APIs.

It keeps no records of its own and reads no database: every page calls the APIs
over HTTP with the signed-in person's token (over in-process transports when
embedded), so tenancy and scopes are the APIs'. Unknown paths, refusals and
outages are pages in the person's language, never a stack trace.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from functools import partial
from urllib.parse import urlencode

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from services.common.app import SecurityHeadersMiddleware
from services.common.request_context import RequestContextMiddleware, configure_logging
from services.common.tracing import instrument_app, instrument_client, tracer_provider
from services.common.tracing import shutdown as shutdown_tracing
from services.console.admin.clients_router import router as clients_router
from services.console.admin.organisations_router import router as organisations_router
from services.console.admin.router import router as admin_router
from services.console.admin.sessions_router import router as sessions_router
from services.console.admin.webhooks_router import router as webhooks_router
from services.console.alerts.router import router as alerts_router
from services.console.cases.router import router as cases_router
from services.console.clients.apis import make_apis
from services.console.clients.base import ApiError, ApiProblem
from services.console.declarations.router import router as declarations_router
from services.console.drafts.router import router as drafts_router
from services.console.holdings.router import router as holdings_router
from services.console.home.router import router as home_router
from services.console.i18n import N_
from services.console.losses.router import router as losses_router
from services.console.manifests.router import router as manifests_router
from services.console.pages import FINGERPRINTS, STATIC, render
from services.console.profile.router import router as profile_router
from services.console.refreshes import Refreshes
from services.console.session import Sealer, clear_cookie, load_or_create_key, session_cookie_name
from services.console.settings import ConsoleSettings
from services.console.signed_in import CsrfRefused, SignedIn, SignInRequired
from services.console.signin.router import router as signin_router
from services.console.signin.service import load_credentials
from services.console.statistics.router import router as statistics_router
from services.console.timing import ServerTimingMiddleware
from services.console.trace.router import router as trace_router

YEAR = 365 * 24 * 3600


def create_app(
    settings: ConsoleSettings | None = None,
    *,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
) -> FastAPI:
    """The console app; ``transports`` reach the APIs in-process (embedded runner)."""
    settings = settings or ConsoleSettings()
    configure_logging(settings.log_level)
    apis = make_apis(settings, transports)
    provider = tracer_provider("console", enabled=settings.tracing_enabled)
    for api in (apis.auth, apis.registry, apis.declarations):
        instrument_client(api.http, provider)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await apis.aclose()
        shutdown_tracing(provider)

    app = FastAPI(
        title="SALW register console",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.apis = apis
    app.state.sealer = Sealer(
        load_or_create_key(settings.resolved_session_key_file()),
        max_age_seconds=settings.session_max_hours * 3600,
    )
    app.state.credentials = partial(load_credentials, settings)
    app.state.refreshes = Refreshes()
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestContextMiddleware)
    if settings.timing_header:  # outermost: its total covers the other middleware too
        app.add_middleware(ServerTimingMiddleware)
    for router in (
        signin_router,
        home_router,
        manifests_router,
        declarations_router,
        losses_router,
        drafts_router,
        holdings_router,
    ):
        app.include_router(router)
    for router in (trace_router, alerts_router):
        app.include_router(router)
    app.include_router(cases_router)
    app.include_router(statistics_router)
    for router in (
        admin_router,
        organisations_router,
        clients_router,
        sessions_router,
        webhooks_router,
    ):
        app.include_router(router)
    for router in (profile_router,):
        app.include_router(router)
    app.add_api_route("/console", _to_home, include_in_schema=False)
    app.add_api_route("/console/static/{fingerprint}/{name}", _static_file, include_in_schema=False)
    app.add_api_route("/console/healthz", _alive, include_in_schema=False)
    _install_error_pages(app)
    instrument_app(app, provider)
    return app


async def _to_home() -> Response:
    return RedirectResponse("/console/", status_code=307)


async def _alive() -> Response:
    return Response('{"status":"ok"}', media_type="application/json")


async def _static_file(fingerprint: str, name: str) -> Response:
    """A fingerprinted static file, cached for a year (its URL changes with it)."""
    if FINGERPRINTS.get(name) != fingerprint:
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(
        STATIC / name, headers={"Cache-Control": f"public, max-age={YEAR}, immutable"}
    )


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, error: SignInRequired) -> Response:
        query = urlencode({"next": error.next_path})
        response = RedirectResponse(f"/console/signin?{query}", status_code=303)
        clear_cookie(request, response, session_cookie_name(request))
        return response

    @app.exception_handler(CsrfRefused)
    async def csrf(request: Request, _error: CsrfRefused) -> Response:
        return _message(
            request,
            N_("The form has expired"),
            N_("Go back, reload the page and send the form again."),
            403,
        )

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> Response:
        if isinstance(error, ApiProblem):
            if error.status == 401:
                return await sign_in(request, SignInRequired(request.url.path))
            if error.status == 404:
                return _not_found(request)
            if error.status == 403:
                return _message(
                    request,
                    N_("You cannot open this page"),
                    N_("Your role or organisation does not allow it."),
                    403,
                )
        return _message(
            request,
            N_("The register could not answer"),
            N_("Please try again in a few minutes."),
            502,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        places = "; ".join(
            ".".join(str(p) for p in e.get("loc", ())) + ": " + str(e.get("msg", ""))
            for e in error.errors()
        )
        return _message(
            request,
            N_("This address is not right"),
            N_("Check the address or go back to the previous page."),
            400,
            detail=places,
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if error.status_code == 404:
            return _not_found(request)
        if error.status_code == 405:
            return _message(request, N_("This address is not right"), N_("Go back."), 405)
        return _message(request, N_("This address is not right"), N_("Go back."), error.status_code)


def _not_found(request: Request) -> Response:
    return _message(
        request,
        N_("Page not found"),
        N_("There is no such page, or your organisation may not see it."),
        404,
    )


def _message(
    request: Request, title: str, message: str, status: int, *, detail: str = ""
) -> Response:
    session = request.app.state.sealer.open_session(request)
    return render(
        request,
        "message.html",
        {"title": title, "message": message, "detail": detail},
        signed=SignedIn(session) if session else None,
        status=status,
    )
