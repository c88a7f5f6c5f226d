"""Keeping both of two destructions of one weapon when an index rebuild meets them.

The item index refuses a second destroyed key, and the API refuses a second
destruction. Records made under an older identity rule (which told spellings of one
maker apart) can still hold two; rebuilding the index from them (an archive import,
or the declarations0007 migration, which keeps its own copy of this rule) keeps both:
the first keeps the key, the other gets a key of its own, and the pair is listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any


def duplicate_destroyed_key(key: str, declaration_id: str, position: int) -> str:
    """The destroyed key of a destruction that duplicates an earlier one.

    A match key has three "|"-separated parts and this one more, so it never equals a
    match key: it blocks no destruction, and the first destruction's key blocks the rest.
    """
    return f"{key}|duplicate|{declaration_id}|{position}"


def separate_duplicate_destructions(
    rows: Sequence[dict[str, Any]], *, found_by: str, found_at: datetime
) -> list[dict[str, Any]]:
    """Give each repeated ``destroyed_key`` of a state in ``rows`` (earliest first) a key of
    its own.

    Changes the later rows in place; returns the ``duplicate_destructions`` rows.
    """
    holder: dict[tuple[object, str], dict[str, Any]] = {}
    pairs = []
    for row in rows:
        key = row["destroyed_key"]
        if key is None:
            continue
        # The key is unique per declaring state: other states' destructions do not collide.
        kept = holder.setdefault((row.get("destroyed_country"), key), row)
        if kept is row:
            continue
        row["destroyed_key"] = duplicate_destroyed_key(key, row["declaration_id"], row["position"])
        pairs.append(
            {
                "destroyed_key": key,
                "kept_declaration_id": kept["declaration_id"],
                "kept_position": kept["position"],
                "other_declaration_id": row["declaration_id"],
                "other_position": row["position"],
                "other_destroyed_key": row["destroyed_key"],
                "found_by": found_by,
                "found_at": found_at,
            }
        )
    return pairs
