"""Statistics bench: a secretariat's statistics over 10 years, from the daily counts, on
PostgreSQL with ``--items`` item rows (default 1,000,000; ``BENCH_ITEMS``; issue 16 asks
for 5 million items and 100,000 declarations under 500 ms).

Fills a fresh registry database migrated to registry0019 (before the daily counts) by
COPY: 80 % of the items in manifests of about 100 items (weapons of five categories,
ammunition lots, ordnance, explosives by count and by weight), 20 % in declarations of
10 items (one declaration per 50 items: 100,000 at 5 million), over 2015-2024, twelve
contributing states (eight of ECOWAS), four missions. Then it prints:

- the item rows, and how long upgrading to registry0020 took (its backfill of the daily
  counts and totals from every item row) and the rows the four tables hold;
- p50/p95 of the statistics SQL as it was (GROUP BY over every item row) and as it is
  (sums of the daily totals, which country and year read), ECOWAS's tenancy filter and
  2015-2024 applied, grouped by country and by year (the manifests and declarations
  queries, run in one session);
- p50/p95 of ``GET /registry/v1/statistics`` through the real API (auth service and
  registry, 2 uvicorn workers) with an ECOWAS secretariat token, 2015-2024, group_by
  country and year (the daily totals) and category (the daily counts): the whole page
  (loss reports, DDR people, traced weapons included);
- the write path: POST of a 1,000-weapon manifest (median and min-max of
  ``BENCH_REPEAT``), and the daily-count upsert of such a manifest on its own.

Usage: ``python bench/registry_statistics.py [--items 5000000] [--queries 20]``
(``BENCH_STATS_QUERIES``). PostgreSQL from TEST_POSTGRES_URL, or a throwaway cluster.
Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    case,
    cast,
    create_engine,
    extract,
    func,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPEAT, header, postgres_server, spread, throwaway_databases
from capacity import answer, percentiles, reader_token
from registry_trace import services

from services.common import migrations
from services.common.security import MembershipPeriod, ReadScope
from services.registry.daily_counts.repository import add_manifest_items
from services.registry.models.handles import declared_items, manifest_items
from services.registry.statistics import repository as statistics_repository

FIRST_DAY, DAYS = date(2015, 1, 1), 3653  # 2015-2024
COUNTRIES = ("SEN", "NER", "GHA", "NGA", "BEN", "TGO", "CIV", "GIN", "TCD", "CMR", "RWA", "BDI")
MISSIONS = ("MINUSMA", "MINUSCA", "MONUSCO", "UNMISS")
CATEGORIES = ("assault_rifle", "revolver_pistol", "light_machine_gun", "rifle_carbine", "mortar")
CALIBRES = ("7.62x39mm", "5.56x45mm NATO", "9x19mm", "12.7x108mm")
MANIFEST_SIZE, DECLARATION_SIZE = 100, 10
MANIFEST_COLUMNS = (
    "manifest_id, line, kind, mission_code, contributing_country, direction, crossing_date,"
    " unit, is_correction, category, serial_number, serial_key, lot_number, calibre,"
    " quantity, ordnance_type, explosive_type, quantity_unit"
)
DECLARED_COLUMNS = (
    "declaration_id, declaration_version, item_index, declaration_type, declaring_country,"
    " mission_code, event_date, location_country, undeclared, kind, category, serial_number,"
    " serial_key, lot_number, calibre, quantity, serial_status, ordnance_type,"
    " explosive_type, quantity_unit"
)
# (kind, category, lot, ordnance_type, explosive_type, quantity, unit) by item position
MIX: tuple[tuple[Any, ...], ...] = (
    *(("weapon", c, None, None, None, 1, None) for c in CATEGORIES for _ in range(16)),
    *(("ammunition", None, "lot", None, None, 5000, None) for _ in range(12)),
    ("ordnance", None, "lot", "mortar_bomb", None, 48, None),
    ("ordnance", None, "lot", "hand_grenade", None, 24, None),
    ("explosive", None, None, None, "bulk_explosive", 25, "kg"),
    ("explosive", None, None, None, "detonator", 100, "units"),
    ("explosive", None, None, None, "bulk_explosive", 750, "g"),
    ("part", None, None, None, None, 3, None),
)
STATUSES = (None, "present", "obliterated", "partial", "none")


def _item(n: int, position: int) -> tuple[Any, ...]:
    kind, category, lot, ordnance, explosive, quantity, unit = MIX[position % len(MIX)]
    serial = f"B{n:09d}" if kind == "weapon" else None
    calibre = CALIBRES[n % len(CALIBRES)] if lot else None
    return (
        kind,
        category,
        serial,
        serial,
        f"L{n}" if lot else None,
        calibre,
        quantity,
        ordnance,
        explosive,
        unit,
    )


def fill(url: str, items: int) -> tuple[int, int]:
    """COPY the manifests and declarations; (manifests, declarations)."""
    declared = items // 5
    manifested = items - declared
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    now = datetime.now(UTC)
    manifests = (manifested + MANIFEST_SIZE - 1) // MANIFEST_SIZE
    declarations = (declared + DECLARATION_SIZE - 1) // DECLARATION_SIZE
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        headers = [
            (
                str(uuid.uuid4()),
                MISSIONS[m % 4],
                COUNTRIES[m % len(COUNTRIES)],
                FIRST_DAY + timedelta(days=m * 7919 % DAYS),
            )
            for m in range(manifests)
        ]
        with cur.copy(
            "COPY manifests (id, direction, mission_code, contributing_country, unit,"
            " crossing_date, is_correction, closes_rotation, item_count, submitted_by,"
            " created_at) FROM STDIN"
        ) as copy:
            for mid, mission, country, day in headers:
                row = (mid, "in", mission, country, "BATT", day, False, False, MANIFEST_SIZE)
                copy.write_row((*row, "bench", now))
        with cur.copy(f"COPY manifest_items ({MANIFEST_COLUMNS}) FROM STDIN") as copy:
            for n in range(manifested):
                mid, mission, country, day = headers[n // MANIFEST_SIZE]
                head = (mid, n % MANIFEST_SIZE)
                kind, *rest = _item(n, n % MANIFEST_SIZE)
                where = (mission, country, "in", day, "BATT", False)
                copy.write_row((*head, kind, *where, *rest))
        with cur.copy(f"COPY declared_items ({DECLARED_COLUMNS}) FROM STDIN") as copy:
            for n in range(declared):
                d = n // DECLARATION_SIZE
                dtype = ("seizure", "collection", "destruction")[d % 3]
                country = COUNTRIES[(d + 3) % len(COUNTRIES)]
                day = FIRST_DAY + timedelta(days=d * 104729 % DAYS)
                kind, category, serial, key, lot, calibre, quantity, ordnance, explosive, unit = (
                    _item(10**9 + n, n * 7 % len(MIX))
                )
                status = STATUSES[n % 5] if kind == "weapon" else None
                if status in ("partial", "none", "obliterated"):
                    key = None
                copy.write_row(
                    (
                        f"bench-decl-{d}",
                        1,
                        n % DECLARATION_SIZE,
                        dtype,
                        country,
                        MISSIONS[d % 4] if d % 5 else None,
                        day,
                        "MLI",
                        False,
                        kind,
                        category,
                        serial,
                        key,
                        lot,
                        calibre,
                        quantity,
                        status,
                        ordnance,
                        explosive,
                        unit,
                    )
                )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return manifests, declarations


# The statistics SQL as it was before registry0020: a GROUP BY over every item row.
def _item_row_counts(
    session: Session, table: Table, key: ColumnElement[Any], country: Any, day: Any, scope: Any
) -> list[Any]:
    unit = table.c.quantity_unit
    statement = (
        select(
            key.label("key"),
            func.count().label("records"),
            func.sum(case((unit.in_(("kg", "g")), 0), else_=table.c.quantity)),
            func.sum(
                case((unit == "g", table.c.quantity), (unit == "kg", table.c.quantity * 1000))
            ),
        )
        .where(scope.clause(country, day), day >= FIRST_DAY, day <= date(2024, 12, 31))
        .group_by(key)
        .order_by(key)
    )
    return list(session.execute(statement).all())


def old_statistics(session: Session, scope: ReadScope, group_by: str) -> None:
    mi, di = manifest_items, declared_items
    for table, country, day in (
        (mi, mi.c.contributing_country, mi.c.crossing_date),
        (di, di.c.declaring_country, di.c.event_date),
    ):
        key = country if group_by == "country" else cast(extract("year", day), String)
        _item_row_counts(session, table, key, country, day, scope)


def new_statistics(session: Session, scope: ReadScope, group_by: str) -> None:
    for query in (statistics_repository.manifest_counts, statistics_repository.declared_counts):
        query(
            session,
            group_by=group_by,
            scope=scope,
            date_from=FIRST_DAY,
            date_to=date(2024, 12, 31),
        )


def ecowas_scope(auth_url: str) -> ReadScope:
    engine = create_engine(auth_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT country, joined_on, left_on FROM community_memberships"
                    " WHERE community = 'ECOWAS'"
                )
            ).all()
    finally:
        engine.dispose()
    return ReadScope(everything=False, periods=tuple(MembershipPeriod(*r) for r in rows))


def timed_ms(run: Callable[[], object], count: int) -> list[float]:
    run()  # untimed: plan cache, buffers
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        run()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def sql_figures(url: str, scope: ReadScope, queries: int) -> None:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            for group_by in ("country", "year"):
                for name, run in (
                    ("item rows (before)", old_statistics),
                    ("daily totals", new_statistics),
                ):
                    timings = timed_ms(
                        lambda run=run, group_by=group_by: run(session, scope, group_by), queries
                    )
                    print(f"  SQL, group_by={group_by}, {name}: {percentiles(timings)}", flush=True)
    finally:
        engine.dispose()


def member_token(auth: str, workdir: Path) -> str:
    """A manifests:write token of a new client of Senegal's defence ministry."""
    with httpx.Client(base_url=auth, timeout=30) as http:
        creds = json.loads((workdir / "var" / "credentials.json").read_text())
        grant = {"grant_type": "client_credentials"}
        admin = answer(http.post("/auth/v1/token", data={**grant, **creds}))["access_token"]
        hdrs = {"Authorization": f"Bearer {admin}"}
        organisation = {"type": "member_state", "code": "SEN", "name": "Senegal"}
        created = http.post("/auth/v1/organisations", headers=hdrs, json=organisation)
        if created.status_code != 409:
            answer(created)
        body = {"organisation": "SEN", "name": "bench", "scopes": ["manifests:write"]}
        client = answer(http.post("/auth/v1/clients", headers=hdrs, json=body))
        secret = {"client_id": client["client_id"], "client_secret": client["client_secret"]}
        return str(answer(http.post("/auth/v1/token", data={**grant, **secret}))["access_token"])


def api_figures(registry: str, reader: str, writer: str, queries: int) -> str | None:
    """Prints the statistics latencies and the upload times; the last manifest's id."""
    period = "from=2015-01-01&to=2024-12-31"
    last: str | None = None
    with httpx.Client(base_url=registry, timeout=600) as http:
        headers = {"Authorization": f"Bearer {reader}"}
        for group_by in ("country", "year", "category"):
            path = f"/registry/v1/statistics?group_by={group_by}&{period}"
            answer(http.get(path, headers=headers))  # the worker's first request, untimed
            timings = []
            for _ in range(queries):
                start = time.perf_counter()
                answer(http.get(path, headers=headers))
                timings.append((time.perf_counter() - start) * 1000)
            print(
                f"  API, ECOWAS secretariat, 2015-2024, group_by={group_by}:"
                f" {percentiles(timings)} ({queries} requests)",
                flush=True,
            )
        uploads = []
        writes = {"Authorization": f"Bearer {writer}", "Content-Type": "application/json"}
        for r in range(REPEAT):
            items = [
                {
                    "kind": "weapon",
                    "category": CATEGORIES[i % 5],
                    "manufacturer": "FN Herstal",
                    "model": "FAL",
                    "calibre": "7.62x51mm NATO",
                    "serial_number": f"UP{r}-{i:06d}",
                }
                for i in range(1000)
            ]
            body = {
                "direction": "in",
                "mission": "MINUSCA",
                "contributing_country": "SEN",
                "unit": "SENBATT 9",
                "crossing_date": "2024-06-01",  # one day: every upload adds to the same counts
                "items": items,
            }
            start = time.perf_counter()
            last = str(answer(http.post("/registry/v1/manifests", json=body, headers=writes))["id"])
            uploads.append(time.perf_counter() - start)
        print(f"  API, POST of a 1,000-weapon manifest (daily counts included): {spread(uploads)}")
    return last


def upsert_figure(url: str, manifest_id: str) -> None:
    """The daily-count upsert of one 1,000-item manifest, alone (rolled back)."""
    engine = create_engine(url)
    try:
        samples = []
        for _ in range(REPEAT):
            with Session(engine) as session:
                start = time.perf_counter()
                add_manifest_items(session, [manifest_id])
                samples.append(time.perf_counter() - start)
                session.rollback()
        alone = spread([s * 1000 for s in samples], "{:.1f}", " ms")
        print(f"  the daily-count upsert of that manifest alone: {alone}")
    finally:
        engine.dispose()


def row_counts(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            counted = [
                f"{table} {conn.execute(text(f'SELECT count(*) FROM {table}')).scalar_one():,}"
                for table in (
                    "manifest_items",
                    "declared_items",
                    "manifest_item_daily_counts",
                    "declared_item_daily_counts",
                    "manifest_item_daily_totals",
                    "declared_item_daily_totals",
                )
            ]
    finally:
        engine.dispose()
    return ", ".join(counted)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=int(os.environ.get("BENCH_ITEMS", "1000000")))
    parser.add_argument(
        "--queries", type=int, default=int(os.environ.get("BENCH_STATS_QUERIES", "20"))
    )
    args = parser.parse_args()
    with postgres_server() as url:
        if url is None:
            print("[postgresql] skipped: no TEST_POSTGRES_URL and no PostgreSQL binaries")
            return
        with throwaway_databases(url, "statistics", ("auth", "registry")) as urls:
            migrations.upgrade("auth", urls["auth"])
            migrations.upgrade("registry", urls["registry"], "registry0019")
            header(
                "bench/registry_statistics.py",
                [urls["registry"]],
                scale=f"{args.items:,} items; {args.queries} requests per figure",
            )
            start = time.perf_counter()
            manifests, declarations = fill(urls["registry"], args.items)
            print(
                f"  filled {args.items:,} items ({manifests:,} manifests,"
                f" {declarations:,} declarations) in {time.perf_counter() - start:,.0f} s",
                flush=True,
            )
            start = time.perf_counter()
            migrations.upgrade("registry", urls["registry"])
            print(
                f"  upgrade to head (registry0020 backfills the daily counts):"
                f" {time.perf_counter() - start:,.1f} s; {row_counts(urls['registry'])}",
                flush=True,
            )
            with psycopg.connect(
                make_url(urls["registry"])
                .set(drivername="postgresql")
                .render_as_string(hide_password=False),
                autocommit=True,
            ) as conn:
                conn.execute("ANALYZE")
            sql_figures(urls["registry"], ecowas_scope(urls["auth"]), args.queries)
            with (
                tempfile.TemporaryDirectory(prefix="bench-statistics-") as tmp,
                services(Path(tmp), urls) as (auth, registry),
            ):
                reader = reader_token(auth, Path(tmp))
                writer = member_token(auth, Path(tmp))
                last = api_figures(registry, reader, writer, args.queries)
            if last is not None:
                upsert_figure(urls["registry"], last)
            print(f"  after the uploads: {row_counts(urls['registry'])}")


if __name__ == "__main__":
    main()
