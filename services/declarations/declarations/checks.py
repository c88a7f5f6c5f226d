"""Rules a declaration document must satisfy, each problem located, all reported at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from services.common.errors import Conflict, FieldProblem, ValidationFailed
from services.declarations.declarations import repository
from services.declarations.declarations.custody import (
    ItemIdentity,
    duplicate_problems,
    identify,
    key_length_problems,
    undeclared_positions,
)
from services.declarations.declarations.schemas import DeclarationDocument

# No record of the register predates the United Nations: an earlier date is a typo or an
# attempt to date a record out of every secretariat's membership period.
EARLIEST_PLAUSIBLE_DATE = date(1945, 1, 1)


@dataclass(frozen=True)
class CheckedDocument:
    """A document that passed every rule, with its items' identities."""

    document: DeclarationDocument
    identities: list[ItemIdentity]
    undeclared_items: set[int]

    @property
    def undeclared(self) -> bool:
        """True when some destroyed item was never declared."""
        return bool(self.undeclared_items)


def _context_problems(
    document: DeclarationDocument, *, today: date, mission_known: bool | None
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if document.event_date > today:
        problems.append(FieldProblem(loc="event_date", msg="the event date is in the future"))
    if document.event_date < EARLIEST_PLAUSIBLE_DATE:
        problems.append(FieldProblem(loc="event_date", msg="the event date is before 1945"))
    if mission_known is False:
        problems.append(
            FieldProblem(loc="mission", msg=f"the registry knows no mission {document.mission!r}")
        )
    location = document.location
    if (location.lat is None) != (location.lon is None):
        problems.append(FieldProblem(loc="location", msg="give both lat and lon, or neither"))
    is_destruction = document.type == "destruction"
    if is_destruction and document.destruction is None:
        problems.append(FieldProblem(loc="destruction", msg="a destruction needs its method"))
    if not is_destruction and document.destruction is not None:
        problems.append(FieldProblem(loc="destruction", msg="only for type 'destruction'"))
    if not is_destruction and document.undeclared:
        problems.append(FieldProblem(loc="undeclared", msg="only for type 'destruction'"))
    if document.destruction is not None:
        destruction = document.destruction
        if destruction.method == "other" and destruction.method_detail is None:
            problems.append(
                FieldProblem(loc="destruction.method_detail", msg="describe the 'other' method")
            )
        if destruction.date is not None and destruction.date > today:
            problems.append(FieldProblem(loc="destruction.date", msg="in the future"))
        if destruction.date is not None and destruction.date < EARLIEST_PLAUSIBLE_DATE:
            problems.append(FieldProblem(loc="destruction.date", msg="before 1945"))
    if document.collection is not None:
        collection = document.collection
        if document.type != "collection":
            problems.append(FieldProblem(loc="collection", msg="only for type 'collection'"))
        elif collection.ddr and collection.programme is None:
            problems.append(FieldProblem(loc="collection.programme", msg="name the DDR programme"))
        if collection.people is not None and not (document.type == "collection" and collection.ddr):
            remedy = (
                f"this is a {document.type}"
                if document.type != "collection"
                else "set collection.ddr and name the programme"
            )
            problems.append(
                FieldProblem(
                    loc="collection.people",
                    msg=f"only a DDR collection records the people who handed materiel in;"
                    f" {remedy}",
                )
            )
    return problems


def check_document(
    session: Session,
    *,
    document: DeclarationDocument,
    today: date,
    mission_known: bool | None,
    declaration_id: str | None = None,
) -> CheckedDocument:
    """Check a document (new, or amended when ``declaration_id`` is given).

    422 listing every problem; 409 ``already_destroyed`` when a uniquely
    identified item was destroyed by another declaration of the same state.
    """
    problems = _context_problems(document, today=today, mission_known=mission_known)
    identities = [identify(item) for item in document.items]
    problems += duplicate_problems(identities)
    problems += key_length_problems(identities)
    if document.incident_id is not None and not repository.incident_exists(
        session, document.incident_id
    ):
        problems.append(FieldProblem(loc="incident_id", msg=f"no incident {document.incident_id}"))
    undeclared: set[int] = set()
    if document.type == "destruction":
        found = repository.find_many(
            session, document.references, declaring_country=document.declaring_country
        )
        for position, reference in enumerate(document.references):
            row = found.get(reference)
            if row is None:
                problems.append(
                    FieldProblem(
                        loc=f"references[{position}]",
                        msg=f"no declaration {reference} of {document.declaring_country}",
                    )
                )
            elif row.type == "destruction" or reference == declaration_id:
                problems.append(
                    FieldProblem(loc=f"references[{position}]", msg="not a seizure or collection")
                )
        recorded = repository.recorded_keys(session, list(found))
        undeclared = set(undeclared_positions(identities, recorded))
        if undeclared and not document.undeclared:
            problems += [
                FieldProblem(
                    loc=f"items[{i}]",
                    msg="no referenced declaration recorded this item; reference the one that"
                    " did, or set undeclared: true to record materiel never declared",
                    type="undeclared_materiel",
                )
                for i in sorted(undeclared)
            ]
    elif document.references:
        problems.append(FieldProblem(loc="references", msg="only a destruction references"))
    if problems:
        only_undeclared = all(p.type == "undeclared_materiel" for p in problems)
        raise ValidationFailed(problems, code="undeclared_materiel" if only_undeclared else None)
    if document.type == "destruction":
        _refuse_destroyed_twice(session, identities, document.declaring_country, declaration_id)
    return CheckedDocument(document, identities, undeclared)


def _refuse_destroyed_twice(
    session: Session,
    identities: list[ItemIdentity],
    declaring_country: str,
    declaration_id: str | None,
) -> None:
    # Only the state's own destructions: whether another state destroyed an item is
    # not the declarant's to learn (the registry alerts the secretariats instead).
    unique_keys = [i.match_key for i in identities if i.unique]
    destroyed = repository.already_destroyed(
        session, unique_keys, declaring_country=declaring_country, excluding=declaration_id
    )
    if destroyed:
        raise Conflict(
            f"{len(destroyed)} item(s) were already destroyed",
            code="already_destroyed",
            errors=[
                {"loc": f"items[{position}]", "msg": f"destroyed by {destroyed[i.match_key]}"}
                for position, i in enumerate(identities)
                if i.match_key in destroyed
            ],
        )


def item_rows(checked: CheckedDocument) -> list[dict[str, object]]:
    """Rows of the item index for a checked document."""
    destroyed = checked.document.type == "destruction"
    return [
        {
            "position": position,
            "kind": identity.kind,
            "declaration_type": checked.document.type,
            "match_key": identity.match_key,
            "serial_key": identity.serial_key,
            "manufacturer_key": identity.manufacturer_key,
            "calibre_key": identity.calibre_key,
            "destroyed": destroyed,
            "undeclared": position in checked.undeclared_items,
            "destroyed_key": identity.match_key if destroyed and identity.unique else None,
            "destroyed_country": (
                checked.document.declaring_country if destroyed and identity.unique else None
            ),
        }
        for position, identity in enumerate(checked.identities)
    ]
