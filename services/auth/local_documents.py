"""The auth service's own verifier reads its JWKS and communities from its database.

Other services fetch ``/auth/v1/jwks.json``, ``/auth/v1/revocations.json`` and
``/auth/v1/communities`` over
HTTP; the auth service need not call itself, so it answers the same documents
from its own tables (in a worker thread: the queries are synchronous). The
communities document holds every page at once (``next_cursor`` null), so the
query string a paging reader sends is not needed here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from services.auth.communities import service as communities
from services.auth.keys import service as keys
from services.auth.revocations import service as revocations
from services.auth.settings import AuthSettings
from services.common.pagination import MAX_LIMIT, PageParams
from services.common.tables import utcnow


class LocalAuthDocuments:
    """A ``JsonFetcher`` over the auth database; ``engine`` is set once the app exists."""

    def __init__(self, settings: AuthSettings) -> None:
        self.settings = settings
        self.engine: Engine | None = None

    async def fetch_json(self, path: str, token: str | None) -> dict[str, Any]:
        """The document the HTTP route at ``path`` would answer."""
        return await run_in_threadpool(self._read, path)

    def _read(self, target: str) -> dict[str, Any]:
        assert self.engine is not None, "LocalAuthDocuments.engine is not set"
        path = urlsplit(target).path
        with Session(self.engine) as session:
            if path == "/auth/v1/jwks.json":
                return keys.jwks(session=session, settings=self.settings, now=utcnow())
            if path == "/auth/v1/revocations.json":
                return revocations.revocation_list(
                    session=session, settings=self.settings, now=utcnow()
                )
            if path == "/auth/v1/communities":
                items: list[dict[str, Any]] = []
                cursor: str | None = None
                while True:
                    page, cursor = communities.list_communities(
                        session=session, params=PageParams(limit=MAX_LIMIT, cursor=cursor)
                    )
                    items.extend(c.model_dump(mode="json") for c in page)
                    if cursor is None:
                        return {"items": items, "next_cursor": None}
        raise LookupError(f"no local document at {target}")
