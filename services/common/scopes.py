"""The scopes a token can carry: one vocabulary for every service.

``Scope`` is a ``StrEnum``, so a member compares equal to the string a token
carries (``Scope.REGISTER_READ == "register:read"``); the order of ``SCOPES``
is the order tokens list them in.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Scope(StrEnum):
    """What a token lets its holder do."""

    MANIFESTS_WRITE = "manifests:write"
    DECLARATIONS_WRITE = "declarations:write"
    REGISTER_READ = "register:read"
    ADMIN = "admin"
    # Triage of alerts (assign, acknowledge, comment, close, reopen): a secretariat's
    # analysts and admins; its readers read only.
    ALERTS_TRIAGE = "alerts:triage"
    # The declarations service's relay feeding the registry's weapon index.
    INDEX_WRITE = "index:write"
    # Scraping /{service}/metrics (Prometheus), and nothing else: no register data.
    METRICS_READ = "metrics:read"
    # The registry's mail worker reading who to email (``GET /auth/v1/people/directory``):
    # the operator's service client only, made on the server.
    PEOPLE_READ = "people:read"


SCOPES: Final[tuple[Scope, ...]] = tuple(Scope)
