"""Refuse request targets (path or query) carrying a NUL character, before any route runs.

PostgreSQL cannot store U+0000 in text, and psycopg refuses to send it, so a
``%00`` in a path or query parameter would otherwise reach the database and end
as a 500 on PostgreSQL while SQLite shrugs. One check at the edge gives every
route, on both databases, the same clear 422.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from services.common.errors import FieldProblem, ValidationFailed, problem_response

_NUL_MESSAGE = "contains a NUL character (U+0000), which the register cannot store"


def nul_problems(*, path: str, query_string: bytes) -> list[FieldProblem]:
    """Where a NUL character stands in the decoded path or the raw query string."""
    problems = []
    if "\x00" in path:
        problems.append(FieldProblem(loc="path", msg=_NUL_MESSAGE, type="nul_character"))
    if b"\x00" in query_string or b"%00" in query_string:
        problems.append(FieldProblem(loc="query", msg=_NUL_MESSAGE, type="nul_character"))
    return problems


class NulCharacterMiddleware:
    """Answer 422 to any request whose path or query string holds a NUL character."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problems = nul_problems(path=scope["path"], query_string=scope.get("query_string", b""))
            if problems:
                error = ValidationFailed(problems)
                await problem_response(None, error)(scope, receive, send)
                return
        await self.app(scope, receive, send)
