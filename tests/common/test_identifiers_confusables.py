"""Look-alike characters of any script: the folding against the whole UTS #39 table.

The table is read from scripts/unicode/confusables.txt (Unicode licence beside it),
the file the generated services/common/identifiers/_confusables.py comes from.
"""

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.identifiers import calibre_key, manufacturer_key, normalize_serial
from services.common.identifiers._confusables import LATIN_CONFUSABLES
from services.common.identifiers._text import fold_text
from services.registry.identifier_keys import serial_key

CONFUSABLES = Path(__file__).resolve().parents[2] / "scripts" / "unicode" / "confusables.txt"
LATIN_ALNUM = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Greek lower-case letters the register reads as their capitals (Ν, Υ), where
# UTS #39 reads the small letters ("v", "u").
READ_AS_CAPITALS = {"ν": "N", "υ": "Y"}


def _entries() -> dict[str, str]:
    entries: dict[str, str] = {}
    for line in CONFUSABLES.read_text(encoding="utf-8").splitlines():
        data = line.split("#", 1)[0].strip().lstrip("\ufeff")
        if data:
            source, prototype, *_ = (field.strip() for field in data.split(";"))
            entries[chr(int(source, 16))] = "".join(chr(int(c, 16)) for c in prototype.split())
    return entries


ENTRIES = _entries()
LATIN = {
    source: prototype
    for source, prototype in ENTRIES.items()
    if not source.isascii() and set(prototype) <= LATIN_ALNUM
}
# Sources that NFKD rewrites fold as their decomposition (mathematical "𝐦" is "m",
# as ASCII "m" is, not "rn"); decimal digits keep their value ("৪" is 4).
DIRECT = {
    source: prototype
    for source, prototype in LATIN.items()
    if unicodedata.normalize("NFKD", source) == source
    and unicodedata.category(source) != "Nd"
    and source not in READ_AS_CAPITALS
}


def test_the_attack_on_the_issue_is_folded() -> None:
    assert normalize_serial("ꓗꓚ-777001") == normalize_serial("KC-777001") == "KC777001"
    assert serial_key("ꓗꓚ-777001") == serial_key("KC-777001")


def test_the_table_covers_the_scripts_the_issue_names() -> None:
    assert len(DIRECT) > 400  # Lisu, Cherokee, small capitals, ...
    assert normalize_serial("ᏦᏟ-777001") == "KC777001"  # Cherokee
    assert normalize_serial("ᴄᴏ-777001") == "C0777001"  # small capitals


@pytest.mark.parametrize("source", sorted(DIRECT))
def test_every_latin_confusable_gets_the_key_of_its_prototype(source: str) -> None:
    prototype = DIRECT[source]
    assert normalize_serial(source) == normalize_serial(prototype), unicodedata.name(source)
    assert normalize_serial(f"KC-{source}7") == normalize_serial(f"KC-{prototype}7")


def test_every_decomposable_confusable_folds_as_its_decomposition() -> None:
    for source in LATIN.keys() - DIRECT.keys() - READ_AS_CAPITALS.keys():
        if unicodedata.category(source) != "Nd":
            decomposed = unicodedata.normalize("NFKD", source)
            assert fold_text(source) == fold_text(decomposed), unicodedata.name(source)


def test_decimal_digits_keep_their_value_not_their_look() -> None:
    for source in LATIN:
        if unicodedata.category(source) == "Nd":
            assert normalize_serial(source) == str(unicodedata.decimal(source))


def test_greek_small_letters_read_as_their_capitals() -> None:
    for source, capital in READ_AS_CAPITALS.items():
        assert normalize_serial(source) == capital


def test_the_generated_table_is_the_file_filtered() -> None:
    listed = {
        source: prototype.lower()
        for source, prototype in LATIN.items()
        if unicodedata.normalize("NFKD", source) == source
        and unicodedata.category(source) not in ("Mn", "Me", "Nd")
    }
    assert listed.items() <= LATIN_CONFUSABLES.items()
    for source in LATIN_CONFUSABLES.keys() - listed.keys():  # small forms of capitals
        assert source not in LATIN
        capital = next(c for c in listed if c.casefold() == source)
        assert LATIN_CONFUSABLES[source] == listed[capital]


def test_small_forms_of_listed_capitals_read_as_the_capitals() -> None:
    assert normalize_serial("з") == normalize_serial("З") == "3"
    assert normalize_serial("ⲕ") == normalize_serial("Ⲕ") == "K"


@pytest.mark.parametrize("codepoint", range(0x80, 0x30000, 0x1000))
def test_serial_keys_of_every_character_are_fixed_points(codepoint: int) -> None:
    for char in map(chr, range(codepoint, codepoint + 0x1000)):
        if not 0xD800 <= ord(char) < 0xE000:
            key = normalize_serial(char)
            assert normalize_serial(key) == key, unicodedata.name(char, hex(ord(char)))


# Letters of the file whose prototype is not Latin (Ж, Ш, Arabic, CJK ...).
NO_LATIN_LOOKALIKE = sorted(
    source
    for source, prototype in ENTRIES.items()
    if not set(prototype) & LATIN_ALNUM
    and not source.isascii()
    and unicodedata.category(source) in ("Lu", "Ll", "Lo")
    and unicodedata.normalize("NFKD", source) == source
    and fold_text(source.casefold()) == source.casefold()  # no hand-made look-alike
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NO_LATIN_LOOKALIKE))
def test_characters_without_a_latin_lookalike_stay_as_they_are(source: str) -> None:
    assert fold_text(source) == source.casefold()
    assert not normalize_serial(source).isascii()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=sorted(DIRECT) + list("0123456789ABC-"), max_size=30))
def test_folding_with_confusables_is_idempotent(raw: str) -> None:
    key = normalize_serial(raw)
    assert key.isascii()
    assert normalize_serial(key) == key
    assert serial_key(raw) == key


def test_makers_and_calibres_fold_confusables_too() -> None:
    assert manufacturer_key("ꓗalashnikov") == manufacturer_key("Kalashnikov")
    assert calibre_key("7.62ꓫ39") == calibre_key("7.62x39")


def test_keys_before_uts39_give_the_earlier_keys_and_switch_back() -> None:
    from services.common.identifiers.legacy import keys_before_uts39

    assert manufacturer_key("ꓗalashnikov") == manufacturer_key("Kalashnikov")
    with keys_before_uts39():
        assert normalize_serial("ꓗꓚ-777001") == "ꓗꓚ777001"
        assert normalize_serial("АК-47") == "AK47"  # the hand-made look-alikes stay
        assert manufacturer_key("ꓗalashnikov") != manufacturer_key("Kalashnikov")
    assert normalize_serial("ꓗꓚ-777001") == "KC777001"
    assert manufacturer_key("ꓗalashnikov") == manufacturer_key("Kalashnikov")


def test_alias_tables_are_keyed_under_the_rule_in_force() -> None:
    from services.common.identifiers.legacy import keys_before_uts39

    tula = manufacturer_key("Tula Arms Plant")
    assert manufacturer_key("ТОЗ") == tula  # "З" folds to 3 now, in the alias too
    with keys_before_uts39():
        assert manufacturer_key("ТОЗ") == tula
        assert manufacturer_key("ТО3") != tula
    assert manufacturer_key("ТОЗ") == manufacturer_key("ТО3") == tula
