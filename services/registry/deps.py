"""Dependencies shared by the registry's routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.common.scopes import Scope
from services.common.security import Principal, require_scope

WriterDep = Annotated[Principal, Depends(require_scope(Scope.MANIFESTS_WRITE))]
"""A caller whose token carries ``manifests:write`` (manifests and loss reports)."""
