"""The declare form: what a person types, turned into a declaration document, and the
API's located problems put back on the form's fields (item rows included)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from services.console.clients.base import ApiProblem, FieldProblem
from services.console.i18n import N_, Gettext

ROWS = 5  # item rows "Add more item rows" adds
BLANK_ROWS = 3  # item rows of the empty form: within the console's page weight budget
MAX_ROWS = 200
TYPES = ("seizure", "collection", "destruction")
TYPE_NAMES: dict[str, str] = {
    "seizure": N_("Seizure"),
    "collection": N_("Collection"),
    "destruction": N_("Destruction"),
}
KINDS = ("weapon", "ammunition", "ordnance", "explosive", "part")
FIELDS = (
    "type",
    "event_date",
    "place",
    "country",
    "lat",
    "lon",
    "mission",
    "incident_id",
    "presumed_user",
    "circumstances",
    "destruction_method",
    "new_incident_type",
    "new_incident_date",
    "new_incident_place",
    "new_incident_presumed_user",
)
INCIDENT_TYPES = (
    "attack_on_mission",
    "attack_on_national_forces",
    "cache",
    "checkpoint_seizure",
    "ddr",
    "voluntary_surrender",
    "banditry",
    "other",
)
ROW_FIELDS = (
    "kind",
    "category",
    "manufacturer",
    "model",
    "calibre",
    "serial_status",
    "serial_number",
    "headstamp",
    "condition",
    "lot_number",
    "quantity",
    "quantity_unit",
    "description",
)
# Where each of an item's API members is typed on a row ("category" is the weapon's
# category, the ordnance's or the explosive's type).
_ROW_TO_ITEM: dict[str, dict[str, str]] = {
    "weapon": {
        "category": "category",
        "manufacturer": "manufacturer",
        "model": "model",
        "calibre": "calibre",
        "serial_status": "serial_status",
        "serial_number": "serial_number",
        "description": "markings",
    },
    "ammunition": {
        "category": "ammunition_type",
        "manufacturer": "manufacturer",
        "calibre": "calibre",
        "headstamp": "headstamp",
        "condition": "condition",
        "lot_number": "lot_number",
        "quantity": "quantity",
    },
    "ordnance": {
        "category": "ordnance_type",
        "manufacturer": "manufacturer",
        "model": "model",
        "calibre": "calibre",
        "lot_number": "lot_number",
        "quantity": "quantity",
        "description": "markings",
    },
    "explosive": {
        "category": "explosive_type",
        "manufacturer": "manufacturer",
        "lot_number": "lot_number",
        "quantity": "quantity",
        "quantity_unit": "quantity_unit",
        "description": "description",
    },
    "part": {
        "serial_number": "serial_number",
        "quantity": "quantity",
        "description": "description",
    },
}
_ITEM_TO_ROW = {kind: {v: k for k, v in m.items()} for kind, m in _ROW_TO_ITEM.items()}
_TOP_LEVEL = {
    "type": "type",
    "event_date": "event_date",
    "mission": "mission",
    "incident_id": "incident_id",
    "presumed_user": "presumed_user",
    "circumstances": "circumstances",
    "location.place": "place",
    "location.country": "country",
    "location.lat": "lat",
    "location.lon": "lon",
    "location": "lat",
    "destruction": "destruction_method",
    "destruction.method": "destruction_method",
    "declaring_country": "country",
}
LABELS: dict[str, str] = {
    "type": N_("Type"),
    "event_date": N_("Date"),
    "place": N_("Place"),
    "country": N_("Country"),
    "lat": N_("Latitude"),
    "lon": N_("Longitude"),
    "mission": N_("Mission"),
    "incident_id": N_("Incident"),
    "presumed_user": N_("Presumed user"),
    "circumstances": N_("Circumstances"),
    "destruction_method": N_("Destruction method"),
    "items": N_("Items"),
    "new_incident_type": N_("Type of the new incident"),
    "new_incident_date": N_("Date of the new incident"),
    "new_incident_place": N_("Place of the new incident"),
    "new_incident_presumed_user": N_("Presumed user of the new incident"),
    "kind": N_("Kind"),
    "category": N_("Category or type"),
    "manufacturer": N_("Manufacturer"),
    "model": N_("Model"),
    "calibre": N_("Calibre"),
    "serial_status": N_("Serial status"),
    "serial_number": N_("Serial number"),
    "headstamp": N_("Headstamp"),
    "condition": N_("Condition"),
    "lot_number": N_("Lot"),
    "quantity": N_("Quantity"),
    "quantity_unit": N_("Unit of quantity"),
    "description": N_("Description or markings"),
}
_ITEM_LOC = re.compile(r"^items\[(\d+)\](?:\.(\w+))?(?:\.(\w+))?")


@dataclass(frozen=True)
class FormProblem:
    """A problem placed on one field of the form (``field`` is the input's id)."""

    field: str
    label: str
    message: str
    row: str = ""
    column: str = ""


@dataclass
class DeclareForm:
    """What the person typed: the declaration's fields and its item rows."""

    values: dict[str, str]
    rows: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def blank(cls, country: str | None) -> DeclareForm:
        """An empty form for the person's country, with the usual number of rows."""
        return cls({"country": country or "", "type": "seizure"}, [{} for _ in range(BLANK_ROWS)])

    @classmethod
    def read(cls, form: Mapping[str, Any]) -> DeclareForm:
        """The form as submitted (``rows`` says how many item rows it had)."""
        values = {name: _text(form.get(name)).strip() for name in FIELDS}
        count = _text(form.get("rows"))
        rows = min(int(count), MAX_ROWS) if count.isdigit() else ROWS
        typed = [
            {name: _text(form.get(f"items-{i}-{name}")).strip() for name in ROW_FIELDS}
            for i in range(max(rows, 1))
        ]
        return cls(values, typed)

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> DeclareForm:
        """The form as a saved draft's declaration document fills it (its rows, then
        empty ones up to the usual number)."""
        location = document.get("location")
        location = location if isinstance(location, Mapping) else {}
        destruction = document.get("destruction")
        destruction = destruction if isinstance(destruction, Mapping) else {}
        values = {name: _shown(document.get(name)) for name in FIELDS}
        values |= {name: _shown(location.get(name)) for name in ("place", "country", "lat", "lon")}
        values["destruction_method"] = _shown(destruction.get("method"))
        items = document.get("items")
        rows = (
            [_row(item) for item in items if isinstance(item, Mapping)][:MAX_ROWS]
            if isinstance(items, list)
            else []
        )
        return cls(values, rows + [{} for _ in range(BLANK_ROWS - len(rows))])

    def with_more_rows(self) -> DeclareForm:
        """The same form with five more empty item rows."""
        return DeclareForm(self.values, (self.rows + [{} for _ in range(ROWS)])[:MAX_ROWS])

    def new_incident(self) -> dict[str, Any] | None:
        """The incident to create first, when the person described one."""
        v = self.values
        if not v.get("new_incident_type"):
            return None
        incident: dict[str, Any] = {
            "type": v["new_incident_type"],
            "date": v.get("new_incident_date") or v.get("event_date", ""),
            "location": {"country": v.get("country", "").upper()},
        }
        if v.get("new_incident_place") or v.get("place"):
            incident["location"]["place"] = v.get("new_incident_place") or v["place"]
        if v.get("new_incident_presumed_user"):
            incident["presumed_user"] = v["new_incident_presumed_user"]
        return incident

    def with_incident(self, incident_id: str) -> DeclareForm:
        """The form naming the incident just created (so sending it again creates no
        second one)."""
        values = {k: v for k, v in self.values.items() if not k.startswith("new_incident_")}
        return DeclareForm({**values, "incident_id": incident_id}, self.rows)

    def title(self, _: Gettext) -> str:
        """A draft's title: the type, place and date typed so far."""
        v = self.values
        type_name = TYPE_NAMES.get(v.get("type", ""), "")
        kind = _(type_name) if type_name else ""
        return ", ".join(
            part for part in (kind, v.get("place", ""), v.get("event_date", "")) if part
        )

    def filled_rows(self) -> list[tuple[int, dict[str, str]]]:
        """The rows with anything typed in them, with their index on the form."""
        return [(i, r) for i, r in enumerate(self.rows) if any(r.values())]

    def document(self, declaring_country: str) -> dict[str, Any]:
        """The declaration document for the API (empty fields left out, so the API
        names what is missing)."""
        v = self.values
        location: dict[str, Any] = {"country": v.get("country", "").upper()}
        if v.get("place"):
            location["place"] = v["place"]
        for axis in ("lat", "lon"):
            if v.get(axis):
                location[axis] = _number(v[axis])
        document: dict[str, Any] = {
            "type": v.get("type", ""),
            "declaring_country": declaring_country,
            "event_date": v.get("event_date", ""),
            "location": location,
            "items": [_item(row) for _, row in self.filled_rows()],
        }
        for name in ("mission", "incident_id", "presumed_user", "circumstances"):
            if v.get(name):
                document[name] = v[name]
        if v.get("type") == "destruction" and v.get("destruction_method"):
            document["destruction"] = {"method": v["destruction_method"]}
        return document


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _shown(value: object) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value)


def _row(item: Mapping[str, Any]) -> dict[str, str]:
    kind = _shown(item.get("kind"))
    row = {"kind": kind}
    for api_name, row_name in _ITEM_TO_ROW.get(kind, {}).items():
        row[row_name] = _shown(item.get(api_name))
    return row


def _number(text: str) -> float | str:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text  # the API names it: "Input should be a valid number"


def _item(row: dict[str, str]) -> dict[str, Any]:
    kind = row.get("kind", "")
    item: dict[str, Any] = {"kind": kind}
    for row_name, api_name in _ROW_TO_ITEM.get(kind, {}).items():
        typed = row.get(row_name, "")
        if not typed:
            continue
        if api_name == "quantity":
            item[api_name] = int(typed) if typed.isdigit() else typed
        else:
            item[api_name] = typed
    if kind in ("ammunition", "ordnance", "explosive", "part") and "quantity" not in item:
        item["quantity"] = None  # the API says it is required, on this row
    return item


_INCIDENT_LOCS = {
    "type": "new_incident_type",
    "date": "new_incident_date",
    "location.place": "new_incident_place",
    "location.country": "country",
    "location": "new_incident_place",
    "presumed_user": "new_incident_presumed_user",
}


def incident_problems(problem: ApiProblem, _: Gettext) -> list[FormProblem]:
    """Every problem of a refused new incident, on the incident's fields."""
    placed = []
    for error in problem.errors or [FieldProblem("", problem.detail)]:
        name = _INCIDENT_LOCS.get(error.loc.removeprefix("body."), "new_incident_type")
        placed.append(FormProblem(name, _(LABELS[name]), error.msg, column=_(LABELS[name])))
    return placed


def problems_on_form(problem: ApiProblem, form: DeclareForm, _: Gettext) -> list[FormProblem]:
    """Every problem of a refused declaration, placed on its field or item row."""
    filled = form.filled_rows()
    placed: list[FormProblem] = []
    for error in problem.errors or [FieldProblem("", problem.detail)]:
        loc = error.loc.removeprefix("body.")
        found = _ITEM_LOC.match(loc)
        if found is not None and int(found.group(1)) < len(filled):
            index, row = filled[int(found.group(1))]
            kind = row.get("kind", "")
            member = found.group(3) or found.group(2) or ""
            name = _ITEM_TO_ROW.get(kind, {}).get(member, member if member else "kind")
            if name not in ROW_FIELDS:
                name = "kind"
            label = _(LABELS[name])
            placed.append(
                FormProblem(f"items-{index}-{name}", label, error.msg, str(index + 1), label)
            )
            continue
        name = _TOP_LEVEL.get(loc, "items" if loc == "items" else "")
        if name:
            target = "items-0-kind" if name == "items" else name
            placed.append(FormProblem(target, _(LABELS[name]), error.msg, column=_(LABELS[name])))
        else:
            placed.append(FormProblem("type", loc or _("Declaration"), error.msg, column=loc))
    return placed
