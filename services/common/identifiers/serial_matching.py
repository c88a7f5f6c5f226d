"""Serial matching for tracing, and the keys a database index needs for it.

Match classes (`serial_match_quality`), strongest first
------------------------------------------------------
- "exact": the two serials are identical as declared, outer whitespace
  aside.
- "normalized": same match key (`normalize_serial`): spacing, dashes, case,
  look-alikes of Latin letters and digits in any script (UTS #39), O/0 and
  I/L/1 differ only.
- "possible", for a human to review, when the query has no wildcard: the
  fuzzy keys (`serial_fuzzy_key`, which also folds S/5, B/8, Z/2, G/6) are
  equal or one edit apart: one substitution, one insertion or deletion, or
  one swap of adjacent characters. Both keys must have at least
  MIN_FUZZY_LENGTH characters (one edit in "123" is a third of the serial)
  and at most MAX_FUZZY_LENGTH (no real serial is longer; this also bounds
  the work per comparison).
- "possible", when the query has wildcards for obliterated characters
  (`*` any run, `?` exactly one, e.g. "56-00?0123" or "*0123"): the pattern,
  literal parts normalized, matches the candidate's whole match key. At least
  MIN_WILDCARD_LITERALS literal key characters are required, otherwise the
  query would match a large part of the register.

Index scheme for finding "possible" candidates without a scan
-------------------------------------------------------------
The registry stores positional keys (`serial_index_keys`: each deletion with its
position) and probes exactly the keys one edit produces (`serial_probe_keys`), so
it reads only true candidates; the plain scheme below (`serial_search_keys`) is the
simpler variant, a superset to classify.

Symmetric-delete neighbourhoods on the fuzzy key. For each record, store the
rows (search_key, record_id) for every key in `serial_search_keys(serial)`:
the fuzzy key itself plus the fuzzy key with each single character deleted
(n + 1 keys at most for n characters; only the fuzzy key when it is shorter
than MIN_FUZZY_LENGTH or longer than MAX_FUZZY_LENGTH). Index search_key with
a B-tree. To trace a query, compute its search keys the same way and select
records having any of them (`search_key = ANY(:keys)`). Two keys one edit
apart always share a neighbour:

- substitution at position i: both with position i deleted;
- insertion/deletion: the longer one with the extra character deleted equals
  the shorter one itself;
- adjacent transposition: both with the same one of the two characters
  deleted;
- secondary look-alikes (S/5 ...) are already folded in the fuzzy key.

The lookup returns a superset (some pairs two edits apart also share a
neighbour, e.g. "ABCD" and "BCDX"), so run `serial_match_quality` on each
candidate to classify and drop the extras.

Wildcard queries use the stored match key instead: `serial_like_pattern`
turns the query into a SQL LIKE pattern (`*` -> `%`, `?` -> `_`) for
`match_key LIKE :pattern`. Match keys hold only letters and digits, so the
pattern needs no escaping. With PostgreSQL, a trigram GIN index (pg_trgm) on
match_key serves LIKE patterns with a leading `%`; a B-tree with
text_pattern_ops serves patterns with a literal prefix only.
"""

from typing import Final, Literal

from services.common.identifiers.serials import (
    WILDCARD_ANY,
    WILDCARD_ONE,
    fold_secondary_lookalikes,
    has_serial_wildcards,
    normalize_serial,
    normalize_serial_pattern,
    wildcard_matches,
    within_one_edit,
)

MatchQuality = Literal["exact", "normalized", "possible"]

MIN_FUZZY_LENGTH: Final = 4
"""Shortest match key that takes part in one-edit "possible" matching."""
MAX_FUZZY_LENGTH: Final = 64
"""Longest key (or wildcard pattern) that takes part in fuzzy matching."""
MIN_WILDCARD_LITERALS: Final = 3
"""Fewest literal key characters a wildcard query must contain."""

_LIKE: Final = str.maketrans({WILDCARD_ANY: "%", WILDCARD_ONE: "_"})


def serial_match_quality(query_raw: str, candidate_raw: str) -> MatchQuality | None:
    """Classify how well a declared candidate serial matches a query.

    Returns "exact", "normalized", "possible" or None (no match, or a side
    without any usable character). The classes are described in the module
    docstring.
    """
    return SerialQuery(query_raw).quality(candidate_raw)


class SerialQuery:
    """A query prepared once to classify many candidates (``serial_match_quality``)."""

    def __init__(self, query_raw: str) -> None:
        self.stripped = query_raw.strip()
        self.key = normalize_serial(query_raw)
        self.wildcards = has_serial_wildcards(query_raw)
        self.pattern = _usable_pattern(query_raw) if self.wildcards else None
        self.fuzzy = fold_secondary_lookalikes(self.key) if _fuzzy_comparable(self.key) else None

    def quality(self, candidate_raw: str, candidate_key: str | None = None) -> MatchQuality | None:
        """How well ``candidate_raw`` matches; ``candidate_key``, when the caller has it
        stored, must be ``normalize_serial(candidate_raw)`` (it saves recomputing it)."""
        if candidate_key is None:
            candidate_key = normalize_serial(candidate_raw)
        if not self.key or not candidate_key:
            return None
        if self.stripped == candidate_raw.strip():
            return "exact"
        if self.wildcards:
            if self.pattern is None or len(candidate_key) > MAX_FUZZY_LENGTH:
                return None
            return "possible" if wildcard_matches(self.pattern, candidate_key) else None
        if self.key == candidate_key:
            return "normalized"
        if self.fuzzy is None or not _fuzzy_comparable(candidate_key):
            return None
        candidate_fuzzy = fold_secondary_lookalikes(candidate_key)
        return "possible" if within_one_edit(self.fuzzy, candidate_fuzzy) else None


def serial_search_keys(raw: str) -> tuple[str, ...]:
    """Return the symmetric-delete search keys of a serial, sorted, unique.

    Store one index row per key for each record, and look a query up with
    its own keys (see the module docstring). Empty for an unusable serial.
    """
    fuzzy_key = fold_secondary_lookalikes(normalize_serial(raw))
    if not fuzzy_key:
        return ()
    if not _fuzzy_comparable(fuzzy_key):
        return (fuzzy_key,)
    deletions = {fuzzy_key[:idx] + fuzzy_key[idx + 1 :] for idx in range(len(fuzzy_key))}
    return tuple(sorted(deletions | {fuzzy_key}))


def serial_index_keys(key: str, *, normalized: bool = False) -> tuple[str, ...]:
    """Positional search keys to store for a match key: ``<fuzzy>/0`` and, for each
    position j (from 1), ``<fuzzy with character j deleted>/j``. Empty unless the key has
    MIN_FUZZY_LENGTH to MAX_FUZZY_LENGTH characters.

    With the position kept, a query probes exactly the keys one edit can produce
    (``serial_probe_keys``) rather than every key sharing a deletion: among consecutive
    serials most of those are two edits away ("561234567" and "561203567" share
    "56123567" and "56120567" at other positions). ``normalized``: ``key`` is already a
    match key (``normalize_serial``), as stored, and is not normalized again.
    """
    fuzzy = fold_secondary_lookalikes(key if normalized else normalize_serial(key))
    if not _fuzzy_comparable(fuzzy):
        return ()
    deletions = (f"{fuzzy[:idx]}{fuzzy[idx + 1 :]}/{idx + 1}" for idx in range(len(fuzzy)))
    return (f"{fuzzy}/0", *deletions)


def serial_probe_keys(query_raw: str) -> tuple[str, ...]:
    """The ``serial_index_keys`` of exactly the keys at most one edit from the query.

    For the query's fuzzy key q (n characters), a stored fuzzy key k is found by:

    - ``<q>/0``: k is q;
    - ``<q>/j``, 1 <= j <= n + 1: k is q with one character inserted at j;
    - ``<q minus i>/0``: k is q without its character i;
    - ``<q minus i>/i``: k is q with character i replaced;
    - ``<q with i, i + 1 swapped>/0``: k is q with two adjacent characters swapped.
    """
    fuzzy = fold_secondary_lookalikes(normalize_serial(query_raw))
    if not _fuzzy_comparable(fuzzy):
        return ()
    probes = {f"{fuzzy}/{j}" for j in range(len(fuzzy) + 2)}
    for idx in range(len(fuzzy)):
        deleted = f"{fuzzy[:idx]}{fuzzy[idx + 1 :]}"
        probes.update((f"{deleted}/0", f"{deleted}/{idx + 1}"))
        if idx + 1 < len(fuzzy):
            swapped = f"{fuzzy[:idx]}{fuzzy[idx + 1]}{fuzzy[idx]}{fuzzy[idx + 2 :]}"
            probes.add(f"{swapped}/0")
    return tuple(sorted(probes))


def serial_like_pattern(query_raw: str) -> str | None:
    """Turn a query into a SQL LIKE pattern on the stored match key.

    `*` becomes `%` and `?` becomes `_`; without wildcards the pattern is the
    match key itself. Returns None when the query is too unspecific (fewer
    than MIN_WILDCARD_LITERALS literal characters) or too long; callers
    should reject such a query rather than scan.
    """
    pattern = _usable_pattern(query_raw)
    return None if pattern is None else pattern.translate(_LIKE)


def _usable_pattern(query_raw: str) -> str | None:
    pattern = normalize_serial_pattern(query_raw)
    literals = sum(char not in (WILDCARD_ANY, WILDCARD_ONE) for char in pattern)
    if literals < MIN_WILDCARD_LITERALS or len(pattern) > MAX_FUZZY_LENGTH:
        return None
    return pattern


def _fuzzy_comparable(key: str) -> bool:
    return MIN_FUZZY_LENGTH <= len(key) <= MAX_FUZZY_LENGTH
