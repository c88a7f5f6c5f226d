"""Seed ECOWAS and ECCAS with dated memberships (editable later through the API).

Dates are the best public record at the time of writing; each one marked
"check" should be confirmed against the treaties and withdrawal notices
before the register is relied on for them. ``left_on`` is the first day the
state is no longer a member (the day a withdrawal takes effect).

Revision ID: auth0003
Revises: auth0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "auth0003"
down_revision: str | None = "auth0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMMUNITIES = [
    {"code": "ECOWAS", "name": "Economic Community of West African States"},
    {"code": "ECCAS", "name": "Economic Community of Central African States"},
]

ECOWAS_TREATY = date(1975, 5, 28)  # Treaty of Lagos
ECOWAS_LEAVING_2025 = date(2025, 1, 29)  # BFA, MLI, NER withdrawal effective (check)
ECCAS_TREATY = date(1983, 10, 18)  # Libreville treaty signed (in force 1984-12-18; check)

# (community, country, joined_on, left_on)
MEMBERSHIPS: list[tuple[str, str, date, date | None]] = [
    ("ECOWAS", "BEN", ECOWAS_TREATY, None),
    ("ECOWAS", "BFA", ECOWAS_TREATY, ECOWAS_LEAVING_2025),
    ("ECOWAS", "CIV", ECOWAS_TREATY, None),
    ("ECOWAS", "GMB", ECOWAS_TREATY, None),
    ("ECOWAS", "GHA", ECOWAS_TREATY, None),
    ("ECOWAS", "GIN", ECOWAS_TREATY, None),
    ("ECOWAS", "GNB", ECOWAS_TREATY, None),
    ("ECOWAS", "LBR", ECOWAS_TREATY, None),
    ("ECOWAS", "MLI", ECOWAS_TREATY, ECOWAS_LEAVING_2025),
    ("ECOWAS", "MRT", ECOWAS_TREATY, date(2000, 12, 31)),  # left in 2000 (check exact day)
    ("ECOWAS", "NER", ECOWAS_TREATY, ECOWAS_LEAVING_2025),
    ("ECOWAS", "NGA", ECOWAS_TREATY, None),
    ("ECOWAS", "SEN", ECOWAS_TREATY, None),
    ("ECOWAS", "SLE", ECOWAS_TREATY, None),
    ("ECOWAS", "TGO", ECOWAS_TREATY, None),
    ("ECOWAS", "CPV", date(1977, 1, 1), None),  # joined in 1977 (check exact day)
    ("ECCAS", "BDI", ECCAS_TREATY, None),
    ("ECCAS", "CMR", ECCAS_TREATY, None),
    ("ECCAS", "CAF", ECCAS_TREATY, None),
    ("ECCAS", "TCD", ECCAS_TREATY, None),
    ("ECCAS", "COG", ECCAS_TREATY, None),
    ("ECCAS", "COD", ECCAS_TREATY, None),
    ("ECCAS", "GNQ", ECCAS_TREATY, None),
    ("ECCAS", "GAB", ECCAS_TREATY, None),
    ("ECCAS", "STP", ECCAS_TREATY, None),
    ("ECCAS", "AGO", date(1999, 1, 1), None),  # full member in 1999 (check exact day)
    ("ECCAS", "RWA", ECCAS_TREATY, date(2007, 1, 1)),  # left in 2007 (check exact day)
    ("ECCAS", "RWA", date(2016, 8, 17), date(2025, 6, 8)),  # rejoined 2016, left 2025 (check)
]


def upgrade() -> None:
    communities = sa.table(
        "communities", sa.column("code", sa.String), sa.column("name", sa.String)
    )
    memberships = sa.table(
        "community_memberships",
        sa.column("community", sa.String),
        sa.column("country", sa.String),
        sa.column("joined_on", sa.Date),
        sa.column("left_on", sa.Date),
    )
    op.bulk_insert(communities, COMMUNITIES)
    op.bulk_insert(
        memberships,
        [
            {"community": c, "country": k, "joined_on": j, "left_on": left}
            for c, k, j, left in MEMBERSHIPS
        ],
    )


def downgrade() -> None:
    # Memberships edited or added later through the API go too: they belong to these communities.
    codes = [c["code"] for c in COMMUNITIES]
    memberships = sa.table("community_memberships", sa.column("community", sa.String))
    communities = sa.table("communities", sa.column("code", sa.String))
    op.execute(sa.delete(memberships).where(memberships.c.community.in_(codes)))
    op.execute(sa.delete(communities).where(communities.c.code.in_(codes)))
