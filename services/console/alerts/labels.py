"""An alert in the person's language: its summary rebuilt from its structured fields with
translated templates, and its evidence's labels and coded values translated.

The registry writes its summaries in English; the console renders the same facts from
``kind``, ``country``, ``mission`` and ``evidence``. When an alert lacks a field a template
needs (an older alert, a kind this console does not know), the registry's text is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.console.i18n import N_, Formats, Gettext

DECLARATION_TYPES: dict[str, str] = {
    "seizure": N_("Seizure"),
    "collection": N_("Collection"),
    "destruction": N_("Destruction"),
}
MATCHES: dict[str, str] = {
    "exact": N_("exact"),
    "normalized": N_("normalized"),
    "possible": N_("possible"),
}
ITEM_KINDS: dict[str, str] = {
    "weapon": N_("weapon"),
    "ammunition": N_("ammunition"),
    "part": N_("part"),
    "ordnance": N_("ordnance"),
    "explosive": N_("explosive"),
}
CHANGED_FIELDS: dict[str, str] = {
    "event_date": N_("event date"),
    "location_country": N_("country of the place"),
    "mission": N_("mission"),
}
EVIDENCE_LABELS: dict[str, str] = {
    "armed_group": N_("Armed group"),
    "balance": N_("Still held"),
    "calibre_key": N_("Calibre"),
    "changes": N_("Changes"),
    "country": N_("Country"),
    "crossing_date": N_("Crossing date"),
    "declaration": N_("Declaration"),
    "declaration_id": N_("Declaration"),
    "declarations": N_("Declarations"),
    "declared": N_("As declared"),
    "declaring_country": N_("Declaring country"),
    "embargo": N_("Embargo"),
    "ends_on": N_("Ends on"),
    "event_date": N_("Event date"),
    "from": N_("From"),
    "id": N_("Id"),
    "incident_id": N_("Incident"),
    "incidents": N_("Incidents"),
    "item_count": N_("Items"),
    "item_index": N_("Item number"),
    "items": N_("Items"),
    "kind": N_("Kind"),
    "line": N_("Line"),
    "listed_groups": N_("Listed groups"),
    "location_country": N_("Country of the place"),
    "lot_key": N_("Lot"),
    "manifest_id": N_("Manifest"),
    "manifests": N_("Manifests"),
    "manufacturer": N_("Manufacturer"),
    "manufacturer_key": N_("Manufacturer"),
    "match": N_("Match"),
    "matching_items": N_("Matching items"),
    "mission": N_("Mission"),
    "model": N_("Model"),
    "model_key": N_("Model"),
    "paragraph": N_("Paragraph"),
    "place": N_("Place"),
    "presumed_user": N_("Presumed user"),
    "reason": N_("Reason"),
    "recorded": N_("As recorded"),
    "reference": N_("Reference"),
    "scope": N_("Scope"),
    "serial_number": N_("Serial number"),
    "signature": N_("Signature"),
    "starts_on": N_("Starts on"),
    "to": N_("To"),
    "truncated": N_("More not shown"),
    "type": N_("Type"),
    "unit": N_("Unit"),
    "version": N_("Version"),
    "weapons": N_("Weapons"),
    "year_of_manufacture": N_("Year of manufacture"),
}
CODED_VALUES: dict[str, dict[str, str]] = {
    "type": DECLARATION_TYPES,
    "match": MATCHES,
    "kind": ITEM_KINDS,
}
YES_NO = {True: N_("Yes"), False: N_("No")}


def evidence_label(key: str, _: Gettext) -> str:
    """A key of the evidence as a label in the person's language (else as written)."""
    known = EVIDENCE_LABELS.get(key)
    return _(known) if known else key.replace("_", " ")


DATES = frozenset({"event_date", "crossing_date", "starts_on", "ends_on"})


def evidence_value(key: str, value: object, _: Gettext, fmt: Formats) -> str:
    """A value of the evidence: coded values and yes/no translated, dates formatted for
    the person's language, the rest as written."""
    if isinstance(value, bool):
        return _(YES_NO[value])
    text = str(value)
    if key in DATES:
        try:
            return fmt.date(text)
        except ValueError:  # not a date after all: as written
            return text
    coded = CODED_VALUES.get(key, {}).get(text)
    return _(coded) if coded else text


def summary(alert: dict[str, Any], _: Gettext, fmt: Formats) -> str:
    """The alert's summary in the person's language, or the registry's English one when
    the alert lacks what its template needs."""
    render = _RENDERERS.get(str(alert.get("kind")))
    if render is not None:
        try:
            return render(alert, alert.get("evidence") or {}, _, fmt)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            pass
    return str(alert.get("summary", ""))


def _code(table: dict[str, str], value: object, _: Gettext) -> str:
    known = table.get(str(value))
    return _(known) if known else str(value)


def _diversion(alert: dict[str, Any], ev: dict[str, Any], _: Gettext, fmt: Formats) -> str:
    declaration = ev["declaration"]
    return _(
        "%(type)s by %(declarer)s on %(date)s: “%(declared)s” matches (%(match)s)"
        " “%(recorded)s” brought into %(mission)s by %(country)s"
    ) % {
        "type": _code(DECLARATION_TYPES, declaration["type"], _),
        "declarer": declaration["declaring_country"],
        "date": fmt.date(declaration["event_date"]),
        "declared": ev["declared"],
        "match": _code(MATCHES, ev["match"], _),
        "recorded": ev["manifests"][0]["recorded"],
        "mission": alert["mission"],
        "country": alert["country"],
    }


def _described(signature: dict[str, Any]) -> str:
    return ", ".join(str(v) for v in signature.values() if v not in (None, ""))


def _linkage(alert: dict[str, Any], ev: dict[str, Any], _: Gettext, fmt: Formats) -> str:
    if "incidents" in ev:  # ammunition of one signature across incidents
        return _(
            "Ammunition %(signature)s recovered in %(declarations)s declarations from"
            " %(incidents)s incidents"
        ) % {
            "signature": _described(ev["signature"]),
            "declarations": fmt.number(len(ev["declarations"])),
            "incidents": fmt.number(int(ev["incidents"])),
        }
    first, second = ev["declarations"][:2]
    return _(
        "Recoveries %(first)s (%(first_country)s, %(first_date)s) and %(second)s"
        " (%(second_country)s, %(second_date)s) share %(kind)s %(signature)s"
    ) % {
        **_pair(first, second, fmt),
        "kind": _code(ITEM_KINDS, ev["kind"], _),
        "signature": _described(ev["signature"]),
    }


def _pair(first: dict[str, Any], second: dict[str, Any], fmt: Formats) -> dict[str, str]:
    return {
        "first": first["declaration_id"],
        "first_country": first["declaring_country"],
        "first_date": fmt.date(first["event_date"]),
        "second": second["declaration_id"],
        "second_country": second["declaring_country"],
        "second_date": fmt.date(second["event_date"]),
    }


def _destroyed_twice(alert: dict[str, Any], ev: dict[str, Any], _: Gettext, fmt: Formats) -> str:
    first, second = ev["declarations"][:2]
    return _(
        "Destructions %(first)s (%(first_country)s, %(first_date)s) and %(second)s"
        " (%(second_country)s, %(second_date)s) both destroy the same weapons: %(weapons)s"
    ) % {**_pair(first, second, fmt), "weapons": fmt.number(int(ev["weapons"]))}


def _context_amended(alert: dict[str, Any], ev: dict[str, Any], _: Gettext, fmt: Formats) -> str:
    changes = "; ".join(
        f"{_code(CHANGED_FIELDS, name, _)} {change['from']} → {change['to']}"
        for name, change in ev["changes"].items()
    )
    return _(
        "Declaration %(declaration)s (%(country)s) amended to version %(version)s: %(changes)s"
    ) % {
        "declaration": alert["declaration_id"],
        "country": alert["country"],
        "version": ev["version"],
        "changes": changes,
    }


def _unreturned(alert: dict[str, Any], ev: dict[str, Any], _: Gettext, fmt: Formats) -> str:
    unit = ev.get("unit")
    holder = f"{alert['country']} ({unit})" if unit else alert["country"]
    return _("Weapons of %(holder)s not taken out of %(mission)s: %(count)s (%(reason)s)") % {
        "holder": holder,
        "mission": alert["mission"],
        "count": fmt.number(len(ev["weapons"])),
        "reason": ev["reason"],
    }


def _embargo(alert: dict[str, Any], ev: dict[str, Any], _: Gettext, fmt: Formats) -> str:
    declaration, embargo = ev["declaration"], ev["embargo"]
    values = {
        "count": fmt.number(int(ev["item_count"])),
        "place": declaration["location_country"],
        "declarer": declaration["declaring_country"],
        "date": fmt.date(declaration["event_date"]),
        "start": fmt.date(embargo["starts_on"]),
        "reference": embargo["reference"],
        "group": ev.get("armed_group") or "",
    }
    if embargo["scope"] == "listed_entities" and values["group"]:
        return (
            _(
                "Items found in %(place)s by %(declarer)s on %(date)s, made after the embargo of"
                " %(start)s (%(reference)s) on listed %(group)s: %(count)s"
            )
            % values
        )
    return (
        _(
            "Items found in %(place)s by %(declarer)s on %(date)s, made after the embargo of"
            " %(start)s (%(reference)s): %(count)s"
        )
        % values
    )


_RENDERERS: dict[str, Callable[[dict[str, Any], dict[str, Any], Gettext, Formats], str]] = {
    "diversion": _diversion,
    "linkage": _linkage,
    "destroyed_twice": _destroyed_twice,
    "context_amended": _context_amended,
    "unreturned": _unreturned,
    "embargo": _embargo,
}
