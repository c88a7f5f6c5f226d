"""RFC 8785 canonical JSON, fast, for the register's own records and log entries.

``rfc8785.dumps`` serializes in pure Python: about 150 µs for a typical
record, more than storing it costs. For the JSON our models produce, the C
``json`` encoder (sorted keys, no spaces, no ASCII escaping) yields the very
same bytes under three conditions, checked on the way:

- every object key is ASCII, so code-point order is RFC 8785's UTF-16 order;
- every number prints as ECMAScript prints it: integers within +/-(2**53 - 1);
  integral floats within that range are written as those integers; other
  floats only when non-integral and 1e-4 <= |x| < 1e16, where Python's
  shortest round-trip ``repr`` and ECMAScript's Number-to-String agree digit
  for digit;
- the text encodes as UTF-8 (no unpaired surrogates).

Anything else is handed to ``rfc8785``, which either canonicalizes it or
refuses it. ``tests/declarations/test_canonical_fast.py`` checks both paths
give identical bytes.
"""

from __future__ import annotations

import json
import math
from typing import Any

from services.common.transparency.canonical import JsonValue, canonical_json

_MAX_SAFE_INTEGER = 2**53 - 1


class _NeedsFullCanonicalization(Exception):
    pass


def _prepared(value: Any) -> Any:
    if isinstance(value, str) or value is None or isinstance(value, bool):
        return value
    if isinstance(value, dict):
        prepared = {}
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise _NeedsFullCanonicalization
            prepared[key] = _prepared(item)
        return prepared
    if isinstance(value, list | tuple):
        return [_prepared(item) for item in value]
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE_INTEGER:
            raise _NeedsFullCanonicalization
        return value
    if isinstance(value, float) and math.isfinite(value):
        if value.is_integer():
            if abs(value) <= _MAX_SAFE_INTEGER:
                return int(value)
        elif 1e-4 <= abs(value) < 1e16:
            return value
    raise _NeedsFullCanonicalization


def fast_canonical_json(value: JsonValue) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of ``value`` (ValueError when it has none).

    The same bytes as ``common.transparency.canonical.canonical_json``, through the C
    encoder whenever the conditions above hold; records and log entries use this one.
    """
    try:
        prepared = _prepared(value)
        text = json.dumps(prepared, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.encode("utf-8")
    except (_NeedsFullCanonicalization, UnicodeEncodeError):
        return canonical_json(value)
