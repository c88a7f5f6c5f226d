"""``/auth/v1/apps`` (operator): browser apps that sign people in."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from services.auth.apps import service
from services.auth.apps.schemas import AppCreate, AppCreated, AppOut
from services.auth.clock import NowDep
from services.auth.deps import ActorDep, AdminDep, SettingsDep
from services.auth.models import BrowserApp
from services.auth.responses import NO_STORE
from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import REPLAYED_HEADER, IdempotencyDep

router = APIRouter(prefix="/apps", tags=["apps"])


def app_out(app: BrowserApp) -> AppOut:
    """The public view of an app."""
    return AppOut(
        client_id=app.client_id,
        name=app.name,
        redirect_uris=list(app.redirect_uris),
        public=app.public,
        enabled=app.enabled,
        created_at=app.created_at,
    )


@router.post(
    "",
    status_code=201,
    response_model=AppCreated,
    summary="Register a browser app (admin); a confidential app's secret is shown once",
    responses=problem_responses(403, 422),
)
def create_app(
    data: AppCreate,
    session: SessionDep,
    settings: SettingsDep,
    _admin: AdminDep,
    actor: ActorDep,
    now: NowDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Redirect URIs are https (http on localhost only) and matched exactly. A replay with
    the same `Idempotency-Key` answers `client_secret` null (shown once)."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    created = service.create_app(
        session=session, settings=settings, data=data, actor=actor, now=now
    )
    public = AppCreated(**app_out(created.app).model_dump(), client_secret=None)
    stored = idempotency.respond(public.model_dump(mode="json"))
    if stored.headers.get(REPLAYED_HEADER):
        return stored
    body = public.model_copy(update={"client_secret": created.secret}).model_dump(mode="json")
    return JSONResponse(body, status_code=201, headers=NO_STORE)


@router.get("", summary="List browser apps (admin)", responses=problem_responses(403))
def list_apps(session: SessionDep, _admin: AdminDep) -> list[AppOut]:
    """Every registered app."""
    return [app_out(a) for a in service.list_apps(session=session)]
