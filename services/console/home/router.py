"""The home page: what needs the signed-in person."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.alerts.labels import summary
from services.console.alerts.service import KIND_NAMES
from services.console.home.service import what_needs_me
from services.console.i18n import Formats, language, translator
from services.console.pages import render
from services.console.signed_in import SignedInDep, apis_of

router = APIRouter(include_in_schema=False)


@router.get("/console/")
async def home(request: Request, signed: SignedInDep) -> Response:
    """Open alerts, latest submissions and rotations ending with weapons not yet out."""
    apis = apis_of(request)
    needs = await what_needs_me(
        registry=apis.registry, session=signed.session, declarations=apis.declarations
    )
    lang = language(request)
    _, fmt = translator(lang), Formats(lang)
    context = {
        "needs": needs,
        "summaries": {a["id"]: summary(a, _, fmt) for a in needs.alerts},
        "kind_names": KIND_NAMES,
    }
    return render(request, "home/home.html", context, signed=signed, active="home")
