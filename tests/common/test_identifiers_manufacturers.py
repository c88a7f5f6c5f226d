"""Manufacturer normalization: aliases, structural folding, idempotence."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.identifiers import calibre_key, is_known_manufacturer, manufacturer_key
from services.common.identifiers.manufacturer_aliases import MANUFACTURER_ALIASES
from services.common.identifiers.manufacturers import structural_manufacturer_key

FAST = settings(max_examples=300, deadline=None)
NAME_CHARS = "abcoltdsgmhjkAELTDSG &.,'’-()ÉéöüÖ ООО АО Ижмаш"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("NORINCO", "Norinco"),
        ("China North Industries", "Norinco"),
        ("China North Industries Corporation", "Norinco"),
        ("China North Industries Corp.", "Norinco"),
        ("Izhmash", "Kalashnikov Concern"),
        ("IZHMASH JSC", "Kalashnikov Concern"),
        ("Izhevsk Mechanical Plant", "Kalashnikov Concern"),
        ("Kalashnikov Concern JSC", "Kalashnikov Concern"),
        ("АО «Концерн Калашников»", "Kalashnikov Concern"),
        ("ООО Ижмаш", "Kalashnikov Concern"),
        ("Fabrique Nationale", "FN Herstal"),
        ("FN Herstal S.A.", "FN Herstal"),
        ("Heckler & Koch GmbH", "Heckler & Koch"),
        ("Heckler and Koch", "Heckler & Koch"),
        ("H&K", "Heckler & Koch"),
        ("H & K", "Heckler & Koch"),
        ("HK", "Heckler & Koch"),
        ("Zastava", "Zastava Arms"),
        ("ZASTAVA ORUZJE AD", "Zastava Arms"),
        ("Tula Arms Plant", "Tula Arms Plant"),
        ("TOZ", "Tula Arms Plant"),
        ("Arsenal AD Kazanlak", "arsenal ad kazanlak"),  # legal form mid-name stays
        ("Arsenal Kazanlak AD", "Arsenal (Bulgaria)"),
        ("arsenal (bulgaria)", "Arsenal (Bulgaria)"),
        ("UM Cugir", "Cugir"),
        ("Fegyver- és Gépgyár", "FEG"),
        ("Fegyver es Gepgyar Zrt.", "FEG"),
        ("FÉG", "FEG"),
        ("Colt's Manufacturing Company LLC", "Colt"),
        ("COLT", "Colt"),
        ("Fabbrica d'Armi Pietro Beretta S.p.A.", "Beretta"),
        ("Steyr Mannlicher GmbH", "Steyr"),
        ("Israel Military Industries Ltd.", "Israel Weapon Industries"),
        ("IMI", "Israel Weapon Industries"),
        ("IWI", "Israel Weapon Industries"),
        ("Makina ve Kimya Endüstrisi Kurumu", "MKEK"),
        ("MKEK", "MKEK"),
    ],
)
def test_aliases(raw: str, canonical: str) -> None:
    assert manufacturer_key(raw) == canonical


@pytest.mark.parametrize(
    ("left", "right", "key"),
    [
        ("Société Générale d'Armes S.A.", "SOCIETE GENERALE D'ARMES SA", "societe generale darmes"),
        ("Acme  Arms Co., Ltd.", "acme-arms", "acme arms"),
        ("OOO  Acme", "Acme LLC", "acme"),
        ("Ltd.", "LTD", "ltd"),  # the last word is never dropped
    ],
)
def test_unknown_makers_normalize_structurally(left: str, right: str, key: str) -> None:
    assert manufacturer_key(left) == manufacturer_key(right) == key
    assert not is_known_manufacturer(left)


def test_models_are_not_manufacturers() -> None:
    assert not is_known_manufacturer("Type 56")
    assert manufacturer_key("Type 56") == "type 56"
    assert not is_known_manufacturer("Arsenal")  # several unrelated companies


def test_empty_name_is_detectable() -> None:
    assert manufacturer_key(" .,- ") == ""


def test_canonical_names_are_fixed_points() -> None:
    for canonical in MANUFACTURER_ALIASES:
        assert manufacturer_key(canonical) == canonical


@FAST
@given(st.text())
def test_manufacturer_key_is_idempotent(raw: str) -> None:
    once = manufacturer_key(raw)
    assert manufacturer_key(once) == once


@FAST
@given(st.text(alphabet=NAME_CHARS))
def test_manufacturer_key_is_idempotent_on_name_text(raw: str) -> None:
    once = manufacturer_key(raw)
    assert manufacturer_key(once) == once
    structural = structural_manufacturer_key(raw)
    assert structural_manufacturer_key(structural) == structural


@pytest.mark.parametrize("raw", ["Co " * 100_000, "&." * 100_000, "7,x" * 100_000])
def test_long_input_normalizes_to_a_fixed_point(raw: str) -> None:
    # Huge names are handled (no exception, idempotent); speed belongs to benchmarks.
    maker = manufacturer_key(raw)
    assert manufacturer_key(maker) == maker
    calibre = calibre_key(raw)
    assert calibre_key(calibre) == calibre


@FAST
@given(st.one_of(st.text(), st.text(alphabet=NAME_CHARS)))
def test_the_key_of_a_structural_form_is_the_key_of_the_spelling(raw: str) -> None:
    # declarations0007 rekeys stored structural forms (the spelling is not stored).
    assert manufacturer_key(structural_manufacturer_key(raw)) == manufacturer_key(raw)
