"""What the map shows: a date range, a kind of record, a mission and a presumed user, as
the page's query and as the registry's; the registry's problems with them, each on its
field in the person's language."""

from __future__ import annotations

from dataclasses import dataclass, replace

from services.console.cases.service import FormProblem, problems_of
from services.console.clients.base import ApiProblem
from services.console.i18n import N_, Gettext

# The kinds of record the map draws, each with its own mark (statistics/map.py).
KINDS: dict[str, str] = {
    "seizure": N_("Seizure"),
    "collection": N_("Collection"),
    "destruction": N_("Destruction"),
    "loss": N_("Loss"),
}
# The registry's names of the filters, as the page's fields, with their labels and what
# to do about a refused value.
_FIELDS: dict[str, tuple[str, str, str]] = {
    "query.type": (
        "type",
        N_("Kind of record"),
        N_("Choose seizure, collection, destruction or loss."),
    ),
    "query.mission": (
        "mission",
        N_("Mission"),
        N_("Enter a mission's code, such as MINUSMA: letters, digits and hyphens."),
    ),
    "query.presumed_user": (
        "presumed_user",
        N_("Presumed user"),
        N_(
            "Enter a listed armed group's code, such as JNIM, or choose government forces,"
            " non-state armed group or unknown."
        ),
    ),
}
_DATES = {"query.from": "date_from", "query.to": "date_to"}


@dataclass(frozen=True)
class MapFilters:
    """The map's filters as typed ("" for any)."""

    date_from: str = ""
    date_to: str = ""
    type: str = ""
    mission: str = ""
    presumed_user: str = ""

    def query(self) -> dict[str, str]:
        """The page's query parameters (the year slider's form and links keep them)."""
        found = {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "type": self.type,
            "mission": self.mission,
            "presumed_user": self.presumed_user,
        }
        return {k: v for k, v in found.items() if v}

    def api_query(self) -> dict[str, str]:
        """The registry's query parameters (``from`` and ``to`` for the range)."""
        found = {
            "from": self.date_from,
            "to": self.date_to,
            "type": self.type,
            "mission": self.mission,
            "presumed_user": self.presumed_user,
        }
        return {k: v for k, v in found.items() if v}


def map_filters_of(
    date_from: str, date_to: str, type_: str, mission: str, presumed_user: str
) -> MapFilters:
    """The filters as asked, spaces around them dropped (the registry names bad values)."""
    return MapFilters(
        date_from=date_from.strip(),
        date_to=date_to.strip(),
        type=type_.strip(),
        mission=mission.strip(),
        presumed_user=presumed_user.strip(),
    )


def map_problems(problem: ApiProblem, _: Gettext) -> list[FormProblem]:
    """Every problem the registry found with the filters, on its field, in the person's
    language."""
    found = []
    fields = {**_DATES, **{loc: field for loc, (field, _l, _m) in _FIELDS.items()}}
    by_field = {field: (label, message) for field, label, message in _FIELDS.values()}
    for each in problems_of(problem, _, fields):
        if each.field in by_field:
            label, message = by_field[each.field]
            each = replace(each, column=_(label), message=_(message))
        found.append(each)
    return found
