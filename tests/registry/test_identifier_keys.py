"""The bulk path's fast serial key equals the shared normalizer."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.common.identifiers import normalize_serial
from services.registry.identifier_keys import serial_key


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=24))
def test_ascii_fast_path_equals_normalize_serial(raw: str) -> None:
    assert serial_key(raw) == normalize_serial(raw)


@given(st.text(max_size=24))
def test_any_text_equals_normalize_serial(raw: str) -> None:
    assert serial_key(raw) == normalize_serial(raw)
