"""Loss reports: the form (items by serial, or by calibre and lot) turned into a report,
the API's located problems put back on the form's fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.console.clients.base import ApiProblem, FieldProblem
from services.console.i18n import N_, Gettext

ROWS = 5
MAX_ROWS = 200
PAGE_SIZE = 25
LOSS_TYPES = ("lost", "stolen", "captured_in_attack")
CIRCUMSTANCES = ("ambush", "attack_on_base", "theft_from_armoury", "accident", "other")
FIELDS = (
    "mission",
    "contributing_country",
    "unit",
    "loss_type",
    "circumstance",
    "loss_date",
    "place",
    "lat",
    "lon",
    "circumstances",
    "reference",
)
ROW_FIELDS = ("kind", "serial_number", "manufacturer", "calibre", "lot_number", "quantity")
LABELS: dict[str, str] = {
    "mission": N_("Mission"),
    "contributing_country": N_("Contributing country"),
    "unit": N_("Unit"),
    "loss_type": N_("Loss type"),
    "circumstance": N_("How it was lost"),
    "loss_date": N_("Date"),
    "place": N_("Place"),
    "lat": N_("Latitude"),
    "lon": N_("Longitude"),
    "circumstances": N_("Circumstances"),
    "reference": N_("Reference"),
    "kind": N_("Kind"),
    "serial_number": N_("Serial number"),
    "manufacturer": N_("Manufacturer"),
    "calibre": N_("Calibre"),
    "lot_number": N_("Lot"),
    "quantity": N_("Quantity"),
}
_ITEM_LOC = re.compile(r"^items\[(\d+)\](?:\.(\w+))?")


@dataclass(frozen=True)
class FormProblem:
    """A problem placed on one field of the form (``field`` is the input's id)."""

    field: str
    message: str
    row: str = ""
    column: str = ""


@dataclass
class LossForm:
    """What the person typed: the report's fields and its item rows."""

    values: dict[str, str]
    rows: list[dict[str, str]]

    @classmethod
    def blank(cls, country: str | None) -> LossForm:
        """An empty form for the person's country."""
        return cls({"contributing_country": country or ""}, [{} for _ in range(ROWS)])

    @classmethod
    def read(cls, form: Mapping[str, Any]) -> LossForm:
        """The form as submitted."""
        values = {name: _text(form.get(name)).strip() for name in FIELDS}
        count = _text(form.get("rows"))
        rows = min(int(count), MAX_ROWS) if count.isdigit() else ROWS
        typed = [
            {name: _text(form.get(f"items-{i}-{name}")).strip() for name in ROW_FIELDS}
            for i in range(max(rows, 1))
        ]
        return cls(values, typed)

    def with_more_rows(self) -> LossForm:
        """The same form with five more empty item rows."""
        return LossForm(self.values, (self.rows + [{} for _ in range(ROWS)])[:MAX_ROWS])

    def filled_rows(self) -> list[tuple[int, dict[str, str]]]:
        """The rows with anything typed in them, with their index on the form."""
        return [(i, r) for i, r in enumerate(self.rows) if any(r.values())]

    def report(self) -> dict[str, Any]:
        """The loss report for the API (empty fields left out: the API names what is
        missing)."""
        v = self.values
        report: dict[str, Any] = {
            name: v[name] for name in FIELDS if v.get(name) and name not in ("lat", "lon")
        }
        if v.get("lat") or v.get("lon"):
            report["coordinates"] = {
                "lat": _number(v.get("lat", "")),
                "lon": _number(v.get("lon", "")),
            }
        report["items"] = [
            {k: (int(x) if k == "quantity" and x.isdigit() else x) for k, x in row.items() if x}
            for _, row in self.filled_rows()
        ]
        return report


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _number(text: str) -> float | str | None:
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def problems_on_form(problem: ApiProblem, form: LossForm, _: Gettext) -> list[FormProblem]:
    """Every problem of a refused report, on its field or item row."""
    filled = form.filled_rows()
    placed = []
    for error in problem.errors or [FieldProblem("", problem.detail)]:
        loc = error.loc.removeprefix("body.")
        found = _ITEM_LOC.match(loc)
        if found is not None and int(found.group(1)) < len(filled):
            index = filled[int(found.group(1))][0]
            name = found.group(2) if found.group(2) in ROW_FIELDS else "kind"
            label = _(LABELS[name])
            placed.append(FormProblem(f"items-{index}-{name}", error.msg, str(index + 1), label))
            continue
        name = loc.removeprefix("coordinates.") if loc.startswith("coordinates") else loc
        name = "lat" if name == "coordinates" else name
        if name == "items":
            placed.append(FormProblem("items-0-kind", error.msg, column=_(N_("Items"))))
        elif name in LABELS:
            placed.append(FormProblem(name, error.msg, column=_(LABELS[name])))
        else:
            placed.append(FormProblem("mission", error.msg, column=loc))
    return placed
