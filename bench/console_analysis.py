"""Console analysis bench: the trace page, the statistics page and the map of a
secretariat's analyst, on PostgreSQL holding millions of indexed items.

Fills fresh, migrated auth, registry and declarations databases: the registry with
``BENCH_ITEMS`` item rows (default 5,000,000: 80 % manifest items of 1,000-item
manifests, 20 % declared items spread over ``BENCH_DECLARATIONS`` indexed declarations,
default 100,000, each with a place and its coordinates), dated over the last
``BENCH_YEARS`` years (default 10) in four missions and ten states (seven of them ECOWAS
members), with ``bench/registry_trace.py``'s ``generate`` (COPY into the real schema,
keys computed by the registry's own functions, the serial neighbourhood index filled with
its ``neighbour_rows``); the registry is migrated to registry0019 first and then to head,
so registry0020's own backfill fills the daily counts the statistics read.

Then runs the register with its console (``regctl serve all``, one process) with
``CONSOLE_TIMING_HEADER=true``; the operator creates the ECOWAS Commission and invites an
analyst, who enrols (password, pyotp code) and signs in to the console as a browser does
(``bench/console_pages.py``'s helpers). Signed in as that analyst, one page at a time,
``BENCH_ANALYSIS_QUERIES`` requests per figure (default 40; statistics and the map a
quarter of it, at least ``BENCH_REPEAT``), after one untimed request of each kind:

- the trace page for serials as declared (exact), with look-alike letters (O for 0,
  I for 1) and partial with wildcards: the first characters obliterated (``*0012345``),
  one in the middle (``56-00?2345``), the first ones and one near the end (``*0123?5``);
- the statistics page over the ``BENCH_YEARS`` years, for each grouping the page offers;
- the map page for the last year (``?year=``, the time slider's view; and the same year
  as a date range), with the size of the HTML the browser downloads, raw and gzipped
  (level 6, as a reverse proxy compresses it: the console itself does not).

Prints p50 and p95 of the server's time (``Server-Timing: total``, the console's time and
its API calls), the median of its API calls' time (``api``) and of the wall time, with the
issue's targets beside them, and how many records or points each page showed (a page
that found nothing is fast). The machine is shared: the header line says how big it is.

A check of the script (under a minute): ``BENCH_ONLY=console_analysis BENCH_REPEAT=2
BENCH_ITEMS=20000 BENCH_DECLARATIONS=400 BENCH_ANALYSIS_QUERIES=8
PG_EXTRA_OPTIONS="-c shared_buffers=256MB" make bench``. Figures only.
"""

from __future__ import annotations

import gzip
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    REPEAT,
    free_port,
    header,
    postgres_server,
    start_sqlite_register,
    throwaway_databases,
)
from auth_signin import enrol
from console_pages import COOKIE, admin_headers, console_sign_in, p95, server_timing
from registry_trace import generate

from services.common import migrations
from services.console.statistics.service import GROUPINGS

ITEMS = int(os.environ.get("BENCH_ITEMS", "5000000"))
DECLARATIONS = int(os.environ.get("BENCH_DECLARATIONS", "100000"))
YEARS = int(os.environ.get("BENCH_YEARS", "10"))
QUERIES = int(os.environ.get("BENCH_ANALYSIS_QUERIES", "40"))
# The targets (issue 16, "Analysis", performance).
TRACE_MS, STATISTICS_MS, MAP_MS, MAP_BYTES = 150.0, 500.0, 300.0, 500_000
LOOK_ALIKES = str.maketrans({"0": "O", "1": "I"})


@dataclass
class Figure:
    """One measured page: server and wall times (ms), sizes of the bodies (bytes)."""

    label: str
    target: str
    server: list[float] = field(default_factory=list)
    api: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    raw: list[int] = field(default_factory=list)
    gzipped: list[int] = field(default_factory=list)
    found: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def last_years() -> tuple[date, date]:
    """The first and last day of the ``YEARS`` whole years before this one."""
    this_year = datetime.now(UTC).year
    return date(this_year - YEARS, 1, 1), date(this_year - 1, 12, 31)


def analyst(base: str, work: Path) -> str:
    """The console cookie of an ECOWAS analyst, enrolled and signed in as a person is."""
    admin = admin_headers(base, work)
    organisation = {"type": "secretariat", "code": "ECOWAS", "name": "ECOWAS Commission"}
    created = httpx.post(f"{base}/auth/v1/organisations", json=organisation, headers=admin)
    if created.status_code != 409:  # 409: already there
        created.raise_for_status()
    email = "analyst@ecowas.bench.test"
    person = {"organisation": "ECOWAS", "email": email, "name": "Analyst", "role": "analyst"}
    invited = httpx.post(f"{base}/auth/v1/people", json=person, headers=admin, timeout=60)
    invited.raise_for_status()
    key = enrol(base, invited.json()["enrolment_url"])
    return console_sign_in(base, email, "ECOWAS", key).cookie


def timed(http: httpx.Client, figure: Figure, path: str, *, expect: str = "") -> None:
    """One request of ``path``: its times and sizes into ``figure``, or a failure."""
    started = time.perf_counter()
    try:
        response = http.get(path)
    except httpx.HTTPError as error:
        figure.failures.append(f"{path}: {error!r}")
        return
    wall = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or (expect and expect not in response.text):
        figure.failures.append(f"{path}: {response.status_code} {response.text[:200]!r}")
        return
    timing = server_timing(response.headers.get("server-timing", ""))
    if timing is None:
        figure.failures.append(f"{path}: no Server-Timing header")
        return
    figure.api.append(timing[0])
    figure.server.append(timing[1])
    figure.wall.append(wall)
    figure.raw.append(len(response.content))
    figure.gzipped.append(len(gzip.compress(response.content, compresslevel=6)))
    # What the page shows: a trace's records, the map's points (an empty page is fast).
    figure.found.append(
        response.text.count('class="timeline__item') + response.text.count('class="map__point"')
    )


def measure(http: httpx.Client, figure: Figure, paths: list[str], *, expect: str = "") -> Figure:
    timed(http, Figure("warm-up", ""), paths[0])  # untimed: the first of its kind
    for path in paths:
        timed(http, figure, path, expect=expect)
    return figure


def trace_paths(sample: list[str], rng: random.Random) -> dict[str, list[str]]:
    """Serials as declared, with look-alike letters, and partial with wildcards."""
    chosen = rng.sample(sample, min(QUERIES, len(sample)))
    kinds = {
        "exact": chosen,
        "look-alike letters": [s.translate(LOOK_ALIKES) for s in chosen],
        # Obliterated characters: the first ones (the end legible), one in the middle,
        # and the first ones and one near the end (no legible end to read a range of).
        "partial, *0012345": ["*" + s[-7:] for s in chosen],
        "partial, 56-00?2345": [s[:5] + "?" + s[6:] for s in chosen],
        "partial, *0123?5": [f"*{s[-6:-2]}?{s[-1]}" for s in chosen],
    }
    return {
        kind: [f"/console/trace?{httpx.QueryParams(serial_number=s)}" for s in serials]
        for kind, serials in kinds.items()
    }


def ms(samples: list[float], quantile: str) -> str:
    if not samples:
        return "-"
    value = statistics.median(samples) if quantile == "p50" else p95(samples)
    return f"{value:,.0f} ms"


def table(figures: list[Figure]) -> None:
    print(
        f"  {'page':<44} {'n':>4} {'server p50':>11} {'server p95':>11} {'API p50':>9}"
        f" {'wall p50':>10}"
        f" {'wall p95':>10} {'gzip':>9}  target"
    )
    for f in figures:
        size = f"{statistics.median(f.gzipped) / 1000:,.0f} kB" if f.gzipped else "-"
        print(
            f"  {f.label:<44} {len(f.server):>4} {ms(f.server, 'p50'):>11}"
            f" {ms(f.server, 'p95'):>11} {ms(f.api, 'p50'):>9} {ms(f.wall, 'p50'):>10}"
            f" {ms(f.wall, 'p95'):>10}"
            f" {size:>9}  {f.target}"
        )
        if f.raw:
            raw = statistics.median(f.raw)
            shown = statistics.median(f.found)
            what = "records" if f.label.startswith("trace") else "points"
            count = f"; median {shown:,.0f} {what} shown" if not f.label.startswith("stat") else ""
            print(f"  {'':<44} (HTML {raw / 1000:,.0f} kB uncompressed{count})")
        for failure in f.failures[:3]:
            print(f"    failed ({len(f.failures)} in all): {failure}")


def pages(base: str, cookie: str, sample: list[str]) -> None:
    rng = random.Random(16)
    first, last = last_years()
    span = {"date_from": first.isoformat(), "date_to": last.isoformat()}
    few = max(REPEAT, QUERIES // 4)
    figures = []
    with httpx.Client(base_url=base, cookies={COOKIE: cookie}, timeout=120) as http:
        for kind, paths in trace_paths(sample, rng).items():
            figure = Figure(f"trace, {kind}", f"p95 server < {TRACE_MS:.0f} ms")
            figures.append(measure(http, figure, paths))
        for group_by in GROUPINGS:
            query = httpx.QueryParams({"group_by": group_by, **span})
            figure = Figure(
                f"statistics, {YEARS} years, by {group_by}", f"server < {STATISTICS_MS:.0f} ms"
            )
            figures.append(measure(http, figure, [f"/console/statistics?{query}"] * few))
        year = last.year
        one_year = httpx.QueryParams(date_from=f"{year}-01-01", date_to=f"{year}-12-31")
        for label, path in (
            (f"map, ?year={year}", f"/console/statistics/map?year={year}"),
            (f"map, {year} as a date range", f"/console/statistics/map?{one_year}"),
        ):
            target = f"server < {MAP_MS:.0f} ms, < {MAP_BYTES // 1000} kB gzip"
            figures.append(measure(http, Figure(label, target), [path] * few, expect="map__"))
    table(figures)


def main() -> None:
    first, _ = last_years()
    span_days = (date(first.year + YEARS, 1, 1) - first).days
    with postgres_server() as url:
        if url is None:
            print("[postgresql] skipped: no TEST_POSTGRES_URL and no PostgreSQL binaries")
            return
        with throwaway_databases(url, "analysis", ("auth", "registry", "declarations")) as urls:
            header(
                "bench/console_analysis.py",
                [urls["registry"]],
                scale=f"{ITEMS:,} indexed items, {DECLARATIONS:,} declarations over {YEARS}"
                f" years from {first}; {QUERIES} traces per kind; regctl serve all (one process)",
            )
            migrations.upgrade("auth", urls["auth"])
            migrations.upgrade("declarations", urls["declarations"])
            migrations.upgrade("registry", urls["registry"], "registry0019")
            sample = generate(
                urls["registry"],
                ITEMS,
                random.Random(6),
                declarations=DECLARATIONS,
                since=first,
                span_days=span_days,
            )
            started = time.perf_counter()
            migrations.upgrade("registry", urls["registry"])
            print(
                f"  upgrade to head (daily counts backfilled):"
                f" {time.perf_counter() - started:.0f} s"
            )
            with tempfile.TemporaryDirectory(
                prefix="bench-analysis-", ignore_cleanup_errors=True
            ) as tmp:
                run(Path(tmp), urls, sample)


def run(work: Path, urls: dict[str, str], sample: list[str]) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "AUTH_PUBLIC_URL": base,
        "CONSOLE_PUBLIC_URL": base,
        "CONSOLE_TIMING_HEADER": "true",
        "CONSOLE_LOG_LEVEL": "WARNING",
        **{f"{service.upper()}_DATABASE_URL": url for service, url in urls.items()},
    }
    server = start_sqlite_register(work, port, env=env)
    try:
        pages(base, analyst(base, work), sample)
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
