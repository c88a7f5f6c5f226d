"""Path and query parameter types of the auth routes.

Patterns keep control characters (NUL above all, which PostgreSQL refuses in
text) and absurd sizes out of queries, so bad input is a 422, never a 500.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
CODE = r"^[A-Za-z0-9_]{1,16}$"

ClientIdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.\-]{1,64}$", description="Client id.")]
CodePath = Annotated[str, Path(pattern=CODE, description="Organisation or community code.")]
MembershipIdPath = Annotated[int, Path(ge=1, le=2_147_483_647, description="Membership id.")]
OrganisationQuery = Annotated[
    str | None, Query(pattern=CODE, description="Only this organisation's clients.")
]
EventQuery = Annotated[
    str | None,
    Query(
        max_length=64,
        pattern=PRINTABLE,
        description="e.g. token.issued, token.refused, client.disabled",
    ),
]
SubjectQuery = Annotated[
    str | None,
    Query(max_length=255, pattern=PRINTABLE, description="Client id, organisation code..."),
]
ActorQuery = Annotated[
    str | None, Query(max_length=255, pattern=PRINTABLE, description="Client id that acted.")
]
