"""The interactive API documentation, served whole from the project.

``/{service}/docs`` is Swagger UI with its script and style sheet taken from a pinned
package (``fastapi-offline``'s copy of swagger-ui-dist), never a CDN: a secretariat's
closed network or a mission's satellite link reaches the register but not the internet.
The page starts Swagger UI from a served file (``docs_static/swagger-init.js``), so its
Content-Security-Policy (:data:`DOCS_CSP`) allows scripts from the register only.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Final

import fastapi_offline
from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, Response

from services.common.errors import NotFound

_SWAGGER_DIST = Path(fastapi_offline.__file__).parent / "static"
_OWN = Path(__file__).parent / "docs_static"
# The files the docs pages load, by the name they are served under: an allow-list,
# so no path from a request ever reaches the file system.
ASSETS: Final[dict[str, Path]] = {
    "swagger-ui-bundle.js": _SWAGGER_DIST / "swagger-ui-bundle.js",
    "swagger-ui.css": _SWAGGER_DIST / "swagger-ui.css",
    "favicon.png": _SWAGGER_DIST / "favicon.png",
    "swagger-init.js": _OWN / "swagger-init.js",
}
_MEDIA_TYPES: Final[dict[str, str]] = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
}
# The assets change only with a release; a day's caching spares a slow link the 1.7 MB.
_ASSET_CACHE = "public, max-age=86400"

DOCS_CSP: Final[bytes] = (
    b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""The docs pages' policy: everything from the register itself, nothing inline
(Swagger UI's icons are ``data:`` images in its style sheet)."""


def _redirect_script() -> str:
    """FastAPI's OAuth2 redirect page script, served as a file instead of inline."""
    page = bytes(get_swagger_ui_oauth2_redirect_html().body).decode()
    match = re.search(r"<script>(.*)</script>", page, flags=re.DOTALL)
    assert match is not None, "FastAPI's OAuth2 redirect page has no script"
    return match.group(1)


_REDIRECT_SCRIPT: Final[str] = _redirect_script()


def is_docs_page(path: str) -> bool:
    """True for the HTML pages that get :data:`DOCS_CSP` instead of the strict policy."""
    return path.endswith(("/docs", "/docs/oauth2-redirect"))


def docs_router(service: str, *, title: str) -> APIRouter:
    """``/{service}/docs``, its OAuth2 redirect page and ``/{service}/docs/assets/{name}``."""
    router = APIRouter(include_in_schema=False)
    prefix = f"/{service}/docs"
    assets = f"{prefix}/assets"

    @router.get(prefix)
    async def swagger_ui() -> HTMLResponse:
        page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} - API documentation</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="/{service}/openapi.json"
     data-oauth2-redirect-url="{prefix}/oauth2-redirect"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/swagger-init.js"></script>
</body>
</html>
"""
        return HTMLResponse(page)

    @router.get(f"{prefix}/oauth2-redirect")
    async def oauth2_redirect() -> HTMLResponse:
        return HTMLResponse(
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            "<title>Swagger UI: OAuth2 Redirect</title></head><body>"
            f'<script src="{assets}/oauth2-redirect.js"></script></body></html>\n'
        )

    @router.get(f"{assets}/oauth2-redirect.js")
    async def oauth2_redirect_script() -> Response:
        return Response(
            _REDIRECT_SCRIPT,
            media_type=_MEDIA_TYPES[".js"],
            headers={"Cache-Control": _ASSET_CACHE},
        )

    @router.get(f"{assets}/{{name}}")
    async def asset(name: str) -> FileResponse:
        path = ASSETS.get(name)
        if path is None:
            raise NotFound("no such documentation asset")
        return FileResponse(
            path, media_type=_MEDIA_TYPES[path.suffix], headers={"Cache-Control": _ASSET_CACHE}
        )

    return router
