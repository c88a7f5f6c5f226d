"""The auth service's revocation list, refreshed every half minute by each verifier.

Access tokens are checked offline and live up to 900 s. When a client or a person
is disabled, the auth service lists its subject (by SHA-256, so the public list
names nobody) with the time before which its tokens no longer count
(``GET /auth/v1/revocations.json``). Verifiers fetch the list at most every
``refresh_seconds`` (30 by default) and refuse a listed subject's older tokens, so
a disabled subject's access ends within about a minute, writes included.

A failed fetch keeps the last list (an auth outage must not refuse every valid
token) and is tried again after the same interval.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

logger = logging.getLogger("salw.security")

REVOCATIONS_PATH = "/auth/v1/revocations.json"


def subject_digest(subject: str) -> str:
    """How the list names a subject: the SHA-256 hex of its id."""
    return hashlib.sha256(subject.encode()).hexdigest()


class RevocationList:
    """Subjects whose tokens issued at or before a time no longer count."""

    def __init__(
        self,
        *,
        fetch_json: Callable[[str, str | None], Awaitable[dict[str, Any]]],
        refresh_seconds: float,
        clock: Callable[[], float],
    ) -> None:
        self._fetch_json = fetch_json
        self.refresh_seconds = refresh_seconds
        self._clock = clock
        self._issued_before: dict[str, int] = {}
        self._attempted_at = float("-inf")
        self._lock = asyncio.Lock()

    async def refresh_if_due(self) -> None:
        """Fetch the list when the last attempt is older than ``refresh_seconds``."""
        if self._clock() - self._attempted_at < self.refresh_seconds:
            return
        async with self._lock:
            now = self._clock()
            if now - self._attempted_at < self.refresh_seconds:
                return  # refreshed by another request while this one waited
            self._attempted_at = now
            try:
                document = await self._fetch_json(REVOCATIONS_PATH, None)
                entries = {
                    str(entry["subject_sha256"]): int(entry["issued_before"])
                    for entry in document.get("revoked", [])
                }
            except Exception as exc:  # any transport or format failure: keep the last list
                logger.warning("revocation list fetch from the auth service failed: %r", exc)
                return
            self._issued_before = entries

    def revokes(self, *, subject_digest: str, issued_at: float) -> bool:
        """True when the subject is listed and the token was issued at or before its time."""
        cutoff = self._issued_before.get(subject_digest)
        return cutoff is not None and issued_at <= cutoff
