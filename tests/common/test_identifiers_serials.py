"""Serial normalization: examples and properties of the match key."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.identifiers import (
    MAX_FUZZY_LENGTH,
    normalize_serial,
    serial_fuzzy_key,
    serial_like_pattern,
    serial_match_quality,
    serial_search_keys,
)

FAST = settings(max_examples=200, deadline=None)

# Characters that exercise every rule: look-alikes, separators, foreign digits.
FIELD_CHARS = (
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    "АВЕКМНОРСТХУавекмнорстхуЖБЁЙ ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαβεοι"
    " -‐‑‒–—―−/\\._·:#№ØøİıßÉé０１Ｏ٣۴"
)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("56-0000123", "560000123"),
        ("56 OOOO123", "560000123"),
        ("56 oooo123", "560000123"),
        ("56–ООOО123", "560000123"),  # en dash, Cyrillic О mixed with Latin O
        ("АК-47 № 56 ОООО123", "AK47560000123"),
        ("AK 47 / 56.0000_123", "AK47560000123"),
        ("ab-Il1", "AB111"),
        ("АВЕКМНОРСТХУ", "ABEKMH0PCTXY"),  # Cyrillic capitals
        ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZH1KMN0PTYX"),  # Greek capitals
        ("ＡＫ４７", "AK47"),  # full-width
        ("٥٦-١٢٣", "56123"),  # Arabic-Indic digits
        ("Ø12", "012"),  # slashed zero typed as a letter
        ("É-1", "E1"),
        ("SBZG", "SBZG"),  # secondary look-alikes stay out of the key
        ("БЖ 123", "6Ж123"),  # UTS #39 reads "Б" as 6; "Ж" has no Latin look-alike
        ("ЖЙ 123", "ЖИ123"),  # non-look-alike Cyrillic letters are kept
        ("", ""),
        (" -/._ ", ""),
        ("№", ""),
    ],
)
def test_normalize_serial_examples(raw: str, key: str) -> None:
    assert normalize_serial(raw) == key


def test_field_variants_of_one_stamping_share_a_key() -> None:
    assert normalize_serial("56 OOOO123") == normalize_serial("56-0000123")
    assert normalize_serial("АК-47 № 56 ОООО123") == normalize_serial("AK 47 56-0000123")


def test_fuzzy_key_folds_secondary_lookalikes() -> None:
    assert serial_fuzzy_key("SB-ZG 1") == "5826" + "1"
    assert serial_fuzzy_key("s8-z6 l") == serial_fuzzy_key("5B 2G I")


@FAST
@given(st.text())
def test_normalize_serial_is_idempotent(raw: str) -> None:
    key = normalize_serial(raw)
    assert normalize_serial(key) == key


@FAST
@given(st.text(alphabet=FIELD_CHARS))
def test_normalize_serial_is_idempotent_on_field_text(raw: str) -> None:
    key = normalize_serial(raw)
    assert normalize_serial(key) == key
    assert key == key.upper()
    assert not set(key) & set("OIL -/._")


@FAST
@given(st.text(alphabet=FIELD_CHARS), st.text(alphabet=FIELD_CHARS))
def test_normalize_serial_is_per_character(left: str, right: str) -> None:
    # The key of a concatenation is the concatenation of keys, which is what
    # lets a wildcard query be normalized piece by piece.
    assert normalize_serial(left + right) == normalize_serial(left) + normalize_serial(right)


@FAST
@given(
    st.text(alphabet="0123456789ACDEFHJKMNPRTUVWXY", min_size=1, max_size=20),
    st.data(),
)
def test_non_equivalent_character_keeps_keys_distinct(key: str, data: st.DataObject) -> None:
    assert normalize_serial(key) == key
    idx = data.draw(st.integers(0, len(key) - 1))
    replacement = data.draw(st.sampled_from("0123456789"))
    if replacement == key[idx]:
        replacement = str((int(replacement) + 1) % 10)
    changed = key[:idx] + replacement + key[idx + 1 :]
    assert normalize_serial(changed) != key


@pytest.mark.parametrize(
    "raw",
    [
        "A" * 200_000,
        "O-" * 100_000,
        "*?" * 100_000,
        "".join(chr(cp) for cp in range(0x20, 0x20 + 200_000) if not 0xD800 <= cp < 0xE000),
        "﷽" * 20_000,  # expands 18-fold under NFKD
    ],
)
def test_long_input_gets_bounded_work_not_fuzzy_expansion(raw: str) -> None:
    # What keeps long input cheap is structural: past MAX_FUZZY_LENGTH there is
    # one search key (no n+1 deletion keys), no LIKE pattern and no fuzzy match.
    # (Speed itself is for benchmarks, not for assertions here.)
    key = normalize_serial(raw)
    assert key == normalize_serial(key)
    assert len(serial_search_keys(raw)) <= 1
    if len(key) > MAX_FUZZY_LENGTH:
        assert serial_like_pattern(raw) is None
        assert serial_match_quality(raw, raw[::-1]) in (None, "exact", "normalized")
    assert serial_match_quality("*1?3*", raw) in (None, "possible")
