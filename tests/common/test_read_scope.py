"""ReadScope.clause, the tenancy filter of every list, selects exactly what ``allows`` says.

The clause groups periods sharing their dates into one ``country IN (...)`` and is
cached per community and column pair; this checks it against the per-period rule on
a real database, for random memberships (overlapping, closed, reopened).
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, create_engine, select

from services.common.security import MembershipPeriod, ReadScope

COUNTRIES = ("SEN", "NER", "MLI", "GHA", "CPV")
DAY0 = date(1999, 1, 1)
metadata = MetaData()
records = Table(
    "records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("country", String(3)),
    Column("on", Date),
)
ROWS = [
    {"id": i, "country": country, "on": DAY0 + timedelta(days=offset)}
    for i, (country, offset) in enumerate(
        (c, o) for c in COUNTRIES for o in (0, 30, 364, 365, 366, 700, 1500, 3000)
    )
]
engine = create_engine("sqlite://")
metadata.create_all(engine)  # a scratch table of this test, not a service's schema
with engine.begin() as connection:
    connection.execute(records.insert(), ROWS)

days = st.integers(min_value=0, max_value=3000).map(lambda d: DAY0 + timedelta(days=d))
periods = st.builds(
    lambda country, joined, length: MembershipPeriod(
        country, joined, None if length is None else joined + timedelta(days=length)
    ),
    st.sampled_from(COUNTRIES),
    st.sampled_from([DAY0, DAY0 + timedelta(days=365), DAY0 + timedelta(days=700)]) | days,
    st.none() | st.sampled_from([1, 365, 1000]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(periods, min_size=1, max_size=8))
def test_the_grouped_clause_selects_what_allows_says(memberships: list[MembershipPeriod]) -> None:
    scope = ReadScope(everything=False, periods=tuple(memberships))
    with engine.connect() as connection:
        selected = set(
            connection.execute(
                select(records.c.id).where(scope.clause(records.c.country, records.c.on))
            ).scalars()
        )
    expected = {row["id"] for row in ROWS if scope.allows(row["country"], row["on"])}
    assert selected == expected


def test_everything_and_nothing() -> None:
    with engine.connect() as connection:
        for scope, expected in (
            (ReadScope(everything=True, periods=()), len(ROWS)),
            (ReadScope(everything=False, periods=()), 0),
        ):
            where = scope.clause(records.c.country, records.c.on)
            found = connection.execute(select(records.c.id).where(where)).all()
            assert len(found) == expected
