"""Embargoes with their real scope; the region's missing missions, with sources.

Embargoes gain ``scope`` (``territory``: everyone found there; ``non_state``:
non-governmental entities only), ``paragraph`` (where in the resolution),
``exemptions`` (a kind of presumed user lifted from a date, with its source) and
``withdrawn_at`` / ``withdrawal_reason`` (an entry that was never an arms embargo is
kept, no longer screened). Indexed declarations and their items gain
``presumed_user_kind`` (``government_forces``, ``non_state_armed_group``,
``unknown``), which screening reads. Missions gain ``source`` (the mandate the start
date comes from) and ``note`` ("check" marks).

Data corrections:

- Mali, res. 2374 (2017), is a travel ban and asset freeze, not an arms embargo: the
  entry is withdrawn (not deleted), and the alerts it raised are closed with an event
  that says why.
- The Central African Republic's embargo no longer applies to the government's
  security forces from 27 July 2023 (res. 2693); the DRC's applies to
  non-governmental entities; Liberia's was narrowed to them in 2009.
- The embargoes relevant to the region's peace operations are seeded with scope and
  source: Liberia (1992, 2001), Sierra Leone, Sudan (Darfur), Somalia, South Sudan.
- Missions ECOMOG, ECOMIL, FOMUC, MINURCA, UNOMIL, UNOMSIL, MINUCI and SSMGB
  are added; the MNJTF's authority becomes the Lake Chad Basin Commission (LCBC),
  authorised by the African Union. One rule for start dates: the date the mandate
  began, i.e. the date from which the establishing resolution or decision says it runs,
  or its adoption date when it names none (a later transfer of authority is noted, not
  used). Each mission carries its source; every fact not confirmed against the text is
  marked "check". Seeded start dates are not changed here (records refer to them); where
  one may not follow the rule, its note says so.

Embargoes seeded here screen declarations indexed from now on (a migration does not
re-screen the declarations already indexed).

Downgrading removes the added missions and embargoes, restores the MNJTF's authority
and drops the columns; closed alerts stay closed (their events are history).

Revision ID: registry0012
Revises: registry0011
Create Date: 2026-12-05 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "registry0012"
down_revision: str | None = "registry0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEEDED_BY = "migration registry0012"
MALI = "seed-mli-2017"
MALI_REASON = (
    "UNSC res. 2374 (2017) set up a travel ban and asset freeze, never an arms embargo"
    " (withdrawn by migration registry0012)"
)
GOVERNMENT = "government_forces"

# id -> (scope, paragraph, exemptions, note): corrections of the entries seeded in
# registry0004.
CORRECTED: dict[str, tuple[str, str | None, list[dict[str, Any]], str]] = {
    "seed-caf-2013": (
        "territory",
        "para. 54 (check)",
        [
            {
                "party": GOVERNMENT,
                "starts_on": "2023-07-27",
                "ends_on": None,
                "reference": "UNSC res. 2693 (2023)",
                "note": "supplies to the government's security forces; still applies to"
                " armed groups",
            }
        ],
        "applies to armed groups; lifted for the government's security forces by res. 2693",
    ),
    "seed-cod-2003": (
        "non_state",
        "para. 20 (check)",
        [],
        "armed groups in the Kivus and Ituri from res. 1493 (2003), the whole territory by"
        " res. 1596 (2005); non-governmental entities only, res. 1807 (2008); check",
    ),
    "seed-lbr-2003": (
        "territory",
        "para. 2 (check)",
        [
            {
                "party": GOVERNMENT,
                "starts_on": "2009-12-17",
                "ends_on": None,
                "reference": "UNSC res. 1903 (2009)",
                "note": "narrowed to non-governmental entities; check the date",
            }
        ],
        "lifted by res. 2288 (2016); check",
    ),
    "seed-civ-2004": (
        "territory",
        "para. 7 (check)",
        [],
        "lifted by res. 2283 (2016); check",
    ),
}
# (id, country, starts_on, ends_on, reference, paragraph, scope, exemptions, note)
ADDED: list[tuple[str, str, date, date | None, str, str, str, list[dict[str, Any]], str]] = [
    (
        "seed-lbr-1992",
        "LBR",
        date(1992, 11, 19),
        date(2001, 3, 7),
        "UNSC res. 788 (1992)",
        "para. 8 (check)",
        "territory",
        [],
        "ECOMOG was exempt (check); replaced by res. 1343 (2001); check",
    ),
    (
        "seed-lbr-2001",
        "LBR",
        date(2001, 3, 7),
        date(2003, 12, 22),
        "UNSC res. 1343 (2001)",
        "para. 5 (check)",
        "territory",
        [],
        "replaced by res. 1521 (2003); check",
    ),
    (
        "seed-sle-1997",
        "SLE",
        date(1997, 10, 8),
        date(2010, 9, 29),
        "UNSC res. 1132 (1997)",
        "para. 6 (check)",
        "territory",
        [
            {
                "party": GOVERNMENT,
                "starts_on": "1998-06-05",
                "ends_on": None,
                "reference": "UNSC res. 1171 (1998)",
                "note": "narrowed to non-governmental forces; check",
            }
        ],
        "ended by res. 1940 (2010); check",
    ),
    (
        "seed-sdn-2004",
        "SDN",
        date(2004, 7, 30),
        None,
        "UNSC res. 1556 (2004)",
        "para. 7 (check)",
        "non_state",
        [],
        "Darfur only, not the rest of Sudan; widened to every party in Darfur by res. 1591"
        " (2005); check",
    ),
    (
        "seed-ssd-2018",
        "SSD",
        date(2018, 7, 13),
        None,
        "UNSC res. 2428 (2018)",
        "para. 4 (check)",
        "territory",
        [],
        "renewed yearly; check",
    ),
    (
        "seed-som-1992",
        "SOM",
        date(1992, 1, 23),
        None,
        "UNSC res. 733 (1992)",
        "para. 5 (check)",
        "territory",
        [
            {
                "party": GOVERNMENT,
                "starts_on": "2023-12-01",
                "ends_on": None,
                "reference": "UNSC res. 2714 (2023)",
                "note": "lifted for the Federal Government's forces (partly eased from"
                " res. 2093, 2013); applies to al-Shabaab; check",
            }
        ],
        "check",
    ),
]

# code -> (source, note) for the missions seeded in registry0003.
MISSION_SOURCES: dict[str, tuple[str, str | None]] = {
    "MINUSMA": (
        "UNSC res. 2100 (2013)",
        "authority transferred from AFISMA on 1 July 2013; check whether the mandate ran from then",
    ),
    "MINUSCA": ("UNSC res. 2149 (2014)", "authority transferred on 15 September 2014; check"),
    "MONUSCO": ("UNSC res. 1925 (2010)", "MONUC renamed from 1 July 2010"),
    "MONUC": ("UNSC res. 1279 (1999)", None),
    "UNMISS": ("UNSC res. 1996 (2011)", None),
    "UNOCI": ("UNSC res. 1528 (2004)", "mandate from 4 April 2004; check"),
    "UNMIL": ("UNSC res. 1509 (2003)", "authority transferred on 1 October 2003; check"),
    "UNAMSIL": ("UNSC res. 1270 (1999)", None),
    "MINURSO": ("UNSC res. 690 (1991)", None),
    "UNISFA": ("UNSC res. 1990 (2011)", None),
    "UNAMID": ("UNSC res. 1769 (2007)", None),
    "MINURCAT": ("UNSC res. 1778 (2007)", None),
    "ECOMIG": ("ECOWAS Authority decision, January 2017", "check the date"),
    "ECOMIB": ("ECOWAS Authority decision, April 2012", "check the date"),
    "ECOMICI": ("ECOWAS Authority decision, December 2002", "check the date"),
    "AFISMA": ("UNSC res. 2085 (2012)", "authorising resolution; ECOWAS-led, AU; check"),
    "MICOPAX": ("ECCAS decision, 2008", "check the date"),
    "MISCA": (
        "AU PSC communiqué of 19 July 2013; UNSC res. 2127 (2013)",
        "took over from MICOPAX on 19 December 2013; check",
    ),
    "MNJTF": (
        "AU PSC communiqué, 484th meeting (29 January 2015)",
        "a Lake Chad Basin Commission force with Benin, authorised by the African Union; check",
    ),
    "AMISOM": ("AU PSC communiqué, 69th meeting (19 January 2007)", None),
    "ATMIS": ("UNSC res. 2628 (2022)", None),
    "AUSSOM": ("UNSC res. 2767 (2024)", "check"),
}
MNJTF_AUTHORITY = ("AU", "LCBC")

# (code, name, authority, hosts, start, end, source, note)
MISSIONS: list[tuple[str, str, str, list[str], date, date | None, str, str]] = [
    (
        "ECOMOG",
        "ECOWAS Ceasefire Monitoring Group",
        "ECOWAS",
        ["LBR", "SLE", "GNB"],
        date(1990, 8, 7),
        date(2000, 5, 2),
        "ECOWAS Standing Mediation Committee decision A/DEC.1/8/90",
        "Liberia from 1990, Sierra Leone from 1997, Guinea-Bissau 1998-1999; check every date",
    ),
    (
        "ECOMIL",
        "ECOWAS Mission in Liberia",
        "ECOWAS",
        ["LBR"],
        date(2003, 7, 31),
        date(2003, 10, 1),
        "ECOWAS Authority decision, July 2003; UNSC res. 1497 (2003)",
        "became UNMIL on 1 October 2003; check the start",
    ),
    (
        "FOMUC",
        "Force multinationale en Centrafrique",
        "CEMAC",
        ["CAF"],
        date(2002, 10, 2),
        date(2008, 7, 12),
        "CEMAC summit decision, Libreville (2 October 2002)",
        "became MICOPAX; check both dates",
    ),
    (
        "MINURCA",
        "United Nations Mission in the Central African Republic",
        "UN",
        ["CAF"],
        date(1998, 4, 15),
        date(2000, 2, 15),
        "UNSC res. 1159 (1998)",
        "established by res. 1159 (27 March 1998) with effect from 15 April 1998; check",
    ),
    (
        "UNOMIL",
        "United Nations Observer Mission in Liberia",
        "UN",
        ["LBR"],
        date(1993, 9, 22),
        date(1997, 9, 30),
        "UNSC res. 866 (1993)",
        "check the end",
    ),
    (
        "UNOMSIL",
        "United Nations Observer Mission in Sierra Leone",
        "UN",
        ["SLE"],
        date(1998, 7, 13),
        date(1999, 10, 22),
        "UNSC res. 1181 (1998)",
        "became UNAMSIL",
    ),
    (
        "MINUCI",
        "United Nations Mission in Côte d'Ivoire",
        "UN",
        ["CIV"],
        date(2003, 5, 13),
        date(2004, 4, 4),
        "UNSC res. 1479 (2003)",
        "became UNOCI",
    ),
    (
        "SSMGB",
        "ECOWAS Stabilisation Support Mission in Guinea-Bissau",
        "ECOWAS",
        ["GNB"],
        date(2022, 2, 3),
        None,
        "ECOWAS Authority extraordinary summit, Accra (3 February 2022)",
        "check the start and whether it has ended",
    ),
]

embargoes_table = sa.table(
    "embargoes",
    sa.column("id", sa.String),
    sa.column("country", sa.String),
    sa.column("starts_on", sa.Date),
    sa.column("ends_on", sa.Date),
    sa.column("authority", sa.String),
    sa.column("reference", sa.String),
    sa.column("note", sa.String),
    sa.column("scope", sa.String),
    sa.column("paragraph", sa.String),
    sa.column("exemptions", sa.JSON),
    sa.column("withdrawn_at", sa.DateTime(timezone=True)),
    sa.column("withdrawal_reason", sa.String),
    sa.column("created_by", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
missions_table = sa.table(
    "missions",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("authority", sa.String),
    sa.column("host_countries", sa.JSON),
    sa.column("start_date", sa.Date),
    sa.column("end_date", sa.Date),
    sa.column("source", sa.String),
    sa.column("note", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
alerts_table = sa.table(
    "alerts",
    sa.column("id", sa.String),
    sa.column("kind", sa.String),
    sa.column("status", sa.String),
    sa.column("dedupe_key", sa.String),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
alert_events_table = sa.table(
    "alert_events",
    sa.column("alert_id", sa.String),
    sa.column("from_status", sa.String),
    sa.column("to_status", sa.String),
    sa.column("note", sa.Text),
    sa.column("actor", sa.String),
    sa.column("actor_org", sa.String),
    sa.column("at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("embargoes") as batch:
        batch.add_column(
            sa.Column("scope", sa.String(16), nullable=False, server_default="territory")
        )
        batch.add_column(sa.Column("paragraph", sa.String(64), nullable=True))
        batch.add_column(
            sa.Column("exemptions", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("withdrawal_reason", sa.String(1000), nullable=True))
        batch.create_check_constraint(
            op.f("ck_embargoes_scope"), "scope IN ('territory', 'non_state')"
        )
    # Plain ADD COLUMN, not batch mode: recreating these SQLite tables would drop triggers.
    for table in ("indexed_declarations", "declared_items"):
        op.add_column(table, sa.Column("presumed_user_kind", sa.String(24), nullable=True))
    op.add_column("missions", sa.Column("source", sa.String(255), nullable=True))
    op.add_column("missions", sa.Column("note", sa.String(1000), nullable=True))
    _correct_embargoes()
    _correct_missions()


def _correct_embargoes() -> None:
    now = datetime.now(UTC)
    t = embargoes_table
    for embargo_id, (scope, paragraph, exemptions, note) in CORRECTED.items():
        op.execute(
            t.update()
            .where(t.c.id == embargo_id)
            .values(scope=scope, paragraph=paragraph, exemptions=exemptions, note=note)
        )
    op.execute(
        t.update().where(t.c.id == MALI).values(withdrawn_at=now, withdrawal_reason=MALI_REASON)
    )
    op.bulk_insert(
        embargoes_table,
        [
            {
                "id": e[0],
                "country": e[1],
                "starts_on": e[2],
                "ends_on": e[3],
                "authority": "UN",
                "reference": e[4],
                "paragraph": e[5],
                "scope": e[6],
                "exemptions": e[7],
                "note": e[8],
                "withdrawn_at": None,
                "withdrawal_reason": None,
                "created_by": SEEDED_BY,
                "created_at": now,
            }
            for e in ADDED
        ],
    )
    # The Mali entry's alerts were false: closed, with an event saying why.
    bind = op.get_bind()
    a = alerts_table
    raised = bind.execute(
        sa.select(a.c.id, a.c.status).where(
            a.c.kind == "embargo",
            a.c.dedupe_key.like(f"embargo:%:{MALI}"),
            a.c.status.in_(("open", "acknowledged")),
        )
    ).all()
    for alert_id, status in raised:
        bind.execute(a.update().where(a.c.id == alert_id).values(status="closed", updated_at=now))
        bind.execute(
            alert_events_table.insert().values(
                alert_id=alert_id,
                from_status=status,
                to_status="closed",
                note=f"Closed: embargo entry {MALI} withdrawn. {MALI_REASON}",
                actor="registry",
                actor_org="registry",
                at=now,
            )
        )


def _correct_missions() -> None:
    t = missions_table
    for code, (source, note) in MISSION_SOURCES.items():
        op.execute(t.update().where(t.c.code == code).values(source=source, note=note))
    op.execute(t.update().where(t.c.code == "MNJTF").values(authority=MNJTF_AUTHORITY[1]))
    existing = {str(code) for code in op.get_bind().execute(sa.select(t.c.code)).scalars().all()}
    now = datetime.now(UTC)
    op.bulk_insert(
        missions_table,
        [
            {
                "code": code,
                "name": name,
                "authority": authority,
                "host_countries": hosts,
                "start_date": start,
                "end_date": end,
                "source": source,
                "note": note,
                "created_at": now,
            }
            for code, name, authority, hosts, start, end, source, note in MISSIONS
            if code not in existing  # an operator may have added one already
        ],
    )


def downgrade() -> None:
    m = missions_table
    added = [mission[0] for mission in MISSIONS]
    op.execute(m.delete().where(m.c.code.in_(added), m.c.source.is_not(None)))
    op.execute(m.update().where(m.c.code == "MNJTF").values(authority=MNJTF_AUTHORITY[0]))
    e = embargoes_table
    op.execute(e.delete().where(e.c.id.in_([row[0] for row in ADDED])))
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in (
        ("missions", "note"),
        ("missions", "source"),
        ("declared_items", "presumed_user_kind"),
        ("indexed_declarations", "presumed_user_kind"),
    ):
        if sqlite:
            # SQLite >= 3.35 drops a column in place (no table rebuild, triggers stay).
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        else:
            op.drop_column(table, column)
    with op.batch_alter_table("embargoes") as batch:
        batch.drop_constraint(op.f("ck_embargoes_scope"), type_="check")
        batch.drop_column("withdrawal_reason")
        batch.drop_column("withdrawn_at")
        batch.drop_column("exemptions")
        batch.drop_column("paragraph")
        batch.drop_column("scope")
