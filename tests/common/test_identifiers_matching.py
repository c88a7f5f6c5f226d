"""Serial match classes, symmetric-delete search keys and LIKE patterns."""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.identifiers import (
    has_serial_wildcards,
    normalize_serial,
    serial_index_keys,
    serial_like_pattern,
    serial_match_quality,
    serial_probe_keys,
    serial_search_keys,
)

FAST = settings(max_examples=200, deadline=None)
KEY_CHARS = "0123456789ABCDEFGHJKMNPQRSTUVWXYZ"


@pytest.mark.parametrize(
    ("query", "candidate", "quality"),
    [
        # exact: identical as declared, outer whitespace aside
        ("56-0000123", "56-0000123", "exact"),
        (" 56-0000123\t", "56-0000123", "exact"),
        ("123", "123", "exact"),
        # normalized: same key
        ("56 OOOO123", "56-0000123", "normalized"),
        ("АК-47 № 56 ОООО123", "AK47-560000123", "normalized"),
        ("1 2 3", "123", "normalized"),
        ("AO1", "A01", "normalized"),  # collide on purpose
        # possible: one edit on keys of 4+ characters
        ("560000128", "56-0000123", "possible"),  # substitution
        ("56000123", "56-0000123", "possible"),  # deletion
        ("5600001234", "56-0000123", "possible"),  # insertion
        ("560000132", "56-0000123", "possible"),  # adjacent transposition
        ("650000123", "56-0000123", "possible"),  # transposition at the start
        # possible: secondary look-alikes, any number of them
        ("S6-0000123", "56-0000123", "possible"),
        ("B8Z2G6", "8B2Z6G", "possible"),
        ("S6-0000124", "56-0000123", "possible"),  # look-alike plus one edit
        # possible: wildcards for obliterated characters
        ("56-00?0123", "56-0000123", "possible"),
        ("*0123", "AK-56-0000123", "possible"),
        ("560*", "56-0000123", "possible"),
        ("56*", "56-0000123", None),  # too few literals to be a query
        ("5?-*-123", "56-0000123", "possible"),
        ("56-00？0123", "56-0000123", "possible"),  # full-width wildcard
        # no match
        ("560011123", "56-0000123", None),  # two substitutions
        ("560000321", "56-0000123", None),  # not adjacent
        ("123", "124", None),  # too short for one-edit matching
        ("56-00?0124", "56-0000123", None),
        ("56-00??0123", "56-0000123", None),  # "?" is exactly one character
        ("*0124", "56-0000123", None),
        ("*12", "56-0000123", None),  # too few literals to be a query
        ("*", "56-0000123", None),
        ("---", "---", None),  # nothing usable on either side
        ("56-0000123", "", None),
    ],
)
def test_match_quality_examples(query: str, candidate: str, quality: str | None) -> None:
    assert serial_match_quality(query, candidate) == quality


def _one_edit(key: str, data: st.DataObject) -> str:
    idx = data.draw(st.integers(0, len(key) - 1))
    char = data.draw(st.sampled_from(KEY_CHARS))
    edit = data.draw(st.sampled_from(["sub", "ins", "del", "swap", "lookalike"]))
    if edit == "sub":
        return key[:idx] + char + key[idx + 1 :]
    if edit == "ins":
        return key[:idx] + char + key[idx:]
    if edit == "del":
        return key[:idx] + key[idx + 1 :]
    if edit == "swap" and idx + 1 < len(key):
        return key[:idx] + key[idx + 1] + key[idx] + key[idx + 2 :]
    return key.translate(str.maketrans("5826", "SBZG"))


@FAST
@given(st.text(alphabet=KEY_CHARS, min_size=5, max_size=24), st.data())
def test_one_edit_is_possible_and_found_by_search_keys(key: str, data: st.DataObject) -> None:
    variant = _one_edit(key, data)
    assert serial_match_quality(variant, key) in {"exact", "normalized", "possible"}
    assert serial_match_quality(key, variant) in {"exact", "normalized", "possible"}
    assert set(serial_search_keys(variant)) & set(serial_search_keys(key))


SEPARATORS = " -/."
NEAR_MISS = settings(max_examples=400, deadline=None)


def _as_written(key: str, data: st.DataObject) -> str:
    """``key`` as a clerk might write it: any case, letters O and I, separators."""
    written = []
    for char in key:
        char = data.draw(
            st.sampled_from([char, char.lower(), {"0": "O", "1": "I"}.get(char, char)])
        )
        written.append(char + data.draw(st.sampled_from(["", "", "", *SEPARATORS])))
    return "".join(written)


@st.composite
def serial_pairs(draw: st.DrawFn) -> tuple[str, str, str]:
    """``(relation, query, candidate)``: one edit apart, two edits apart, unrelated or any text.

    Pairs that normalise alike are a minority here, so the properties below reach
    their assertions with serials that differ (near misses and unrelated serials).
    """
    data = draw(st.data())
    relation = draw(st.sampled_from(["one_edit", "two_edits", "unrelated", "any_text"]))
    if relation == "any_text":
        return relation, draw(st.text(max_size=30)), draw(st.text(max_size=30))
    key = draw(st.text(alphabet=KEY_CHARS, min_size=5, max_size=30))
    if relation == "one_edit":
        other = _one_edit(key, data)
    elif relation == "two_edits":
        other = _one_edit(_one_edit(key, data), data)
    else:
        other = draw(st.text(alphabet=KEY_CHARS, min_size=1, max_size=30))
    return relation, _as_written(key, data), _as_written(other, data)


@NEAR_MISS
@given(serial_pairs())
def test_match_quality_is_symmetric(pair: tuple[str, str, str]) -> None:
    _, query, candidate = pair
    if has_serial_wildcards(query) or has_serial_wildcards(candidate):
        return
    forward = serial_match_quality(query, candidate)
    backward = serial_match_quality(candidate, query)
    assert (forward is None) == (backward is None), (forward, backward)


@NEAR_MISS
@given(serial_pairs())
def test_search_keys_never_miss_a_match(pair: tuple[str, str, str]) -> None:
    relation, query, candidate = pair
    quality = serial_match_quality(query, candidate)
    if relation == "one_edit":
        assert quality is not None, "one edit of a 5+ character key is at least possible"
    if quality is not None and not has_serial_wildcards(query):
        assert set(serial_search_keys(query)) & set(serial_search_keys(candidate))
        assert set(serial_search_keys(candidate)) & set(serial_search_keys(query))


def test_search_keys_are_the_symmetric_delete_neighbourhood() -> None:
    keys = serial_search_keys("S6-00 12")  # fuzzy key 560012
    assert keys == tuple(sorted(keys))
    assert set(keys) == {"560012", "60012", "50012", "56012", "56002", "56001"}
    assert serial_search_keys("12") == ("12",)  # short keys: no neighbourhood
    assert serial_search_keys("-") == ()
    assert len(serial_search_keys("9" * 1000)) == 1  # too long: key only


def _sql_like(key: str, pattern: str) -> bool:
    with sqlite3.connect(":memory:") as conn:
        row = conn.execute("SELECT ? LIKE ?", (key, pattern)).fetchone()
    return bool(row[0])


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("56-00?0123", "5600_0123"),
        ("*0123", "%0123"),
        ("** 01*23 *", "%01%23%"),
        ("ak*o1?", "AK%01_"),
        ("56-0000123", "560000123"),
        ("*12", None),
        ("??", None),
        ("1" * 100 + "*", None),
    ],
)
def test_like_pattern_examples(query: str, pattern: str | None) -> None:
    assert serial_like_pattern(query) == pattern


@FAST
@given(st.text(alphabet=KEY_CHARS, min_size=4, max_size=20), st.data())
def test_like_pattern_agrees_with_match_quality(key: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(key)))
    stop = data.draw(st.integers(start, len(key)))
    wildcard = "*" if stop == start else data.draw(st.sampled_from(["*", "?" * (stop - start)]))
    query = key[:start] + wildcard + key[stop:]
    other = data.draw(st.text(alphabet=KEY_CHARS, min_size=1, max_size=20))
    pattern = serial_like_pattern(query)
    for candidate in (key, other):
        quality = serial_match_quality(query, candidate)
        if pattern is None:
            assert quality in {None, "exact"}
        else:
            # Exact wins over the wildcard class when strings are identical.
            expected = _sql_like(normalize_serial(candidate), pattern)
            assert (quality is not None) == expected
    if pattern is not None:
        assert serial_match_quality(query, key) is not None


@FAST
@given(st.text(alphabet=KEY_CHARS, min_size=5, max_size=24), st.data())
def test_one_edit_is_found_by_positional_index_keys(key: str, data: st.DataObject) -> None:
    variant = _one_edit(key, data)
    assert set(serial_probe_keys(variant)) & set(serial_index_keys(key))
    assert set(serial_probe_keys(key)) & set(serial_index_keys(variant))


@NEAR_MISS
@given(serial_pairs())
def test_positional_keys_find_a_comparable_candidate_exactly_when_it_matches(
    pair: tuple[str, str, str],
) -> None:
    relation, query, candidate = pair
    if has_serial_wildcards(query) or not serial_index_keys(candidate):
        return
    if not serial_probe_keys(query):  # keys not comparable (4 to 64 characters)
        return
    quality = serial_match_quality(query, candidate)
    if relation == "one_edit":
        assert quality is not None
    # Never a miss (a match always shares a key) and never a false find (a shared key
    # is always a match), from either side.
    found = set(serial_probe_keys(query)) & set(serial_index_keys(candidate))
    assert bool(found) == (quality is not None), (quality, found)
    found_back = set(serial_probe_keys(candidate)) & set(serial_index_keys(query))
    assert bool(found_back) == (quality is not None), (quality, found_back)


@pytest.mark.parametrize("query", ["561234567", "561243567", "56123456", "5612345678"])
def test_positional_keys_find_exactly_the_keys_one_edit_away(query: str) -> None:
    # Consecutive serials share plain deletions with many keys two edits away
    # ("561234567" and "561203567"); positional keys find only the matches.
    stored = [f"5612{n:05d}" for n in range(100_000)]
    shared = {k for k in stored if set(serial_search_keys(k)) & set(serial_search_keys(query))}
    found = {k for k in stored if set(serial_index_keys(k)) & set(serial_probe_keys(query))}
    near = {k for k in stored if serial_match_quality(query, k) is not None}
    assert found == near
    if len(query) == 9:  # same length: plain deletions would read many more rows
        assert len(shared) > 2 * len(near)


def test_positional_keys_name_the_deleted_position() -> None:
    assert serial_index_keys("S6-12") == ("5612/0", "612/1", "512/2", "562/3", "561/4")
    assert serial_index_keys("123") == ()  # too short for one-edit matching
    assert {"5612/0", "612/1", "6512/0", "5612/5"} <= set(serial_probe_keys("5612"))
