"""How a trace's statement finds candidate keys: the ways (``KeyMatch``), the bound
values of each (``key_parameters``) and a wildcard pattern's condition on a match key
(``pattern_condition``), chosen by the indexes each database has (``pattern_match``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import ColumnElement, String, and_, bindparam, func, select

# Keys hold only letters and digits, so no key starting with the prefix sorts above this.
_TOP = "\uffff"


KeyMatch = Literal["neighbours", "probe", "like", "suffix", "trigram"]
"""How a trace finds its candidate keys.

- ``neighbours``: the match keys the serial neighbourhood index lists for the query's
  probe keys (``serial_probe_keys``), and the query's own match key;
- ``probe``: the query's whole one-edit neighbourhood, looked up in the item tables
  (``trace.candidates``): the fallback while records await the index;
- ``like``: a wildcard pattern on the match key, read as the range of its literal prefix;
- ``suffix``: a wildcard pattern whose literal suffix is longer than its prefix (first
  characters obliterated, ``*000123``), read as the range of the reversed key (PostgreSQL's
  ``reverse(serial_key)`` indexes, registry0021);
- ``trigram``: a wildcard pattern with a legible middle (``*0123?5``, ``56-00?2345``): the
  pattern alone, which PostgreSQL reads through the ``serial_key`` trigram indexes
  (``pg_trgm``, registry0022) as the keys holding every trigram of its literal runs.
"""

PATTERN_MATCHES: tuple[KeyMatch, ...] = ("like", "suffix", "trigram")

# A literal prefix or suffix this long is a narrow range of its btree (a handful of keys
# at millions of items): read as such rather than through the trigrams.
_NARROW_RANGE = 6
# pg_trgm draws nothing from a literal run shorter than a trigram.
_TRIGRAM = 3
_LITERAL_RUNS = re.compile(r"[^%_]+")


def pattern_match(dialect: str, pattern: str) -> KeyMatch:
    """How to read a wildcard ``pattern``'s candidates: the btree range of a long literal
    prefix or (PostgreSQL) suffix, else on PostgreSQL the trigram indexes when a literal
    run is long enough to have trigrams, else the longer of prefix and suffix. SQLite has
    neither reversed nor trigram indexes: always its prefix."""
    if dialect != "postgresql":
        return "like"
    prefix, suffix = len(like_prefix(pattern)), len(like_suffix(pattern))
    if max(prefix, suffix) < _NARROW_RANGE and any(
        len(run) >= _TRIGRAM for run in _LITERAL_RUNS.findall(pattern)
    ):
        return "trigram"
    return "suffix" if suffix > prefix else "like"


def text_list(name: str, dialect: str) -> Any:
    """A bound list of keys: on PostgreSQL one comma-joined text (keys are letters and
    digits) unnested, so the statement text never changes and is prepared once, and the
    planner sees a nested loop of index probes without per-element estimates."""
    if dialect == "postgresql":
        joined = bindparam(name, type_=String())
        return select(func.unnest(func.string_to_array(joined, ","))).scalar_subquery()
    return bindparam(name, expanding=True)


def key_parameters(
    dialect: str,
    *,
    probes: Sequence[str] = (),
    keys: Sequence[str] = (),
    fuzzy_keys: Sequence[str] = (),
    like: str = "",
    how: KeyMatch = "like",
) -> dict[str, Any]:
    """The bound values a trace statement expects for its ``KeyMatch`` (with a ``like``
    pattern, ``how`` is its ``pattern_match``)."""
    if like and how == "trigram":
        return {"pattern": like}
    if like and how == "suffix":
        return {"pattern": like, "reversed_suffix": like_suffix(like)[::-1]}
    if like:
        return {"pattern": like, "prefix": like_prefix(like)}
    values = {"probes": probes or [""], "keys": keys or [""], "fuzzy_keys": fuzzy_keys or [""]}
    if dialect == "postgresql":
        return {name: ",".join(value) for name, value in values.items()}
    return {name: list(value) for name, value in values.items()}


def like_prefix(pattern: str) -> str:
    """The literal characters a LIKE pattern starts with."""
    return pattern.split("%", 1)[0].split("_", 1)[0]


def like_suffix(pattern: str) -> str:
    """The literal characters a LIKE pattern ends with."""
    return pattern.rsplit("%", 1)[-1].rsplit("_", 1)[-1]


def _by_suffix(column: ColumnElement[Any]) -> ColumnElement[bool]:
    reversed_key = func.reverse(column)
    suffix = bindparam("reversed_suffix", type_=String())
    return and_(
        reversed_key >= suffix,
        reversed_key < suffix + _TOP,
        column.like(bindparam("pattern", type_=String())),
    )


def _by_prefix(column: ColumnElement[Any]) -> ColumnElement[bool]:
    prefix = bindparam("prefix", type_=String())
    return and_(
        column >= prefix,
        column < prefix + _TOP,
        column.like(bindparam("pattern", type_=String())),
    )


def _by_trigrams(column: ColumnElement[Any]) -> ColumnElement[bool]:
    # The pattern alone: a range beside it would let the planner pick that range's btree.
    return column.like(bindparam("pattern", type_=String()))


def pattern_condition(how: KeyMatch, column: ColumnElement[Any]) -> ColumnElement[bool]:
    """The condition on a source's ``column`` (its match key) for a pattern's ``how``
    (one of ``PATTERN_MATCHES``), on the bound ``pattern`` and its range's bounds."""
    by_pattern = {"like": _by_prefix, "suffix": _by_suffix, "trigram": _by_trigrams}[how]
    return by_pattern(column)
