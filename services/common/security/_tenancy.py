"""Tenancy: which records a caller may read.

A member state reads its own country's records; a secretariat reads the
records of states that were members of its community at the record's date
(memberships come from ``GET /auth/v1/communities``, cached); the operator
reads nothing unless it holds ``register:read``.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, and_, false, or_, true

from services.common.errors import ServiceUnavailable
from services.common.security._tokens import JsonFetcher

# Page size when reading every community (the route's maximum).
COMMUNITIES_PAGE_LIMIT = 1000
# A member state reads its own records of any date: its "membership" of itself.
FOREVER = date(1900, 1, 1)


@dataclass(frozen=True)
class MembershipPeriod:
    """A state's membership of a community: from ``joined`` until before ``left`` (None: open)."""

    country: str
    joined: date
    left: date | None

    def covers(self, on: date) -> bool:
        """True when the state was a member on ``on``."""
        return self.joined <= on and (self.left is None or on < self.left)


class CommunityDirectory:
    """Community memberships from the auth service, cached for a while."""

    def __init__(self, *, fetch_json: JsonFetcher, ttl_seconds: float = 300.0) -> None:
        self._fetch_json = fetch_json
        self.ttl_seconds = ttl_seconds
        self._periods: dict[str, list[MembershipPeriod]] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        """Forget the cache (after an edit, or in tests)."""
        self._fetched_at = float("-inf")

    def cached_periods(self, community: str) -> list[MembershipPeriod] | None:
        """The memberships of ``community`` as last fetched (None: never fetched), for
        background work that has no caller's token to fetch them with."""
        if not self._periods:
            return None
        return list(self._periods.get(community, []))

    async def periods(self, community: str, token: str) -> list[MembershipPeriod]:
        """Membership periods of ``community``; fetched with the caller's own token."""
        if time.monotonic() - self._fetched_at >= self.ttl_seconds:
            async with self._lock:
                if time.monotonic() - self._fetched_at >= self.ttl_seconds:
                    await self._load(token)
        return self._periods.get(community, [])

    async def _fetch_all(self, token: str) -> list[dict[str, Any]]:
        """Every community, following ``next_cursor`` page after page."""
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            query = {"limit": COMMUNITIES_PAGE_LIMIT, **({"cursor": cursor} if cursor else {})}
            document = await self._fetch_json(f"/auth/v1/communities?{urlencode(query)}", token)
            items.extend(document.get("items", []))
            cursor = document.get("next_cursor")
            if not cursor:
                return items
            if cursor in seen:  # a server bug must not loop forever
                raise ValueError("GET /auth/v1/communities repeated a cursor")
            seen.add(cursor)

    async def _load(self, token: str) -> None:
        try:
            communities = await self._fetch_all(token)
        except Exception as exc:
            if self._periods:
                return  # keep serving the last known memberships
            raise ServiceUnavailable(
                "Community memberships could not be fetched from the auth service",
                code="auth_unavailable",
            ) from exc
        periods: dict[str, list[MembershipPeriod]] = {}
        for community in communities:
            periods[community["code"]] = [
                MembershipPeriod(
                    country=m["country"],
                    joined=date.fromisoformat(m["joined"]),
                    left=date.fromisoformat(m["left"]) if m.get("left") else None,
                )
                for m in community.get("memberships", [])
            ]
        self._periods = periods
        self._fetched_at = time.monotonic()


@dataclass(frozen=True)
class ReadScope:
    """Which records a caller may read: everything, nothing, or countries over periods."""

    everything: bool
    periods: Sequence[MembershipPeriod]

    def allows(self, country: str, on: date) -> bool:
        """May the caller read a record of ``country`` dated ``on``?"""
        if self.everything:
            return True
        return any(p.country == country and p.covers(on) for p in self.periods)

    def clause(self, country: ColumnElement[Any], on: ColumnElement[Any]) -> ColumnElement[bool]:
        """SQL filter for rows whose ``country`` and date ``on`` the caller may read."""
        if self.everything:
            return true()
        if not self.periods:
            return false()
        return _periods_clause(tuple(self.periods), country, on)


@functools.lru_cache(maxsize=512)
def _periods_clause(
    periods: tuple[MembershipPeriod, ...], country: ColumnElement[Any], on: ColumnElement[Any]
) -> ColumnElement[bool]:
    """``country IN (...) AND on >= joined [AND on < left]`` per distinct membership period.

    A community's states mostly share their dates (ECOWAS: 16 states, 4 periods), so
    grouping keeps the filter small; it is built once per caller community and column
    pair (expressions are immutable), not on every request of every list.
    """
    by_period: dict[tuple[date, date | None], list[str]] = {}
    for period in periods:
        by_period.setdefault((period.joined, period.left), []).append(period.country)
    conditions = []
    for (joined, left), countries in by_period.items():
        states = sorted(set(countries))
        member = country == states[0] if len(states) == 1 else country.in_(states)
        condition = and_(member, on >= joined)
        if left is not None:
            condition = and_(condition, on < left)
        conditions.append(condition)
    return or_(*conditions)
