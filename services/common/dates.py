"""Calendar dates in request bodies: ISO 8601 text only, as the OpenAPI documents say.

Pydantic's lax mode reads a number as seconds since 1970 (``0`` is 1970-01-01), so a
client sending ``"joined": 0`` would have a date stored that it never wrote. Request
models use ``IsoDate`` instead of ``date``: the documented schema is unchanged
(``string``, ``format: date``) and anything but text (or a ``date`` built in code) is
refused with the other problems of the request.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator


def _text_or_date(value: Any) -> Any:
    if isinstance(value, str | date):
        return value
    raise ValueError("Input should be a date written as text, YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_text_or_date)]
