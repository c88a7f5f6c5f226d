"""Calibre normalization: aliases, structural folding, idempotence."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.identifiers import calibre_key, is_known_calibre
from services.common.identifiers._text import build_alias_index
from services.common.identifiers.calibre_aliases import CALIBRE_ALIASES
from services.common.identifiers.calibres import structural_calibre_key

FAST = settings(max_examples=300, deadline=None)
CALIBRE_CHARS = "0123456789.,xX×* mMRrNATOgauePG-()/хм"


@pytest.mark.parametrize(
    "raw",
    [
        "7.62x39",
        "7,62 × 39 mm",
        "7.62X39MM",
        "7.62 x 39",
        "7.62mm x 39mm",
        "7,62х39 мм",
        "７．６２×３９",
        " 7.62*39 ",
        "7.62x39mm.",
    ],
)
def test_spellings_of_7_62x39(raw: str) -> None:
    assert calibre_key(raw) == "7.62x39mm"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (".308 Win", "7.62x51mm NATO"),
        ("7.62 NATO", "7.62x51mm NATO"),
        ("7.62x54R", "7.62x54mmR"),
        ("7,62 x 54 mm R", "7.62x54mmR"),
        (".223 Rem", "5.56x45mm NATO"),
        ("5.56x45", "5.56x45mm NATO"),
        ("5.45 x 39", "5.45x39mm"),
        ("9mm Parabellum", "9x19mm"),
        ("9 mm Luger", "9x19mm"),
        ("9x18 PM", "9x18mm Makarov"),
        ("7.62x25 TT", "7.62x25mm Tokarev"),
        ("12,7 × 108", "12.7x108mm"),
        (".50 BMG", "12.7x99mm NATO"),
        ("14.5x114", "14.5x114mm"),
        ("45 ACP", ".45 ACP"),
        ("12 GA", "12 gauge"),
        ("12-gauge", "12 gauge"),
        ("40 mm grenade", "40mm grenade"),
        ("PG-7V", "RPG-7"),
        ("rpg 7", "RPG-7"),
        ("60 mm Mortar", "60mm mortar"),
        ("82MM MORTAR", "82mm mortar"),
        ("23 x 152 B", "23x152mm"),
        ("106 mm recoilless rifle", "106mm recoilless"),
    ],
)
def test_aliases(raw: str, canonical: str) -> None:
    assert calibre_key(raw) == canonical
    assert is_known_calibre(raw)


@pytest.mark.parametrize(
    ("left", "right", "normalized"),
    [
        ("5.7 x 28 mm", "5,7×28", "5.7x28mm"),
        ("7.62", "7,62 mm", "7.62mm"),  # ambiguous: structural only, no guess
        ("40mm", "40 MM", "40mm"),
        ("Unknown-Thing 3", "unknown thing3", "unknownthing3"),
    ],
)
def test_unknown_calibres_normalize_structurally(left: str, right: str, normalized: str) -> None:
    assert calibre_key(left) == calibre_key(right) == normalized
    assert not is_known_calibre(left)


def test_empty_calibre_is_detectable() -> None:
    assert calibre_key(" - ") == ""
    assert structural_calibre_key("") == ""


def test_canonical_names_are_fixed_points() -> None:
    for canonical in CALIBRE_ALIASES:
        assert calibre_key(canonical) == canonical


def test_conflicting_aliases_fail_loudly() -> None:
    with pytest.raises(ValueError, match="already used"):
        build_alias_index({"A": ("7.62x39",), "B": ("7,62 x 39",)}, structural_calibre_key)


@FAST
@given(st.text())
def test_calibre_key_is_idempotent(raw: str) -> None:
    once = calibre_key(raw)
    assert calibre_key(once) == once


@FAST
@given(st.text(alphabet=CALIBRE_CHARS))
def test_calibre_key_is_idempotent_on_calibre_text(raw: str) -> None:
    once = calibre_key(raw)
    assert calibre_key(once) == once
    assert structural_calibre_key(structural_calibre_key(raw)) == structural_calibre_key(raw)


@FAST
@given(st.one_of(st.text(), st.text(alphabet=CALIBRE_CHARS)))
def test_the_key_of_a_structural_form_is_the_key_of_the_spelling(raw: str) -> None:
    # declarations0007 rekeys stored structural forms (the spelling is not stored).
    assert calibre_key(structural_calibre_key(raw)) == calibre_key(raw)
