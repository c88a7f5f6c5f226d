"""French CSV manifests for the console's tests: one with a bad row, then fixed."""

from __future__ import annotations

HEADER = "Nature;Catégorie;Fabricant;Modèle;Calibre;Numéro de série;Année de fabrication\n"
GOOD_ROWS = (
    "arme;assault_rifle;Kalashnikov Concern;AK-103;7.62x39mm;KC-0001234;2015\n"
    "arme;assault_rifle;Kalashnikov Concern;AK-103;7.62x39mm;KC-0001235;2015\n"
)
BAD_ROW = "arme;assault_rifle;Kalashnikov Concern;AK-103;7.62x39mm;;2015\n"
FIXED_ROW = "arme;assault_rifle;Kalashnikov Concern;AK-103;7.62x39mm;KC-0001236;2015\n"

WITH_ONE_BAD_ROW = (HEADER + GOOD_ROWS + BAD_ROW).encode("utf-8")
FIXED = (HEADER + GOOD_ROWS + FIXED_ROW).encode("utf-8")

FORM = {
    "mission": "MINUSCA",
    "contributing_country": "SEN",
    "direction": "in",
    "unit": "SENBATT 7",
    "crossing_date": "2026-03-12",
    "crossing_point": "Garoua-Boulaï",
}
