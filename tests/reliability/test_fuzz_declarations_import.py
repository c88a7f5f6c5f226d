"""Fuzzing the declarations spreadsheet reader: hostile input is a refusal naming rows
and columns (or a 413/415), never an unexpected exception (which would be a 500)."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.common.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from services.common.sheets import ImportLimits
from services.declarations.imports.columns import COLUMNS
from services.declarations.imports.sheet import read_declarations

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SPELLINGS = [s for c in COLUMNS for s in (c.name, c.french, *c.aliases)]
cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["R-1", "R-2", "seizure", "saisie", "SEN", "2024-01-02", "weapon", "arme", "part", ""]
    ),
    st.sampled_from(["obliterated", "effacé", "oui", "non", "14,5", "1e400", "-0", "nan"]),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


@st.composite
def csv_documents(draw: st.DrawFn) -> bytes:
    header = draw(
        st.lists(st.one_of(st.sampled_from(SPELLINGS), st.text(max_size=10)), max_size=12)
    )
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + 2), max_size=10))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    text = "\n".join(delimiter.join(row) for row in [header, *rows])
    return text.encode(draw(st.sampled_from(["utf-8", "cp1252", "utf-16"])), errors="replace")


@FAST
@given(data=st.one_of(csv_documents(), st.binary(max_size=300)))
def test_any_file_is_read_or_refused_with_located_problems(data: bytes) -> None:
    problems: list[dict[str, str]] | None = None
    try:
        sheet = read_declarations(io.BytesIO(data), "f.csv", limits=ImportLimits(max_rows=40))
    except ValidationFailed as refusal:
        problems = refusal.extra["errors"]
    except (PayloadTooLarge, UnsupportedMediaType):
        return
    if problems is not None:
        assert problems
        assert all(problem["loc"] for problem in problems)
    else:
        assert sheet.documents
        assert len(sheet.documents) == len(sheet.groups)
