"""Token verification and tenancy, used by every service.

The public surface; the parts live in private modules by responsibility:
``_tokens`` verifies ES256 bearer tokens against the auth service's JWKS (and
caches keys and verified tokens), ``_tenancy`` says which records a caller may
read (community memberships over time, as SQL filters), ``_dependencies`` turns
both into FastAPI dependencies for routes.
"""

from services.common.security._dependencies import (
    PrincipalDep,
    ReadScopeDep,
    authenticated,
    authenticated_router,
    read_scope,
    require_own_country,
    require_scope,
)
from services.common.security._signatures import canonical_es256
from services.common.security._tenancy import CommunityDirectory, MembershipPeriod, ReadScope
from services.common.security._tokens import JsonFetcher, Principal, TokenVerifier

__all__ = [
    "CommunityDirectory",
    "JsonFetcher",
    "MembershipPeriod",
    "Principal",
    "PrincipalDep",
    "ReadScope",
    "ReadScopeDep",
    "TokenVerifier",
    "authenticated",
    "authenticated_router",
    "canonical_es256",
    "read_scope",
    "require_own_country",
    "require_scope",
]
