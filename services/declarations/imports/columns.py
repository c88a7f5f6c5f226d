"""The columns of a declarations spreadsheet: one entry a column, in English and French.

One row is one item; the declaration's own columns repeat on each of its rows (or
are filled on one of them), and ``declaration_ref`` groups the rows into
declarations. A column is one :class:`Column`: its headers, where its value goes
in the declaration document, and how its text is read. Adding a field to the
document is adding an entry here; an entry whose field the document does not have
(yet) is left out of files and templates until it does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

from services.common.sheets import FALSE_WORDS, TRUE_WORDS, HeaderMap, header_key
from services.declarations.declarations.schemas import (
    WEAPON_KINDS,
    Ammunition,
    DeclarationDocument,
    Explosive,
    Ordnance,
    Part,
)

Level = Literal["file", "declaration", "item"]

KIND_WORDS: Final = {
    "weapon": "weapon",
    "arme": "weapon",
    "ammunition": "ammunition",
    "munition": "ammunition",
    "munitions": "ammunition",
    "part": "part",
    "piece": "part",
    "ordnance": "ordnance",
    "engin": "ordnance",
    "munition_explosive": "ordnance",
    "explosive": "explosive",
    "explosif": "explosive",
}
DECLARATION_TYPE_WORDS: Final = {
    "seizure": "seizure",
    "saisie": "seizure",
    "collection": "collection",
    "collecte": "collection",
    "destruction": "destruction",
}
# French words for codes whose English words are the codes themselves.
SERIAL_STATUS_WORDS: Final = {
    "present": "present",
    "présent": "present",
    "obliterated": "obliterated",
    "effacé": "obliterated",
    "oblitéré": "obliterated",
    "limé": "obliterated",
    "partial": "partial",
    "partiel": "partial",
    "none": "none",
    "aucun": "none",
    "sans": "none",
}
QUANTITY_UNIT_WORDS: Final = {"units": "units", "unités": "units", "unité": "units"}
PRESUMED_USER_KIND_WORDS: Final = {
    "forces gouvernementales": "government_forces",
    "groupe armé non étatique": "non_state_armed_group",
    "inconnu": "unknown",
}
DESTRUCTION_METHOD_WORDS: Final = {
    "découpage": "cutting",
    "broyage": "crushing",
    "déchiquetage": "shredding",
    "fusion": "melting",
    "brûlage": "burning",
    "incinération": "burning",
    "autre": "other",
}


def as_text(text: str) -> Any:
    """The cell as written."""
    return text


def as_code(text: str) -> Any:
    """A code: ``Assault rifle`` and ``assault-rifle`` read as ``assault_rifle``."""
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def _from_words(words: dict[str, str]) -> Callable[[str], Any]:
    """A code written as a word of ``words`` (any case, accents optional) or as itself."""
    by_key = {header_key(word): code for word, code in words.items()}

    def read(text: str) -> Any:
        return by_key.get(header_key(text), as_code(text))

    return read


def as_yes_no(text: str) -> Any:
    """yes/no, oui/non, true/false, 1/0, x; anything else is left for validation to name."""
    word = text.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return text


def as_number(text: str) -> Any:
    """A decimal number, with a comma or a point (``14,5`` as ``14.5``)."""
    return text.strip().replace(",", ".")


def as_list(text: str) -> Any:
    """Several values in one cell, separated by ``;`` or line breaks."""
    return [part.strip() for part in text.replace("\n", ";").split(";") if part.strip()]


@dataclass(frozen=True)
class Column:
    """A column: its English and French headers (as templates write them), the other
    spellings accepted, where its value goes (``target``: a path in the document, or in
    the item for item columns) and how its text is read."""

    name: str
    french: str
    level: Level
    target: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    read: Callable[[str], Any] = as_text

    def header(self, french: bool) -> str:
        """The header in a file's language."""
        return self.french if french else self.name


def _d(name: str, french: str, *target: str, **kw: Any) -> Column:
    return Column(name, french, "declaration", target or (name,), **kw)


def _i(name: str, french: str, **kw: Any) -> Column:
    return Column(name, french, "item", (name,), **kw)


ALL_COLUMNS: Final[tuple[Column, ...]] = (
    Column(
        "declaration_ref",
        "référence de la déclaration",
        "file",
        (),
        aliases=("reference_de_declaration", "ref_declaration", "declaration_reference"),
    ),
    _d(
        "declaration_type",
        "type de déclaration",
        "type",
        read=_from_words(DECLARATION_TYPE_WORDS),
    ),
    _d("declaring_country", "pays déclarant", aliases=("pays_declarant",)),
    _d("mission", "mission"),
    _d("event_date", "date de l'événement", aliases=("date_evenement", "date_de_l_evenement")),
    # The incident (POST /declarations/v1/incidents) the row's declaration names, by its
    # id: one file carries the recoveries of several incidents (issue 14, items 3 and 8).
    _d("incident", "incident", "incident_id", aliases=("incident_id",)),
    _d("country", "pays", "location", "country", aliases=("location_country",)),
    _d("place", "lieu", "location", "place"),
    _d("lat", "latitude", "location", "lat", aliases=("latitude",), read=as_number),
    _d("lon", "longitude", "location", "lon", aliases=("longitude",), read=as_number),
    _d("circumstances", "circonstances"),
    _d("presumed_user", "utilisateur présumé"),
    _d(
        "presumed_user_kind",
        "nature de l'utilisateur présumé",
        read=_from_words(PRESUMED_USER_KIND_WORDS),
    ),
    _d("legal_basis", "base légale", aliases=("base_juridique",)),
    _d("ddr", "ddr", "collection", "ddr", read=as_yes_no),
    _d("programme", "programme", "collection", "programme", aliases=("program",)),
    # DDR figures (seed 002, paragraph 31): people who handed materiel in, by sex and age.
    _d(
        "ddr_female_under_18",
        "ddr femmes de moins de 18 ans",
        "collection",
        "people",
        "female_under_18",
    ),
    _d(
        "ddr_female_18_and_over",
        "ddr femmes de 18 ans et plus",
        "collection",
        "people",
        "female_18_and_over",
    ),
    _d(
        "ddr_male_under_18",
        "ddr hommes de moins de 18 ans",
        "collection",
        "people",
        "male_under_18",
    ),
    _d(
        "ddr_male_18_and_over",
        "ddr hommes de 18 ans et plus",
        "collection",
        "people",
        "male_18_and_over",
    ),
    _d(
        "ddr_sex_or_age_unknown",
        "ddr sexe ou âge inconnu",
        "collection",
        "people",
        "sex_or_age_unknown",
    ),
    _d("references", "références", read=as_list),
    _d(
        "destruction_method",
        "méthode de destruction",
        "destruction",
        "method",
        read=_from_words(DESTRUCTION_METHOD_WORDS),
    ),
    _d(
        "destruction_method_detail",
        "précision de la méthode",
        "destruction",
        "method_detail",
    ),
    _d("destruction_place", "lieu de destruction", "destruction", "place"),
    _d("destruction_date", "date de destruction", "destruction", "date"),
    _d("witnesses", "témoins", "destruction", "witnesses", read=as_list),
    _d("undeclared", "non déclaré", read=as_yes_no),
    _i("kind", "nature", aliases=("item_kind",), read=_from_words(KIND_WORDS)),
    _i("category", "catégorie", read=as_code),
    _i("manufacturer", "fabricant", aliases=("producer", "producteur")),
    _i("model", "modèle"),
    _i("calibre", "calibre", aliases=("caliber",)),
    _i("serial_status", "état du numéro de série", read=_from_words(SERIAL_STATUS_WORDS)),
    _i("serial_number", "numéro de série", aliases=("serial", "no_de_serie")),
    _i("year_of_manufacture", "année de fabrication"),
    _i("country_of_manufacture", "pays de fabrication"),
    _i("markings", "marquages", aliases=("marquage",)),
    _i("lot_number", "numéro de lot", aliases=("lot",)),
    # Issue 14 item 1 (ammunition as found): in effect once the ammunition has them.
    _i("headstamp", "marquage de culot", aliases=("culot",)),
    _i("condition", "état", read=as_code),
    _i("ammunition_type", "type de munition", read=as_code),
    _i("ordnance_type", "type d'engin", read=as_code),
    _i("explosive_type", "type d'explosif", read=as_code),
    _i("quantity", "quantité"),
    _i(
        "quantity_unit",
        "unité de quantité",
        aliases=("unite_de_mesure",),
        read=_from_words(QUANTITY_UNIT_WORDS),
    ),
    _i("description", "description"),
)

ITEM_FIELDS: Final = frozenset(
    name
    for model in (*WEAPON_KINDS, Ammunition, Part, Ordnance, Explosive)
    for name in model.model_fields
)


def _in_effect(column: Column) -> bool:
    if column.level == "file":
        return True
    if column.level == "item":
        return column.target[0] in ITEM_FIELDS
    return column.target[0] in DeclarationDocument.model_fields


COLUMNS: Final = tuple(column for column in ALL_COLUMNS if _in_effect(column))
BY_NAME: Final = {column.name: column for column in COLUMNS}
DECLARATION_COLUMNS: Final = tuple(c for c in COLUMNS if c.level == "declaration")
ITEM_COLUMNS: Final = tuple(c for c in COLUMNS if c.level == "item")
FRENCH_HEADERS: Final = frozenset(
    header_key(c.french) for c in COLUMNS if header_key(c.french) != header_key(c.name)
)
DECLARATION_HEADERS: Final = HeaderMap(
    aliases={c.name: (c.french, *c.aliases) for c in COLUMNS},
    required={
        "declaration_ref": "no declaration_ref (référence de la déclaration) column: it says"
        " which rows belong to one declaration",
        "kind": "no kind (nature) column",
    },
    unknown_hint="see GET /declarations/v1/declarations/import/template",
)
