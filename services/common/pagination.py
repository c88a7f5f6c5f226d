"""Keyset pagination: ``?limit=`` and an opaque ``?cursor=``.

A cursor is the sort key of the last row served, encoded so clients treat it
as opaque. Pages are fetched with a row-value comparison on an indexed key, so
page 10,000 costs what page 1 costs, and no page loads more than ``limit + 1``
rows.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, TypeDecorator, literal, tuple_
from sqlmodel import Session

from services.common.errors import BadRequest

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items`` and the cursor of the next page (null at the end)."""

    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class PageParams:
    """What the client asked for."""

    limit: int
    cursor: str | None


def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (at most {MAX_LIMIT}).")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(
            max_length=1024, description="Opaque cursor from `next_cursor` of the previous page."
        ),
    ] = None,
) -> PageParams:
    """FastAPI dependency reading ``limit`` and ``cursor``."""
    return PageParams(limit=limit, cursor=cursor)


PageParamsDep = Annotated[PageParams, Depends(page_params)]


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    return value


_INT64 = 2**63


def _decode_value(value: Any) -> Any:
    """One value of a cursor: a scalar this module encodes, or ValueError."""
    if isinstance(value, dict) and len(value) == 1:
        ((tag, text),) = value.items()
        if not isinstance(text, str):
            raise ValueError("a tagged value is text")
        if tag == "dt":
            return datetime.fromisoformat(text)
        if tag == "d":
            return date.fromisoformat(text)
        if tag == "u":
            return uuid.UUID(text)
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        raise ValueError("not a sort key value")
    if isinstance(value, int) and not -_INT64 <= value < _INT64:
        raise ValueError("an integer past 64 bits")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    """Encode a sort key as an opaque cursor."""
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list[Any]:
    """Decode a cursor made by :func:`encode_cursor`; 400 ``invalid_cursor`` if it is not one."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != width:
            raise ValueError("wrong width")
        return [_decode_value(v) for v in values]
    except (ValueError, binascii.Error, TypeError, KeyError) as exc:
        raise BadRequest(
            "The cursor is not one this list produced; start again without it",
            code="invalid_cursor",
        ) from exc


def _fits(value: Any, column: ColumnElement[Any]) -> bool:
    """Does a decoded cursor value have the column's type (and range)?"""
    column_type = column.type
    if isinstance(column_type, TypeDecorator):
        # SQLModel's AutoString says ``object``; the type it decorates says ``str``.
        column_type = column_type.impl_instance
    try:
        expected = column_type.python_type
    except NotImplementedError:
        return True
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool) and -_INT64 <= value < _INT64
    if expected is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, expected)


def paginate(
    session: Session,
    statement: Select[Any],
    *,
    key: Sequence[ColumnElement[Any]],
    params: PageParams,
    key_of: Callable[[Any], Sequence[Any]],
) -> tuple[list[Any], str | None]:
    """Run ``statement`` ordered by ``key`` after the cursor; return rows and the next cursor.

    ``key`` must be unique per row (end it with the primary key); ``key_of``
    extracts the same values from a result row.
    """
    if params.cursor is not None:
        values = decode_cursor(params.cursor, len(key))
        if not all(_fits(v, col) for v, col in zip(values, key, strict=True)):
            # A cursor this list did not make (edited by hand): refuse it here,
            # before the database sees a value of the wrong type.
            raise BadRequest(
                "The cursor is not one this list produced; start again without it",
                code="invalid_cursor",
            )
        bound = [literal(v, type_=col.type) for v, col in zip(values, key, strict=True)]
        statement = statement.where(tuple_(*key) > tuple_(*bound))
    statement = statement.order_by(*key).limit(params.limit + 1)
    rows = list(session.execute(statement).all())
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        next_cursor = encode_cursor(key_of(rows[-1]))
    return rows, next_cursor
