"""The import template: every column of every kind, in English or French, with example
rows (a seizure of every kind of item, a DDR collection, a destruction) that import as
they are for the declaring country they name."""

from __future__ import annotations

import csv
import io
from typing import Final, Literal

from openpyxl import Workbook

from services.declarations.imports.columns import COLUMNS

TemplateFormat = Literal["csv", "xlsx"]
TemplateLanguage = Literal["en", "fr"]
Example = dict[str, str | tuple[str, str]]

_SEIZURE: Final[Example] = {
    "declaration_ref": "MLI-2024-017",
    "declaration_type": ("seizure", "saisie"),
    "declaring_country": "MLI",
    "mission": "MINUSMA",
    "event_date": "2024-03-02",
    "country": "MLI",
    "place": "Ménaka",
    "lat": "15.918",
    "lon": "2.401",
    "circumstances": ("Cache found after an attack on a convoy", "Cache après une attaque"),
    "presumed_user": "Armed group (as declared)",
    "presumed_user_kind": ("non_state_armed_group", "groupe armé non étatique"),
}
_COLLECTION: Final[Example] = {
    "declaration_ref": "MLI-2024-018",
    "declaration_type": ("collection", "collecte"),
    "declaring_country": "MLI",
    "event_date": "2024-04-10",
    "country": "MLI",
    "place": "Gao",
    "ddr": ("yes", "oui"),
    "programme": "Programme national de DDR",
}
_DESTRUCTION: Final[Example] = {
    "declaration_ref": "MLI-2024-019",
    "declaration_type": ("destruction", "destruction"),
    "declaring_country": "MLI",
    "event_date": "2024-05-20",
    "country": "MLI",
    "place": "Bamako",
    "destruction_method": ("cutting", "découpage"),
    "destruction_place": "Camp Soundiata",
    "destruction_date": "2024-05-21",
    "witnesses": "ECOWAS observer; MINUSMA observer",
    "undeclared": ("yes", "oui"),
}
_ROWS: Final[tuple[Example, ...]] = (
    {
        **_SEIZURE,
        "kind": ("weapon", "arme"),
        "category": "assault_rifle",
        "manufacturer": "Kalashnikov Concern",
        "model": "AK-103",
        "calibre": "7.62x39mm",
        "serial_number": "KC-0001234",
        "year_of_manufacture": "2015",
        "country_of_manufacture": "RUS",
    },
    {
        "declaration_ref": "MLI-2024-017",
        "kind": ("weapon", "arme"),
        "category": "shotgun",
        "manufacturer": "Beretta",
        "model": "1301",
        "calibre": "12 gauge",
        "serial_status": ("obliterated", "effacé"),
    },
    {
        "declaration_ref": "MLI-2024-017",
        "kind": ("weapon", "arme"),
        "category": "craft_made",
        "calibre": "12 gauge",
        "serial_status": ("none", "aucun"),
        "markings": ("hand-engraved star", "étoile gravée à la main"),
    },
    {
        "declaration_ref": "MLI-2024-017",
        "kind": ("ammunition", "munition"),
        "calibre": "7.62x39mm",
        "manufacturer": "Factory 711",
        "lot_number": "711-15-044",
        "year_of_manufacture": "2015",
        "ammunition_type": "ball",
        "quantity": "240",
    },
    {
        "declaration_ref": "MLI-2024-017",
        "kind": ("ordnance", "engin"),
        "ordnance_type": "mortar_bomb",
        "calibre": "81 mm",
        "quantity": "6",
    },
    {
        "declaration_ref": "MLI-2024-017",
        "kind": ("explosive", "explosif"),
        "explosive_type": "bulk_explosive",
        "description": ("Commercial explosive", "Explosif commercial"),
        "quantity": "12",
        "quantity_unit": "kg",
    },
    {
        **_COLLECTION,
        "kind": ("part", "pièce"),
        "description": ("AK bolt carrier", "Porte-culasse AK"),
        "quantity": "3",
    },
    {
        **_DESTRUCTION,
        "kind": ("weapon", "arme"),
        "category": "rifle_carbine",
        "manufacturer": "MAS",
        "model": "MAS 36",
        "calibre": "7.5x54mm",
        "serial_number": "F-33170",
    },
)


def _rows(lang: TemplateLanguage) -> list[list[str]]:
    french = lang == "fr"
    rows = [[column.header(french) for column in COLUMNS]]
    for example in _ROWS:
        row = []
        for column in COLUMNS:
            value = example.get(column.name, "")
            row.append(value[1 if french else 0] if isinstance(value, tuple) else value)
        rows.append(row)
    return rows


def template(file_format: TemplateFormat, lang: TemplateLanguage) -> bytes:
    """The template as a CSV (UTF-8 with a BOM, which Excel needs to read accents) or an
    XLSX workbook."""
    rows = _rows(lang)
    if file_format == "csv":
        text = io.StringIO()
        csv.writer(text, lineterminator="\r\n").writerows(rows)
        return ("\ufeff" + text.getvalue()).encode()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("declarations")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
