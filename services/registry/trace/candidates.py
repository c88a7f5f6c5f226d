"""Which stored keys can match a traced serial, computed on the query side: trace's
fallback while the serial neighbourhood index (``serial_index``) has a backlog.

Manifest and loss-report items store only the match key (``serial_key``, B-tree
indexed); declared items also store the fuzzy key (``fuzzy_key``, indexed). A
"possible" match (``serial_match_quality``) is a candidate whose fuzzy key is at
most one edit from the query's. Without the index, the query expands its own one-edit
neighbourhood and looks it up with ``key IN (...)``:

- declared items: every key one substitution, insertion, deletion or adjacent swap
  from the query's fuzzy key, over the fuzzy alphabet (29 symbols): complete;
- manifest and loss items: the same neighbourhood of the query's match key over the
  match-key alphabet (33 symbols), plus the match keys that fold to the same fuzzy key
  (S/5, B/8, Z/2, G/6 spelled either way, capped at MAX_LOOKALIKE_VARIANTS). A serial
  differing by one edit AND a secondary look-alike elsewhere is not found there.

About 600 keys for a 9-character serial: that many B-tree probes, no scan. Every
candidate is then classified by ``serial_match_quality``, which drops the extras.
"""

from __future__ import annotations

import itertools
import string
from typing import Final

from services.common.identifiers import (
    MAX_FUZZY_LENGTH,
    MIN_FUZZY_LENGTH,
    normalize_serial,
    serial_fuzzy_key,
)

MATCH_ALPHABET: Final = "".join(c for c in string.digits + string.ascii_uppercase if c not in "OIL")
FUZZY_ALPHABET: Final = "".join(c for c in MATCH_ALPHABET if c not in "SBZG")
_UNFOLD: Final = {"5": "5S", "8": "8B", "2": "2Z", "6": "6G"}
MAX_LOOKALIKE_VARIANTS: Final = 256


def one_edit_neighbourhood(key: str, alphabet: str) -> set[str]:
    """Every key at most one substitution, insertion, deletion or adjacent swap away."""
    found = {key}
    for idx in range(len(key) + 1):
        head, tail = key[:idx], key[idx:]
        found.update(head + c + tail for c in alphabet)  # insertion
        if tail:
            found.add(head + tail[1:])  # deletion
            found.update(head + c + tail[1:] for c in alphabet)  # substitution
        if len(tail) > 1:
            found.add(head + tail[1] + tail[0] + tail[2:])  # adjacent swap
    return found


def lookalike_variants(fuzzy_key: str) -> set[str]:
    """Match keys folding to this fuzzy key (each 5 may be an S, and so on), capped."""
    choices = [_UNFOLD.get(c, c) for c in fuzzy_key]
    variants: set[str] = set()
    for combo in itertools.product(*choices):
        variants.add("".join(combo))
        if len(variants) >= MAX_LOOKALIKE_VARIANTS:
            break
    return variants


def match_key_candidates(raw: str) -> list[str]:
    """Keys to look up in ``serial_key`` of manifest and loss items."""
    key = normalize_serial(raw)
    if not key:
        return []
    if not MIN_FUZZY_LENGTH <= len(key) <= MAX_FUZZY_LENGTH:
        return [key]
    keys = one_edit_neighbourhood(key, MATCH_ALPHABET)
    keys |= lookalike_variants(serial_fuzzy_key(raw))
    return sorted(keys)


def fuzzy_key_candidates(raw: str) -> list[str]:
    """Keys to look up in ``fuzzy_key`` of declared items."""
    fuzzy = serial_fuzzy_key(raw)
    if not fuzzy:
        return []
    if not MIN_FUZZY_LENGTH <= len(fuzzy) <= MAX_FUZZY_LENGTH:
        return [fuzzy]
    return sorted(one_edit_neighbourhood(fuzzy, FUZZY_ALPHABET))
