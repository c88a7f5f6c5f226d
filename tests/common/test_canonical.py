"""RFC 8785 canonical JSON and the SHA-256 helpers."""

import hashlib
import math

import pytest
import rfc8785

from services.common.transparency.canonical import (
    canonical_json,
    canonical_sha256_hex,
    sha256,
    sha256_hex,
)


def test_keys_are_sorted_and_whitespace_dropped() -> None:
    assert canonical_json({"b": 1, "a": [True, None, "x"]}) == b'{"a":[true,null,"x"],"b":1}'


def test_numbers_use_the_shortest_ecmascript_form() -> None:
    assert canonical_json([1.0, 1e21, 0.1, -0.0]) == b"[1,1e+21,0.1,0]"


def test_strings_are_utf8_with_minimal_escapes() -> None:
    assert canonical_json({"place": "Lom\u00e9\n"}) == '{"place":"Lom\u00e9\\n"}'.encode()


def test_key_order_follows_utf16_code_units() -> None:
    # U+1F600 is a surrogate pair (0xD83D...) and sorts before U+FB01 in
    # UTF-16, though after it by code point.
    assert canonical_json({"\ufb01": 1, "\U0001f600": 2}) == (
        '{"\U0001f600":2,"\ufb01":1}'.encode()
    )


def test_equal_values_hash_equally_whatever_the_key_order() -> None:
    first = canonical_sha256_hex({"id": "D-1", "items": [{"serial": "A"}], "v": 2})
    second = canonical_sha256_hex({"v": 2, "items": [{"serial": "A"}], "id": "D-1"})
    assert first == second
    assert first == hashlib.sha256(b'{"id":"D-1","items":[{"serial":"A"}],"v":2}').hexdigest()


@pytest.mark.parametrize("value", [math.nan, math.inf, 2**53, {1: "x"}])
def test_values_without_a_canonical_form_are_refused(value: object) -> None:
    with pytest.raises(rfc8785.CanonicalizationError):
        canonical_json(value)  # type: ignore[arg-type]


def test_sha256_helpers_agree() -> None:
    assert sha256(b"abc").hex() == sha256_hex(b"abc")
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
