"""A weapon's story: the registry's trace of a serial, grouped into one timeline per
weapon, each record with how well it matched and why, and a link to it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from services.console.clients import analysis_api
from services.console.clients.base import ApiProblem, ServiceClient
from services.console.i18n import N_, Gettext

LIMIT = 200
MAX_SERIAL = 128
MAX_NAME = 255
RECORD_NAMES: dict[str, str] = {
    "manifest_in": N_("Brought into the mission"),
    "manifest_out": N_("Taken out of the mission"),
    "loss_report": N_("Lost"),
    "seizure": N_("Seized"),
    "collection": N_("Collected"),
    "destruction": N_("Destroyed"),
}
MATCH_NAMES: dict[str, str] = {
    "exact": N_("Exact"),
    "normalized": N_("Normalized"),
    "possible": N_("Possible"),
}
FIELD_LABELS: dict[str, str] = {
    "serial_number": N_("Serial number"),
    "manufacturer": N_("Manufacturer"),
    "model": N_("Model"),
}
# Look-alike letters folded the way the registry's normalized match folds them, so that
# records of one weapon share a timeline however the serial was typed.
_FOLD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


@dataclass(frozen=True)
class Problem:
    """One problem of the search form, for the error summary."""

    field: str
    column: str
    message: str
    row: str = ""


@dataclass
class Timeline:
    """The records of one weapon (as far as the serial says), in date order."""

    serial: str
    best: str
    records: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Traced:
    """The trace as the page shows it."""

    query: dict[str, Any]
    timelines: list[Timeline]
    truncated: bool
    count: int


def fold(serial: str | None) -> str:
    """A serial without spacing, dashes or case, look-alike letters as digits."""
    return _NOT_ALNUM.sub("", (serial or "").upper()).translate(_FOLD)


def check(values: dict[str, str], _: Gettext) -> list[Problem]:
    """Problems the console sees before asking the registry, each field named."""
    found = []
    if not values["serial_number"]:
        found.append(Problem("serial_number", _("Serial number"), _("Enter a serial number.")))
    elif len(values["serial_number"]) > MAX_SERIAL:
        found.append(Problem("serial_number", _("Serial number"), _("At most 128 characters.")))
    for name in ("manufacturer", "model"):
        if len(values[name]) > MAX_NAME:
            found.append(Problem(name, _(FIELD_LABELS[name]), _("At most 255 characters.")))
    return found


def problems_of(problem: ApiProblem, _: Gettext) -> list[Problem]:
    """The registry's refusal of a trace, each problem on its field."""
    found = []
    for error in problem.errors:
        name = error.loc.rsplit(".", 1)[-1]
        label = _(FIELD_LABELS[name]) if name in FIELD_LABELS else error.loc
        found.append(Problem(name if name in FIELD_LABELS else "serial_number", label, error.msg))
    return found or [Problem("serial_number", _("Serial number"), problem.detail)]


async def trace(registry: ServiceClient, token: str, values: dict[str, str]) -> Traced:
    """The registry's trace, one timeline per weapon: records matching exactly or once
    normalized first (the weapon searched for), then each near miss's own."""
    answer = await analysis_api.trace(registry, token, limit=LIMIT, **values)
    groups: dict[str, Timeline] = {}
    for record in answer["items"]:
        key = _weapon_key(record)
        timeline = groups.setdefault(key, Timeline(serial=_shown_serial(record), best="possible"))
        timeline.records.append(record)
        if record["match"] != "possible" and timeline.best == "possible":
            timeline.best = record["match"]
    order = {"exact": 0, "normalized": 1, "possible": 2}
    timelines = sorted(groups.values(), key=lambda t: order[t.best])
    for timeline in timelines:
        timeline.records.sort(key=lambda r: (r["date"], _STEP.get(r["record"], 9)))
    return Traced(
        query=answer["query"],
        timelines=timelines,
        truncated=bool(answer.get("truncated")),
        count=len(answer["items"]),
    )


# Records of one day in the order they happen to a weapon.
_STEP = {
    "manifest_in": 0,
    "loss_report": 1,
    "seizure": 2,
    "collection": 3,
    "manifest_out": 4,
    "destruction": 5,
}


def _weapon_key(record: dict[str, Any]) -> str:
    if record.get("matched_on") == "lot":
        return "lot:" + fold(record.get("lot_number"))
    if record.get("serial_status") in ("partial", "obliterated") or not record["serial_number"]:
        return f"record:{record['record_id']}:{record['line']}"
    if record["match"] != "possible":
        return "searched"
    return "serial:" + fold(record["serial_number"])


def _shown_serial(record: dict[str, Any]) -> str:
    if record.get("matched_on") == "lot":
        return str(record.get("lot_number") or "")
    return str(record.get("serial_number") or "")


def reason(record: dict[str, Any], query: dict[str, Any], _: Gettext) -> str:
    """Why the record matched, in the person's words."""
    if record.get("matched_on") == "lot":
        return _("Found by its lot number.")
    if record.get("serial_status") == "partial":
        return _("Only part of this serial was legible; that part fits your search as a pattern.")
    if record["match"] == "exact":
        return _("The serial number is exactly as declared.")
    if record["match"] == "normalized":
        return _(
            "The same serial once spaces, dashes, case and look-alike letters"
            " (O and 0, I, L and 1) are set aside."
        )
    if query.get("pattern"):
        return _("Fits the pattern you searched ({pattern}).").format(pattern=query["pattern"])
    return _(
        "A near miss for you to judge: one character differs, two are swapped, or a"
        " look-alike such as S and 5 or B and 8."
    )


def link(record: dict[str, Any]) -> str | None:
    """The console page of the record."""
    if record["record"] in ("manifest_in", "manifest_out"):
        return f"/console/manifests/{record['record_id']}"
    if record["record"] == "loss_report":
        return f"/console/losses/{record['record_id']}"
    if record["record"] in ("seizure", "collection", "destruction"):
        return f"/console/declarations/{record['record_id']}"
    return None


def place(record: dict[str, Any]) -> str:
    """Where it happened: the place, then the country."""
    location = record.get("location") or {}
    named = record.get("place") or location.get("place") or ""
    country = location.get("country") or ""
    return ", ".join(p for p in (named, country) if p)


def weapon_of(timeline: Timeline) -> dict[str, str] | None:
    """The weapon as the trace showed it, for a case (its first record naming a maker,
    and the state and date of that record); None for a lot or a weapon without serial."""
    if not timeline.serial or any(r.get("matched_on") == "lot" for r in timeline.records):
        return None
    shown = next((r for r in timeline.records if r.get("manufacturer")), timeline.records[0])
    found = {
        "serial_number": str(shown.get("serial_number") or timeline.serial),
        "manufacturer": str(shown.get("manufacturer") or ""),
        "model": str(shown.get("model") or ""),
        "calibre": str(shown.get("calibre") or ""),
        "country": str(shown.get("country") or ""),
        "record_date": str(shown.get("date") or ""),
    }
    return {name: value for name, value in found.items() if value}
