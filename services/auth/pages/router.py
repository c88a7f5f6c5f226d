"""The pages' style sheet (served here: the pages' policy allows styles from this origin)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

STYLE = Path(__file__).resolve().parent.parent / "static" / "pages.css"

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/auth/static/pages.css")
def style_sheet() -> Response:
    """The one style sheet of auth's pages."""
    return Response(
        STYLE.read_bytes(),
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600"},
    )
