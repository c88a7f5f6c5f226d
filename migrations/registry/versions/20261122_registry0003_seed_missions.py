"""Seed the missions table with real peace operations in Africa.

Dates are mandate dates from the authorising resolutions and decisions; they
are data (operators and secretariats edit them through the API), not code.

Revision ID: registry0003
Revises: registry0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "registry0003"
down_revision: str | None = "registry0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (code, name, authority, host countries, start, end)
MISSIONS: list[tuple[str, str, str, list[str], date, date | None]] = [
    (
        "MINUSMA",
        "United Nations Multidimensional Integrated Stabilization Mission in Mali",
        "UN",
        ["MLI"],
        date(2013, 4, 25),
        date(2023, 12, 31),
    ),
    (
        "MINUSCA",
        "United Nations Multidimensional Integrated Stabilization Mission in the "
        "Central African Republic",
        "UN",
        ["CAF"],
        date(2014, 4, 10),
        None,
    ),
    (
        "MONUSCO",
        "United Nations Organization Stabilization Mission in the Democratic Republic of the Congo",
        "UN",
        ["COD"],
        date(2010, 7, 1),
        None,
    ),
    (
        "MONUC",
        "United Nations Organization Mission in the Democratic Republic of the Congo",
        "UN",
        ["COD"],
        date(1999, 11, 30),
        date(2010, 6, 30),
    ),
    (
        "UNMISS",
        "United Nations Mission in the Republic of South Sudan",
        "UN",
        ["SSD"],
        date(2011, 7, 9),
        None,
    ),
    (
        "UNOCI",
        "United Nations Operation in Côte d'Ivoire",
        "UN",
        ["CIV"],
        date(2004, 4, 4),
        date(2017, 6, 30),
    ),
    (
        "UNMIL",
        "United Nations Mission in Liberia",
        "UN",
        ["LBR"],
        date(2003, 9, 19),
        date(2018, 3, 30),
    ),
    (
        "UNAMSIL",
        "United Nations Mission in Sierra Leone",
        "UN",
        ["SLE"],
        date(1999, 10, 22),
        date(2005, 12, 31),
    ),
    (
        "MINURSO",
        "United Nations Mission for the Referendum in Western Sahara",
        "UN",
        ["ESH"],
        date(1991, 4, 29),
        None,
    ),
    (
        "UNISFA",
        "United Nations Interim Security Force for Abyei",
        "UN",
        ["SDN", "SSD"],
        date(2011, 6, 27),
        None,
    ),
    (
        "UNAMID",
        "African Union-United Nations Hybrid Operation in Darfur",
        "UN",
        ["SDN"],
        date(2007, 7, 31),
        date(2020, 12, 31),
    ),
    (
        "MINURCAT",
        "United Nations Mission in the Central African Republic and Chad",
        "UN",
        ["CAF", "TCD"],
        date(2007, 9, 25),
        date(2010, 12, 31),
    ),
    ("ECOMIG", "ECOWAS Mission in The Gambia", "ECOWAS", ["GMB"], date(2017, 1, 19), None),
    (
        "ECOMIB",
        "ECOWAS Mission in Guinea-Bissau",
        "ECOWAS",
        ["GNB"],
        date(2012, 5, 18),
        date(2020, 9, 30),
    ),
    (
        "ECOMICI",
        "ECOWAS Mission in Côte d'Ivoire",
        "ECOWAS",
        ["CIV"],
        date(2003, 1, 18),
        date(2004, 4, 4),
    ),
    (
        "AFISMA",
        "African-led International Support Mission to Mali",
        "ECOWAS",
        ["MLI"],
        date(2012, 12, 20),
        date(2013, 7, 1),
    ),
    (
        "MICOPAX",
        "Mission for the Consolidation of Peace in the Central African Republic",
        "ECCAS",
        ["CAF"],
        date(2008, 7, 12),
        date(2013, 12, 19),
    ),
    (
        "MISCA",
        "African-led International Support Mission to the Central African Republic",
        "AU",
        ["CAF"],
        date(2013, 12, 19),
        date(2014, 9, 15),
    ),
    (
        "MNJTF",
        "Multinational Joint Task Force against Boko Haram",
        "AU",
        ["NGA", "NER", "TCD", "CMR"],
        date(2015, 1, 29),
        None,
    ),
    (
        "AMISOM",
        "African Union Mission in Somalia",
        "AU",
        ["SOM"],
        date(2007, 1, 19),
        date(2022, 3, 31),
    ),
    (
        "ATMIS",
        "African Union Transition Mission in Somalia",
        "AU",
        ["SOM"],
        date(2022, 4, 1),
        date(2024, 12, 31),
    ),
    (
        "AUSSOM",
        "African Union Support and Stabilization Mission in Somalia",
        "AU",
        ["SOM"],
        date(2025, 1, 1),
        None,
    ),
]

missions = sa.table(
    "missions",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("authority", sa.String),
    sa.column("host_countries", sa.JSON),
    sa.column("start_date", sa.Date),
    sa.column("end_date", sa.Date),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    now = datetime.now(UTC)
    op.bulk_insert(
        missions,
        [
            {
                "code": code,
                "name": name,
                "authority": authority,
                "host_countries": hosts,
                "start_date": start,
                "end_date": end,
                "created_at": now,
            }
            for code, name, authority, hosts, start, end in MISSIONS
        ],
    )


def downgrade() -> None:
    op.execute(missions.delete().where(missions.c.code.in_([m[0] for m in MISSIONS])))
