"""Calibre normalization: aliases, structural folding, idempotence."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.identifiers import calibre_key, is_known_calibre, normalize_calibre
from services.common.identifiers._text import build_alias_index
from services.common.identifiers.calibre_aliases import CALIBRE_ALIASES

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
    assert normalize_calibre(raw) == "7.62x39mm"


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
    assert normalize_calibre(raw) == canonical
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
    assert normalize_calibre(left) == normalize_calibre(right) == normalized
    assert not is_known_calibre(left)


def test_empty_calibre_is_detectable() -> None:
    assert normalize_calibre(" - ") == ""
    assert calibre_key("") == ""


def test_canonical_names_are_fixed_points() -> None:
    for canonical in CALIBRE_ALIASES:
        assert normalize_calibre(canonical) == canonical


def test_conflicting_aliases_fail_loudly() -> None:
    with pytest.raises(ValueError, match="already used"):
        build_alias_index({"A": ("7.62x39",), "B": ("7,62 x 39",)}, calibre_key)


@FAST
@given(st.text())
def test_normalize_calibre_is_idempotent(raw: str) -> None:
    once = normalize_calibre(raw)
    assert normalize_calibre(once) == once


@FAST
@given(st.text(alphabet=CALIBRE_CHARS))
def test_normalize_calibre_is_idempotent_on_calibre_text(raw: str) -> None:
    once = normalize_calibre(raw)
    assert normalize_calibre(once) == once
    assert calibre_key(calibre_key(raw)) == calibre_key(raw)
