"""The reference trail records why; MISCA's start date follows registry0012's rule.

- ``reference_changes`` gains ``reason`` (why a change was made: required by the API
  for every change to an armed group or a headstamp code; null in earlier entries and
  in additions). Plain ADD COLUMN, not batch mode: rebuilding the SQLite table would
  drop its insert-only triggers.
- registry0012 set one rule for start dates (the date the mandate began: the date from
  which the establishing resolution or decision says it runs, or its adoption date when
  it names none; a later transfer of authority is noted, not used) but left the seeded
  dates alone. Of the seeds, MISCA's (19 December 2013) is the day it took over from
  MICOPAX, a transfer of authority; its establishing decision, the AU Peace and Security
  Council's communiqué of 19 July 2013 (its recorded source), gives 19 July 2013. Moving
  a start earlier refuses no record already accepted. The change is in the reference
  trail (actor ``migration registry0028``), with the date before and after and why.

  The other seeds are left: they follow the rule (MINUSMA 25 April 2013 is res. 2100's
  adoption; MINUSCA, UNMIL, UNAMID their resolutions' adoption, not their transfers;
  MONUSCO, UNOCI, UNMISS the date their resolutions say they run from), or the
  establishing decision's date is not known to the day (ECOMIG, ECOMIB, ECOMICI and
  MICOPAX: ECOWAS and ECCAS decisions cited by month or year), which their notes mark
  "check".

Downgrading restores MISCA's start and note (appending a trail entry that says so: the
trail is insert-only) and drops ``reason``.

Revision ID: registry0028
Revises: registry0025
Create Date: 2026-12-06 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "registry0028"
down_revision: str | None = "registry0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTOR = "migration registry0028"
MISCA = "MISCA"
SEEDED_START = date(2013, 12, 19)
RULE_START = date(2013, 7, 19)
SEEDED_NOTE = "took over from MICOPAX on 19 December 2013; check"
RULE_NOTE = (
    "established by the AU PSC communiqué of 19 July 2013 (the start, by registry0012's"
    " rule); took over from MICOPAX on 19 December 2013; check whether the communiqué"
    " names a later start"
)
REASON = (
    "registry0012's rule for start dates: the date the mandate began, not a later transfer"
    " of authority (19 December 2013, from MICOPAX)"
)
UNDO_REASON = "downgrade of registry0028: the seeded start date restored"

missions = sa.table(
    "missions",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("authority", sa.String),
    sa.column("host_countries", sa.JSON),
    sa.column("start_date", sa.Date),
    sa.column("end_date", sa.Date),
    sa.column("source", sa.String),
    sa.column("note", sa.String),
)
trail = sa.table(
    "reference_changes",
    sa.column("occurred_at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String),
    sa.column("entity", sa.String),
    sa.column("key", sa.String),
    sa.column("action", sa.String),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
    sa.column("reason", sa.String),
)


def upgrade() -> None:
    op.add_column("reference_changes", sa.Column("reason", sa.String(1000), nullable=True))
    _move_misca(SEEDED_START, SEEDED_NOTE, RULE_START, RULE_NOTE, REASON)


def downgrade() -> None:
    _move_misca(RULE_START, RULE_NOTE, SEEDED_START, SEEDED_NOTE, UNDO_REASON)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite >= 3.35 drops a column in place (no table rebuild, triggers stay).
        op.execute('ALTER TABLE "reference_changes" DROP COLUMN "reason"')
    else:
        op.drop_column("reference_changes", "reason")


def _move_misca(start: date, note: str, new_start: date, new_note: str, reason: str) -> None:
    """Move MISCA from ``start`` to ``new_start`` if it still has the date this migration
    expects (an operator who corrected it by hand keeps the correction)."""
    bind = op.get_bind()
    row = (
        bind.execute(
            sa.select(missions).where(missions.c.code == MISCA, missions.c.start_date == start)
        )
        .mappings()
        .one_or_none()
    )
    if row is None:
        return
    before = _snapshot(row)
    new_note_value = new_note if row["note"] == note else row["note"]
    bind.execute(
        missions.update()
        .where(missions.c.code == MISCA)
        .values(start_date=new_start, note=new_note_value)
    )
    after = before | {"start_date": new_start.isoformat(), "note": new_note_value}
    values: dict[str, Any] = {
        "occurred_at": datetime.now(UTC),
        "actor": ACTOR,
        "entity": "mission",
        "key": MISCA,
        "action": "update",
        "before": before,
        "after": after,
        "reason": reason,
    }
    bind.execute(trail.insert().values(**values))


def _snapshot(row: Any) -> dict[str, Any]:
    return {
        "code": row["code"],
        "name": row["name"],
        "authority": row["authority"],
        "host_countries": row["host_countries"],
        "start_date": row["start_date"].isoformat(),
        "end_date": row["end_date"].isoformat() if row["end_date"] else None,
        "source": row["source"],
        "note": row["note"],
    }
