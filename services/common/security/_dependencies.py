"""FastAPI dependencies: who is calling, with which scope, reading what."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.common.errors import Forbidden, Unauthorized, problem_responses
from services.common.scopes import Scope
from services.common.security._tenancy import (
    FOREVER,
    CommunityDirectory,
    MembershipPeriod,
    ReadScope,
)
from services.common.security._tokens import Principal, TokenVerifier

_bearer = HTTPBearer(auto_error=False, description="ES256 JWT from POST /auth/v1/token")


async def authenticated(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Router-level dependency: a valid bearer token is required (401 otherwise)."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send a bearer token: Authorization: Bearer <token>")
    verifier: TokenVerifier = request.app.state.verifier
    principal = await verifier.verify(credentials.credentials)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(authenticated)]


def require_scope(scope: Scope) -> Callable[..., Awaitable[Principal]]:
    """Dependency factory: the caller's token must carry ``scope`` (403 otherwise)."""

    async def dependency(principal: PrincipalDep) -> Principal:
        if not principal.has_scope(scope):
            raise Forbidden(f"This needs the '{scope}' scope", code="insufficient_scope")
        return principal

    dependency.__name__ = f"require_{scope.replace(':', '_')}"
    return dependency


async def read_scope(request: Request, principal: PrincipalDep) -> ReadScope:
    """What register data the caller may read (needs ``register:read``)."""
    if not principal.has_scope(Scope.REGISTER_READ):
        raise Forbidden(
            f"Reading the register needs the '{Scope.REGISTER_READ}' scope",
            code="insufficient_scope",
        )
    if principal.org_type == "operator":
        return ReadScope(everything=True, periods=())
    if principal.org_type == "member_state":
        assert principal.country is not None
        return ReadScope(
            everything=False,
            periods=(MembershipPeriod(country=principal.country, joined=FOREVER, left=None),),
        )
    assert principal.community is not None
    directory: CommunityDirectory = request.app.state.communities
    periods = await directory.periods(principal.community, principal.token)
    return ReadScope(everything=False, periods=tuple(periods))


ReadScopeDep = Annotated[ReadScope, Depends(read_scope)]


def require_own_country(principal: Principal, country: str) -> None:
    """Writes: a member state writes only for its own country (403 otherwise)."""
    if principal.org_type != "member_state" or principal.country != country:
        raise Forbidden(
            f"Only {country}'s own ministry may submit records for {country}",
            code="outside_tenancy",
        )


def authenticated_router(prefix: str) -> APIRouter:
    """A router whose every route needs a valid bearer token (401 documented on each)."""
    return APIRouter(
        prefix=prefix, dependencies=[Depends(authenticated)], responses=problem_responses(401)
    )
