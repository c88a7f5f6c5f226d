"""The fast canonical JSON gives exactly rfc8785's bytes, or rfc8785's refusal."""

from __future__ import annotations

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from services.declarations.canonical import fast_canonical_json

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.floats(min_value=-180, max_value=180)
    | st.text()
    | st.text(alphabet=st.characters(max_codepoint=0x7F))
)
KEYS = st.text() | st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=8)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(KEYS, children, max_size=6),
    max_leaves=30,
)


@settings(max_examples=600, deadline=None)
@given(JSON)
def test_the_fast_path_gives_rfc8785_bytes(value: object) -> None:
    assert fast_canonical_json(value) == rfc8785.dumps(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [
        {"lat": 16.0, "lon": -0.0, "n": 1e-5, "big": 1e21, "small": 5e-324, "x": 0.1 + 0.2},
        {"é": 1, "z": 2, "\U0001f600": 3, "\ufb01": 4},
        {"s": '\x00\x1f\x7f\u2028"\\/\b\f\n\r\t', "t": "Ségou – Mopti"},
        [2**53 - 1, -(2**53 - 1), 1e15 + 0.5, 123456789.123],
    ],
)
def test_edge_values_match_rfc8785(value: object) -> None:
    assert fast_canonical_json(value) == rfc8785.dumps(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [{"a": "\ud800"}, {"a": 2**60}, {"a": float("nan")}])
def test_values_without_a_canonical_form_are_refused_as_rfc8785_does(value: object) -> None:
    with pytest.raises(rfc8785.CanonicalizationError):
        fast_canonical_json(value)  # type: ignore[arg-type]
