"""Armed groups, headstamp codes, incidents in the index, listed-entity embargoes.

- ``armed_groups``: code, name, aliases, active dates, ``part_of`` (the group it
  merged into), source and note. A declared presumed user (kept as declared) resolves
  through the names and aliases to a group for counting and screening. Seeded with
  the region's groups; every fact not confirmed against its source is marked "check".
- ``headstamp_codes``: a factory code as stamped on cartridge heads, the maker it
  stands for, its country and source. A declared headstamp resolves to a maker
  (ammunition linkage on calibre + maker + year when there is no lot). Seeded with a
  handful of well-known codes, each marked "check".
- Indexed declarations and their items gain the incident they name (``incident_id``;
  the declaration's also its ``incident_type`` and ``incident_presumed_user``) and the
  resolved ``armed_group``; items gain ``headstamp``, ``headstamp_maker`` and
  ``condition`` (live or fired), and an index on the ammunition signature.
- Embargoes gain the scope ``listed_entities`` (the groups in ``listed_groups``
  wherever they are: no ``country``), seeded with the ISIL (Da'esh) and Al-Qaida
  regime's arms embargo.
- The reference trail records armed groups and headstamp codes too.

Rows already indexed keep null in the new columns until their declaration is
delivered again. Downgrading drops what this adds (the trail's entries for armed
groups and headstamp codes with it: their tables are gone).

Revision ID: registry0013
Revises: registry0012
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "registry0013"
down_revision: str | None = "registry0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UN_LIST = "UN ISIL (Da'esh) and Al-Qaida Sanctions List"
DRC_LIST = "UN 1533 (DRC) Sanctions List"
CAR_PANEL = "UN Panel of Experts on the Central African Republic"
JNIM_FOUNDED = date(2017, 3, 2)
# (code, name, aliases, active_from, active_to, part_of, source, note)
GROUPS: list[tuple[str, str, list[str], date | None, date | None, str | None, str, str]] = [
    (
        "AQIM",
        "Al-Qaida in the Islamic Maghreb",
        [
            "AQIM",
            "AQMI",
            "Al-Qaïda au Maghreb islamique",
            "GSPC",
            "Groupe salafiste pour la prédication et le combat",
        ],
        date(2007, 1, 24),
        None,
        None,
        f"{UN_LIST}, QDe.014",
        "renamed from the GSPC; check dates",
    ),
    (
        "AQIM_SAHARA",
        "AQIM Sahara emirate",
        ["Sahara emirate", "Émirat du Sahara", "Imarat al-Sahra"],
        None,
        JNIM_FOUNDED,
        "JNIM",
        "MINUSMA and Panel of Experts reporting",
        "AQIM's Saharan branch, part of JNIM from its founding; check",
    ),
    (
        "ANSAR_DINE",
        "Ansar Dine",
        ["Ansar Eddine", "Ansar al-Dine", "Ançar Dine"],
        date(2011, 12, 1),
        JNIM_FOUNDED,
        "JNIM",
        f"{UN_LIST}, QDe.135",
        "founding date: check",
    ),
    (
        "AL_MOURABITOUN",
        "Al-Mourabitoun",
        ["Al Mourabitoun", "Al-Murabitun", "Al-Mourabitoune"],
        date(2013, 8, 22),
        JNIM_FOUNDED,
        "JNIM",
        f"{UN_LIST}, QDe.141",
        "dates: check",
    ),
    (
        "KATIBAT_MACINA",
        "Katibat Macina",
        [
            "Katibat Massina",
            "Katiba Macina",
            "Katiba Massina",
            "Front de libération du Macina",
            "Macina Liberation Front",
            "FLM",
        ],
        date(2015, 1, 1),
        JNIM_FOUNDED,
        "JNIM",
        "Small Arms Survey briefing paper on peace operations (central Mali)",
        "al-Qaeda-affiliated; part of JNIM from 2017; founding date: check",
    ),
    (
        "JNIM",
        "Jama'at Nusrat al-Islam wal-Muslimin",
        [
            "JNIM",
            "GSIM",
            "Groupe de soutien à l'islam et aux musulmans",
            "Jamaat Nusrat al-Islam wal-Muslimin",
            "Nusrat al-Islam",
        ],
        JNIM_FOUNDED,
        None,
        None,
        f"{UN_LIST}, QDe.159",
        "listed in 2018 as associated with AQIM; check the entry and date",
    ),
    (
        "ISGS",
        "Islamic State in the Greater Sahara",
        [
            "ISGS",
            "EIGS",
            "État islamique dans le Grand Sahara",
            "Islamic State Sahel Province",
            "ISSP",
        ],
        date(2015, 5, 15),
        None,
        None,
        f"{UN_LIST} (check the entry)",
        "dates: check",
    ),
    (
        "BOKO_HARAM",
        "Jama'atu Ahlis Sunna Lidda'awati wal-Jihad (Boko Haram)",
        ["Boko Haram", "JAS", "Jama'atu Ahlis Sunna Lidda'awati wal-Jihad"],
        date(2002, 1, 1),
        None,
        None,
        f"{UN_LIST}, QDe.138",
        "founding year: check",
    ),
    (
        "ISWAP",
        "Islamic State West Africa Province",
        ["ISWAP", "ISWA", "État islamique en Afrique de l'Ouest"],
        date(2015, 3, 7),
        None,
        None,
        f"{UN_LIST} (check the entry)",
        "pledge to ISIL in March 2015, split from Boko Haram in 2016; check",
    ),
    (
        "EX_SELEKA",
        "ex-Séléka",
        ["ex-Seleka", "Séléka", "Seleka"],
        date(2012, 8, 1),
        None,
        None,
        CAR_PANEL,
        "coalition dissolved in 2013; factions; check",
    ),
    (
        "ANTI_BALAKA",
        "anti-balaka",
        ["anti balaka", "antibalaka"],
        date(2013, 9, 1),
        None,
        None,
        CAR_PANEL,
        "dates: check",
    ),
    (
        "CODECO",
        "Coopérative pour le développement du Congo (CODECO)",
        ["CODECO"],
        date(2017, 12, 1),
        None,
        None,
        "UN Group of Experts on the DRC",
        "dates: check",
    ),
    (
        "M23",
        "Mouvement du 23 mars (M23)",
        ["M23", "Mouvement du 23-Mars", "March 23 Movement", "ARC/M23"],
        date(2012, 4, 4),
        None,
        None,
        f"{DRC_LIST} (check the entry)",
        "dates: check",
    ),
    (
        "ADF",
        "Allied Democratic Forces",
        ["ADF", "ADF-NALU", "Forces démocratiques alliées"],
        date(1995, 1, 1),
        None,
        None,
        f"{DRC_LIST}, CDe.001 (check)",
        "dates: check",
    ),
]
HEADSTAMP_SOURCE = "Small Arms Survey, The Ammunition Tracing Kit (2014), headstamp tables"
# (code, maker, country)
HEADSTAMPS: list[tuple[str, str, str]] = [
    ("539", "Tula Cartridge Works", "RUS"),
    ("711", "Klimovsk Specialized Ammunition Plant", "RUS"),
    ("17", "Barnaul Cartridge Plant", "RUS"),
    ("3", "Ulyanovsk Machinery Plant", "RUS"),
    ("188", "Novosibirsk Low-Voltage Equipment Plant", "RUS"),
    ("270", "Lugansk Cartridge Works", "UKR"),
    ("61", "State Factory 61", "CHN"),
    ("71", "State Factory 71", "CHN"),
    ("10", "Arsenal (Kazanlak)", "BGR"),
]
SEEDED_BY = "migration registry0013"
LISTED = "seed-isil-aq-2002"
LISTED_GROUPS = ["AQIM", "ANSAR_DINE", "AL_MOURABITOUN", "JNIM", "ISGS", "BOKO_HARAM", "ISWAP"]

NEW_ENTITIES = ("armed_group", "headstamp")
OLD_ENTITY_CHECK = "entity IN ('mission', 'embargo')"
NEW_ENTITY_CHECK = "entity IN ('mission', 'embargo', 'armed_group', 'headstamp')"
OLD_SCOPE_CHECK = "scope IN ('territory', 'non_state')"
NEW_SCOPE_CHECK = "scope IN ('territory', 'non_state', 'listed_entities')"
TRAIL = "reference_changes"

# (table, column, length)
INDEX_COLUMNS = (
    ("indexed_declarations", "incident_id", 36),
    ("indexed_declarations", "incident_type", 32),
    ("indexed_declarations", "incident_presumed_user", 255),
    ("indexed_declarations", "armed_group", 32),
    ("declared_items", "headstamp", 200),
    ("declared_items", "headstamp_maker", 255),
    ("declared_items", "condition", 8),
    ("declared_items", "incident_id", 36),
    ("declared_items", "armed_group", 32),
)


def upgrade() -> None:
    op.create_table(
        "armed_groups",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("active_from", sa.Date(), nullable=True),
        sa.Column("active_to", sa.Date(), nullable=True),
        sa.Column("part_of", sa.String(32), nullable=True),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("note", sa.String(1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_armed_groups")),
    )
    op.create_table(
        "headstamp_codes",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("maker", sa.String(255), nullable=False),
        sa.Column("country", sa.String(3), nullable=True),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("note", sa.String(1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_headstamp_codes")),
    )
    # Plain ADD COLUMN, not batch mode: recreating these SQLite tables would drop triggers.
    for table, column, length in INDEX_COLUMNS:
        op.add_column(table, sa.Column(column, sa.String(length), nullable=True))
    op.create_index(
        "ix_declared_items_ammunition_signature",
        "declared_items",
        ["calibre_key", "manufacturer_key", "year_of_manufacture"],
    )
    with op.batch_alter_table("embargoes") as batch:
        batch.add_column(
            sa.Column("listed_groups", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch.alter_column("country", existing_type=sa.String(3), nullable=True)
        batch.drop_constraint(op.f("ck_embargoes_scope"), type_="check")
        batch.create_check_constraint(op.f("ck_embargoes_scope"), NEW_SCOPE_CHECK)
    _replace_entity_check(NEW_ENTITY_CHECK)
    _seed()


def _replace_entity_check(check: str) -> None:
    name = op.f("ck_reference_changes_entity")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(name, TRAIL, type_="check")
        op.create_check_constraint(name, TRAIL, check)
        return
    # SQLite rebuilds the table to change a CHECK, which drops its triggers: recreate them.
    with op.batch_alter_table(TRAIL, recreate="always") as batch:
        batch.drop_constraint(name, type_="check")
        batch.create_check_constraint(name, check)
    for action in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS {TRAIL}_no_{action.lower()}")
        op.execute(
            f"CREATE TRIGGER {TRAIL}_no_{action.lower()} BEFORE {action} ON {TRAIL}"
            f" BEGIN SELECT RAISE(ABORT, 'the reference trail is insert-only: {action} on"
            f" {TRAIL} refused'); END"
        )


def _seed() -> None:
    now = datetime.now(UTC)
    groups = sa.table(
        "armed_groups",
        *(sa.column(c) for c in ("code", "name", "active_from", "active_to", "part_of")),
        sa.column("aliases", sa.JSON),
        *(sa.column(c) for c in ("source", "note", "created_at")),
    )
    op.bulk_insert(
        groups,
        [
            {
                "code": code,
                "name": name,
                "aliases": aliases,
                "active_from": active_from,
                "active_to": active_to,
                "part_of": part_of,
                "source": source,
                "note": note,
                "created_at": now,
            }
            for code, name, aliases, active_from, active_to, part_of, source, note in GROUPS
        ],
    )
    stamps = sa.table(
        "headstamp_codes",
        *(sa.column(c) for c in ("code", "maker", "country", "source", "note", "created_at")),
    )
    op.bulk_insert(
        stamps,
        [
            {
                "code": code,
                "maker": maker,
                "country": country,
                "source": HEADSTAMP_SOURCE,
                "note": "check",
                "created_at": now,
            }
            for code, maker, country in HEADSTAMPS
        ],
    )
    embargoes = sa.table(
        "embargoes",
        *(
            sa.column(c)
            for c in (
                "id",
                "country",
                "starts_on",
                "ends_on",
                "authority",
                "reference",
                "paragraph",
                "scope",
                "note",
                "created_by",
                "created_at",
            )
        ),
        sa.column("exemptions", sa.JSON),
        sa.column("listed_groups", sa.JSON),
    )
    op.bulk_insert(
        embargoes,
        [
            {
                "id": LISTED,
                "country": None,
                "starts_on": date(2002, 1, 16),
                "ends_on": None,
                "authority": "UN",
                "reference": "UNSC res. 1390 (2002); most recently res. 2734 (2024)",
                "paragraph": "para. 2 (c) (check)",
                "scope": "listed_entities",
                "note": "ISIL (Da'esh) and Al-Qaida regime: listed groups wherever they are."
                " JNIM is listed via its AQIM affiliation (check); ISGS and ISWAP: check"
                " their entries",
                "exemptions": [],
                "listed_groups": LISTED_GROUPS,
                "created_by": SEEDED_BY,
                "created_at": now,
            }
        ],
    )


def downgrade() -> None:
    bind = op.get_bind()
    e = sa.table("embargoes", sa.column("id"), sa.column("scope"))
    op.execute(e.delete().where(e.c.scope == "listed_entities"))
    # The trail's entries for armed groups and headstamp codes go with their tables; the
    # insert-only triggers step aside for that one statement.
    entities = ", ".join(f"'{entity}'" for entity in NEW_ENTITIES)
    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {TRAIL} DISABLE TRIGGER {TRAIL}_insert_only")
        op.execute(f"DELETE FROM {TRAIL} WHERE entity IN ({entities})")
        op.execute(f"ALTER TABLE {TRAIL} ENABLE TRIGGER {TRAIL}_insert_only")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TRAIL}_no_delete")
        op.execute(f"DELETE FROM {TRAIL} WHERE entity IN ({entities})")
    _replace_entity_check(OLD_ENTITY_CHECK)
    with op.batch_alter_table("embargoes") as batch:
        batch.drop_constraint(op.f("ck_embargoes_scope"), type_="check")
        batch.create_check_constraint(op.f("ck_embargoes_scope"), OLD_SCOPE_CHECK)
        batch.alter_column("country", existing_type=sa.String(3), nullable=False)
        batch.drop_column("listed_groups")
    op.drop_index("ix_declared_items_ammunition_signature", table_name="declared_items")
    for table, column, _ in reversed(INDEX_COLUMNS):
        if bind.dialect.name == "sqlite":
            # SQLite >= 3.35 drops a column in place (no table rebuild, triggers stay).
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        else:
            op.drop_column(table, column)
    op.drop_table("headstamp_codes")
    op.drop_table("armed_groups")
