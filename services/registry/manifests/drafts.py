"""The draft of a manifest, and reading a request into one without stopping at the first
kind of problem.

A :class:`ManifestDraft` is the one value the write path carries: the JSON route and
the CSV/XLSX import both build one, and the service checks and stores it.

Validating the whole body at once (as FastAPI would) stops at pydantic's type errors:
the per-kind rules and the in/out balances never run, and a ministry fixes its file
in several rounds. Here the header and each item are read apart. A field with a type
error is reported and set aside; what remains of the item is kept, so the service can
still say which required fields are missing and whether the weapon balances. An item
that is not an object, or whose ``kind`` is unusable, is reported and skipped (its
kind decides every other rule). Valid bodies take the fast path: one validation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Final

from pydantic import Field, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from services.common.errors import FieldProblem, format_loc
from services.registry.manifests.schemas import (
    MAX_MANIFEST_ITEMS,
    ManifestCreate,
    ManifestHeader,
    ManifestItemIn,
)

ITEM_LIST_ADAPTER: Final = TypeAdapter(
    Annotated[list[ManifestItemIn], Field(min_length=1, max_length=MAX_MANIFEST_ITEMS)]
)
_ITEMS_ADAPTER: Final = TypeAdapter(list[ManifestItemIn])
_ITEM_ADAPTER: Final = TypeAdapter(ManifestItemIn)


ItemLocator = Callable[[int, str], str]
"""Names item ``index``'s field (``""``: the whole item) in a problem."""

MAX_LISTED_PROBLEMS: Final = 1000


def json_location(index: int, field_name: str) -> str:
    """``items[17].serial_number`` (``items[17]`` for the whole item)."""
    return f"items[{index}].{field_name}" if field_name else f"items[{index}]"


class ProblemList:
    """A manifest's problems in the order its refusal lists them.

    A refusal lists the first :data:`MAX_LISTED_PROBLEMS` and counts the rest; those are
    only counted here too, never built: a file of 100,000 bad items would otherwise cost
    more to refuse than to store.
    """

    __slots__ = ("listed", "total")

    def __init__(self, problems: Iterable[FieldProblem] = ()) -> None:
        self.listed: list[FieldProblem] = []
        self.total = 0
        self.extend(problems)

    def add(self, loc: str, msg: str, type: str | None = None) -> None:
        """Count a problem (and keep it while the refusal can list it)."""
        self.total += 1
        if self.total <= MAX_LISTED_PROBLEMS:
            self.listed.append(FieldProblem(loc=loc, msg=msg, type=type))

    def extend(self, problems: Iterable[FieldProblem]) -> None:
        """Count these problems (and keep those the refusal can list)."""
        for problem in problems:
            self.total += 1
            if self.total <= MAX_LISTED_PROBLEMS:
                self.listed.append(problem)

    def __bool__(self) -> bool:
        return self.total > 0


@dataclass
class ManifestDraft:
    """What could be read of a manifest, how to name its items' fields, and the problems
    collected on the way from the request to the refusal.

    ``header`` is None when a required header field is unusable; ``items[i]`` is None
    when item ``i`` cannot be checked further. ``locate`` names an item's field in
    problems: ``items[17].serial_number`` for JSON, row and column for an import.
    ``problems`` starts with the header's and the item list's; the service adds its
    own. ``item_errors`` are pydantic's errors in item ``i`` (by index), kept as pydantic
    gives them: the service lists them with that item's own problems, and builds only
    those a refusal shows. ``header_locs`` names a header field read from the file (its
    row and column) rather than by its name.
    """

    header: ManifestHeader | None
    items: list[ManifestItemIn | None] = field(default_factory=list)
    locate: ItemLocator = json_location
    problems: ProblemList = field(default_factory=ProblemList)
    item_errors: dict[int, list[ErrorDetails]] = field(default_factory=dict)
    header_locs: dict[str, str] = field(default_factory=dict)

    def locate_header(self, problems: Iterable[FieldProblem]) -> list[FieldProblem]:
        """``problems`` of the header, those of a field read from the file named by its cell."""
        return locate_header(problems, self.header_locs)


def locate_header(problems: Iterable[FieldProblem], at: Mapping[str, str]) -> list[FieldProblem]:
    """``problems`` of the header, those of a field named in ``at`` renamed as it says."""
    return [p.model_copy(update={"loc": at[p.loc]}) if p.loc in at else p for p in problems]


def _problem(loc: str, error: ErrorDetails) -> FieldProblem:
    return FieldProblem(loc=loc, msg=error["msg"], type=error["type"])


def read_header(
    raw: Mapping[str, Any], *, root: str
) -> tuple[ManifestHeader | None, list[FieldProblem]]:
    """The header and its problems (located by field name, ``root`` for the whole).

    Optional fields with a type error are set aside; a required one leaves no header.
    """
    try:
        return ManifestHeader.model_validate(raw), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    problems = [_problem(format_loc(e["loc"]) if e["loc"] else root, e) for e in errors]
    if any(not e["loc"] for e in errors):
        return None, problems
    unusable = {e["loc"][0] for e in errors}
    try:
        header = ManifestHeader.model_validate({k: v for k, v in raw.items() if k not in unusable})
    except ValidationError:
        header = None
    return header, problems


def _salvage(raw: Any, errors: list[ErrorDetails]) -> ManifestItemIn | None:
    if not isinstance(raw, dict) or any(len(e["loc"]) < 2 for e in errors):
        return None
    unusable = {e["loc"][1] for e in errors}
    if "kind" in unusable:
        return None
    try:
        return _ITEM_ADAPTER.validate_python({k: v for k, v in raw.items() if k not in unusable})
    except ValidationError:
        return None


def read_items(
    raw: Any,
    *,
    header: ManifestHeader | None,
    problems: list[FieldProblem],
    locate: ItemLocator = json_location,
    list_loc: str = "items",
) -> ManifestDraft:
    """The draft of a manifest whose header was read (``header`` and its ``problems``),
    with its items and their problems; a list that is not one, empty or over the limit is
    one problem at ``list_loc`` and no items."""
    try:
        valid = ITEM_LIST_ADAPTER.validate_python(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    else:
        return ManifestDraft(
            header=header, items=list(valid), locate=locate, problems=ProblemList(problems)
        )
    whole = [e for e in errors if not e["loc"]]
    if whole:
        problems = problems + [_problem(list_loc, e) for e in whole]
        return ManifestDraft(header=header, locate=locate, problems=ProblemList(problems))
    by_item: dict[int, list[ErrorDetails]] = {}
    for error in errors:
        by_item.setdefault(int(error["loc"][0]), []).append(error)
    draft = ManifestDraft(
        header=header, items=[None] * len(raw), locate=locate, problems=ProblemList(problems)
    )
    items = draft.items
    fine = [index for index in range(len(raw)) if index not in by_item]
    for index, item in zip(
        fine, _ITEMS_ADAPTER.validate_python([raw[i] for i in fine]), strict=True
    ):
        items[index] = item
    for index, item_errors in sorted(by_item.items()):
        items[index] = _salvage(raw[index], item_errors)
        draft.item_errors[index] = item_errors
    return draft


def item_error_loc(locate: ItemLocator, index: int, error: ErrorDetails) -> str:
    """Where pydantic's ``error`` in item ``index`` is (its loc starts with the index)."""
    rest = error["loc"][1:]
    if not rest:
        return locate(index, "")
    suffix = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest[1:])
    return locate(index, str(rest[0])) + suffix


def read_manifest(raw: dict[str, Any]) -> ManifestDraft:
    """A JSON manifest body read into a draft (one validation when it is valid)."""
    try:
        created = ManifestCreate.model_validate(raw)
    except ValidationError:
        pass
    else:
        return ManifestDraft(header=created, items=list(created.items))
    header, problems = read_header({k: v for k, v in raw.items() if k != "items"}, root="body")
    if "items" not in raw:
        problems.append(FieldProblem(loc="items", msg="Field required", type="missing"))
        return ManifestDraft(header=header, problems=ProblemList(problems))
    return read_items(raw["items"], header=header, problems=problems)
