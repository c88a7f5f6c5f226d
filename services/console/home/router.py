"""The home page: what needs the signed-in person."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.home.service import what_needs_me
from services.console.pages import render
from services.console.signed_in import SignedInDep, apis_of

router = APIRouter(include_in_schema=False)


@router.get("/console/")
async def home(request: Request, signed: SignedInDep) -> Response:
    """Open alerts, latest submissions and rotations ending with weapons not yet out."""
    needs = await what_needs_me(registry=apis_of(request).registry, session=signed.session)
    return render(request, "home/home.html", {"needs": needs}, signed=signed, active="home")
