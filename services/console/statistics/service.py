"""Statistics as the person may read them: the API's counts as a table with bars (the
page's tables as files: ``statistics/tables.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.console.clients import cases_api
from services.console.clients.base import ServiceClient
from services.console.i18n import N_, Gettext
from services.console.statistics.map_filters import MapFilters

BAR_WIDTH = 200
# Points the map asks the registry for (its default): a year's, or a range's oldest.
MAP_POINTS = 1000
# The API's names of the filters (``query.from``) as the page's fields.
API_FIELDS = {"query.from": "date_from", "query.to": "date_to", "query.group_by": "group_by"}
GROUPINGS: dict[str, str] = {
    "country": N_("Country"),
    "mission": N_("Mission"),
    "category": N_("Category"),
    "kind": N_("Kind of item"),
    "item_type": N_("Item type"),
    "serial_status": N_("Serial number status"),
    "year": N_("Year"),
    "type": N_("Type of record"),
    "circumstance": N_("Circumstance of the loss"),
    "calibre": N_("Calibre"),
    "manufacturer": N_("Manufacturer"),
    "year_of_manufacture": N_("Year of manufacture"),
    "presumed_user": N_("Presumed user"),
}
# A declaration's presumed user when it resolved to no listed armed group (statistics'
# rows and the map's presumed-user filter).
PRESUMED_USER_KINDS: dict[str, str] = {
    "government_forces": N_("Government forces"),
    "non_state_armed_group": N_("Non-state armed group (not listed)"),
    "unknown": N_("Unknown user"),
}
SOURCES: dict[str, str] = {
    "manifests": N_("Manifests"),
    "declarations": N_("Declarations"),
    "loss_reports": N_("Loss reports"),
}
DDR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("collections", N_("Collections")),
    ("female_under_18", N_("Women and girls under 18")),
    ("female_18_and_over", N_("Women 18 and over")),
    ("male_under_18", N_("Men and boys under 18")),
    ("male_18_and_over", N_("Men 18 and over")),
    ("sex_or_age_unknown", N_("Sex or age not recorded")),
    ("total", N_("Total people")),
)


@dataclass(frozen=True)
class Filters:
    """What the statistics page shows: a grouping and a date range."""

    group_by: str = "country"
    date_from: str = ""
    date_to: str = ""

    def query(self) -> dict[str, str]:
        """The page's query parameters."""
        found = {"group_by": self.group_by, "date_from": self.date_from, "date_to": self.date_to}
        return {k: v for k, v in found.items() if v}

    def api_query(self) -> dict[str, str]:
        """The API's query parameters (``from`` and ``to`` for the range)."""
        found = {"group_by": self.group_by, "from": self.date_from, "to": self.date_to}
        return {k: v for k, v in found.items() if v}


@dataclass(frozen=True)
class Row:
    """One line of the table, with its bar's length (quantity, relative to the largest)."""

    key: str
    source: str
    records: int
    quantity: int
    mass_kg: float
    bar: int


def filters_of(group_by: str, date_from: str, date_to: str) -> Filters:
    """The filters as asked (the API names an unknown grouping or a bad date)."""
    return Filters(group_by=group_by or "country", date_from=date_from, date_to=date_to)


async def figures(*, registry: ServiceClient, token: str, filters: Filters) -> dict[str, Any]:
    """The API's statistics for ``filters``."""
    return await cases_api.statistics(registry, token, **filters.api_query())


async def places(
    *, registry: ServiceClient, token: str, filters: MapFilters, year: int | None = None
) -> dict[str, Any]:
    """The places of the declarations and losses in the range (GeoJSON), of the kind,
    mission and presumed user asked; with ``year``, that year's only (the registry's limit
    on the points then applies to that year, not to the oldest years of the range),
    ``years`` still the whole range's."""
    query: dict[str, Any] = dict(filters.api_query())
    if year is not None:
        query["year"] = year
    return await cases_api.locations(registry, token, **query, limit=MAP_POINTS)


def map_years(found: dict[str, Any], drawn: list[int]) -> list[int]:
    """The time slider's years: every year of the range with a place (the registry's
    ``years``; the points drawn are only the oldest ones of a long range, or one year's)."""
    return sorted({int(y) for y in found.get("years") or [] if isinstance(y, int)} | set(drawn))


def rows(found: dict[str, Any], _: Gettext) -> list[Row]:
    """The table's rows, a bar length for each (readable by its number beside it)."""
    items = found.get("items") or []
    largest = max((int(i.get("quantity") or 0) for i in items), default=0) or 1
    return [
        Row(
            key=_shown_key(i, found.get("group_by"), _),
            source=_(SOURCES.get(str(i.get("source")), str(i.get("source")))),
            records=int(i.get("records") or 0),
            quantity=int(i.get("quantity") or 0),
            mass_kg=float(i.get("mass_kg") or 0),
            bar=round(BAR_WIDTH * int(i.get("quantity") or 0) / largest),
        )
        for i in items
    ]


def _shown_key(item: dict[str, Any], group_by: object, _: Gettext) -> str:
    # The registry's readable label (a maker's or calibre's name, an armed group's) when
    # it gives one; a presumed user's kind in the person's language.
    key, label = item.get("key"), item.get("label")
    if key is None:
        return _("Not recorded")
    if label:
        return str(label)
    if group_by == "presumed_user" and str(key) in PRESUMED_USER_KINDS:
        return _(PRESUMED_USER_KINDS[str(key)])
    return str(key)


def export_name(filters: Filters, extension: str, table: str = "counts") -> str:
    """The download's file name: grouping, range and (CSV) which table."""
    span = "-".join(d for d in (filters.date_from, filters.date_to) if d) or "all"
    which = "" if table == "counts" else f"{table}-"
    return f"statistics-{which}{filters.group_by}-{span}.{extension}"
