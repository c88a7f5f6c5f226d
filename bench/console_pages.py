"""Console bench: 50 signed-in people browsing the console's pages and uploading at once.

Runs the real register with its console (``regctl serve all``, one process) on SQLite
files, the embedded default (unless BENCH_SQLITE=0), then on PostgreSQL when
``TEST_POSTGRES_URL`` is set or a throwaway cluster can be started, with
``CONSOLE_TIMING_HEADER=true`` so each page says in ``Server-Timing`` how long it
waited for the APIs (``api``) and took in all (``total``).

Setup, through the real code as people use it: the operator creates organisations and
invites ``BENCH_CONSOLE_PEOPLE`` editors (default 50) spread over them; each completes
the enrolment page (password and a pyotp code), then signs in as a browser does (the
console sends them to auth's pages, the password form, the code form, the callback)
and keeps the console's session cookie.

Figures, each over ``BENCH_REPEAT`` repetitions:

- uploads: every person uploads a ``BENCH_CONSOLE_ROWS``-row CSV (default 1,000) through
  the upload form, ``BENCH_CONSOLE_UPLOADERS`` at once (default 10); p50/p95 of the
  POST as the browser waits for it, and of the console's own overhead;
- pages: the open-loop load generator (bench/_loadgen.py) offers ``BENCH_CONSOLE_RATE``
  pages/s (default 10: a page every 5 s per person) for ``BENCH_CONSOLE_SECONDS``
  (default 20) over one connection per person, each person's requests carrying their own cookie and
  cycling through the pages (home, manifests list, their manifest's detail, the upload
  form, the CSV template); per page p50/p95 of the time from when the request was due
  to its answer (queueing included), the server's ``total`` and the console's own
  overhead (``total - api``). The issue's target: p95 under 200 ms for every page.

Anything not answered as expected counts as failed and is printed. Figures only.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import random
import re
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pyotp
from _common import REPEAT, free_port, header, postgres_server, spread, start_sqlite_register
from _loadgen import build_requests, run_load
from auth_signin import PASSWORD, enrol, hidden_fields
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PEOPLE = int(os.environ.get("BENCH_CONSOLE_PEOPLE", "50"))
# A page every 5 s per person: people reading what they opened, not a crawler.
RATE = float(os.environ.get("BENCH_CONSOLE_RATE", "10"))
SECONDS = float(os.environ.get("BENCH_CONSOLE_SECONDS", "20"))
ROWS = int(os.environ.get("BENCH_CONSOLE_ROWS", "1000"))
UPLOADERS = int(os.environ.get("BENCH_CONSOLE_UPLOADERS", "10"))
ORGANISATIONS = (("SEN", "Senegal"), ("GHA", "Ghana"), ("NGA", "Nigeria"), ("BEN", "Benin"))
COOKIE = "console"  # the session cookie's name over plain HTTP
TARGET_MS = 200.0
TIMING = re.compile(r"api;dur=([0-9.]+).*total;dur=([0-9.]+)")
CSV_HEADER = "Nature;Catégorie;Fabricant;Modèle;Calibre;Numéro de série;Année de fabrication\n"


@dataclass(frozen=True)
class Person:
    """An enrolled, signed-in editor and what the console gave them."""

    email: str
    organisation: str
    cookie: str


def server_timing(value: str) -> tuple[float, float] | None:
    """(api ms, total ms) of a ``Server-Timing`` value, None when absent."""
    found = TIMING.search(value)
    return (float(found[1]), float(found[2])) if found else None


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def admin_headers(base: str, work: Path) -> dict[str, str]:
    operator = json.loads((work / "credentials.json").read_text())
    form = {
        "grant_type": "client_credentials",
        "client_id": operator["client_id"],
        "client_secret": operator["client_secret"],
    }
    token = httpx.post(f"{base}/auth/v1/token", data=form, timeout=60).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def invite_and_enrol(base: str, admin: dict[str, str], n: int) -> tuple[str, str, str]:
    """Invite person ``n`` as an editor and complete their enrolment page."""
    organisation = ORGANISATIONS[n % len(ORGANISATIONS)][0]
    email = f"editor{n}@{organisation.lower()}.bench.test"
    invited = httpx.post(
        f"{base}/auth/v1/people",
        json={
            "organisation": organisation,
            "email": email,
            "name": f"Editor {n}",
            "role": "editor",
        },
        headers=admin,
        timeout=60,
    )
    invited.raise_for_status()
    return email, organisation, enrol(base, invited.json()["enrolment_url"])


def console_sign_in(base: str, email: str, organisation: str, key: str) -> Person:
    """Open the console, sign in on auth's pages, come back: the console's cookie."""
    with httpx.Client(base_url=base, timeout=60, follow_redirects=True) as browser:
        page = browser.get("/console/")  # -> /console/signin -> auth's sign-in page
        if "/auth/authorize" not in str(page.url):
            raise RuntimeError(f"the console did not send {email} to sign in: {page.url}")
        form = {**hidden_fields(html.unescape(page.text)), "email": email, "password": PASSWORD}
        second = browser.post("/auth/authorize", data=form)
        second.raise_for_status()
        # The next time step's code: enrolment used this step's, and a code is used once.
        code = pyotp.TOTP(key).at(datetime.now(UTC) + timedelta(seconds=30))
        fields = {**hidden_fields(html.unescape(second.text)), "code": code, "recovery_code": ""}
        done = browser.post("/auth/authorize/verify", data=fields, follow_redirects=False)
        if done.status_code != 303:
            raise RuntimeError(f"sign-in refused for {email}: {done.status_code}")
        landed = browser.get(done.headers["location"])  # the callback, then the home page
        cookie = browser.cookies.get(COOKIE)
        if landed.status_code != 200 or landed.url.path != "/console/" or not cookie:
            raise RuntimeError(f"{email} did not land on the console: {landed.status_code}")
        return Person(email, organisation, cookie)


def manifest_csv(rows: int, prefix: str) -> bytes:
    lines = (
        f"arme;assault_rifle;Kalashnikov Concern;AK-103;7.62x39mm;{prefix}-{n:06d};2015\n"
        for n in range(rows)
    )
    return (CSV_HEADER + "".join(lines)).encode("utf-8")


async def upload_all(
    base: str, people: list[Person], repetition: int
) -> tuple[list[float], list[float], dict[str, str], list[str]]:
    """Each person uploads one manifest through the form, ``UPLOADERS`` at once: the
    POSTs' latencies and overheads (ms), each person's manifest id, and failures."""
    gate = asyncio.Semaphore(UPLOADERS)
    latencies: list[float] = []
    overheads: list[float] = []
    stored: dict[str, str] = {}
    failures: list[str] = []

    async def one(n: int, person: Person) -> None:
        content = manifest_csv(ROWS, f"R{repetition}P{n:03d}")
        async with (
            gate,
            httpx.AsyncClient(base_url=base, timeout=300, cookies={COOKIE: person.cookie}) as web,
        ):
            form_page = await web.get("/console/manifests/upload")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', form_page.text)
            key = re.search(r'name="upload_key" value="([^"]+)"', form_page.text)
            if form_page.status_code != 200 or csrf is None or key is None:
                failures.append(f"upload form for {person.email}: {form_page.status_code}")
                return
            fields = {
                "csrf_token": csrf[1],
                "upload_key": key[1],
                "mission": "MINUSCA",
                "contributing_country": person.organisation,
                "direction": "in",
                "unit": f"BATT {n}",
                "crossing_date": "2026-03-12",
                "crossing_point": "Garoua-Boulaï",
            }
            started = time.perf_counter()
            answer = await web.post(
                "/console/manifests/upload",
                data=fields,
                files={"file": ("manifeste.csv", content, "text/csv")},
            )
            elapsed = (time.perf_counter() - started) * 1000
        location = answer.headers.get("location", "")
        if answer.status_code != 303 or "?stored=1" not in location:
            failures.append(f"upload by {person.email}: {answer.status_code}")
            return
        latencies.append(elapsed)
        timing = server_timing(answer.headers.get("server-timing", ""))
        if timing is not None:
            overheads.append(timing[1] - timing[0])
        stored[person.email] = location.split("?", 1)[0].rsplit("/", 1)[1]

    await asyncio.gather(*(one(n, person) for n, person in enumerate(people)))
    return latencies, overheads, stored, failures


def page_paths(manifest_id: str) -> dict[str, str]:
    return {
        "home": "/console/",
        "manifests list": "/console/manifests",
        "manifest detail": f"/console/manifests/{manifest_id}",
        "upload form": "/console/manifests/upload",
        "CSV template": "/console/manifests/template.csv",
    }


def measure(label: str, base: str, work: Path) -> None:
    """Enrol and sign in the people, then the uploads and the pages, REPEAT times."""
    admin = admin_headers(base, work)
    for code, name in ORGANISATIONS:
        body = {"type": "member_state", "code": code, "name": name}
        httpx.post(f"{base}/auth/v1/organisations", json=body, headers=admin, timeout=60)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        enrolled = list(pool.map(lambda n: invite_and_enrol(base, admin, n), range(PEOPLE)))
        people = list(pool.map(lambda e: console_sign_in(base, *e), enrolled))
    print(
        f"[{label}] {len(people)} editors in {len(ORGANISATIONS)} organisations enrolled and"
        f" signed in to the console in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    upload_p50: list[float] = []
    upload_p95: list[float] = []
    upload_overhead: list[float] = []
    pages: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    problems: list[str] = []
    for repetition in range(REPEAT):
        latencies, overheads, stored, failures = asyncio.run(upload_all(base, people, repetition))
        problems += failures
        if latencies:
            upload_p50.append(statistics.median(latencies))
            upload_p95.append(p95(latencies))
        if overheads:
            upload_overhead.append(p95(overheads))
        # One request per (person, page), shuffled so consecutive requests mix both.
        plan = [
            (person, page, path)
            for person in people
            if person.email in stored
            for page, path in page_paths(stored[person.email]).items()
        ]
        random.Random(repetition).shuffle(plan)
        requests = [
            build_requests(base, [path], {"Cookie": f"{COOKIE}={person.cookie}"})[0]
            for person, _page, path in plan
        ]
        result = run_load(
            base,
            requests,
            rate=RATE,
            seconds=SECONDS,
            connections=len(people),
            drain_seconds=10.0,
            collect_header="server-timing",
        )
        if result.failed:
            problems.append(result.line(f"pages, repetition {repetition + 1}"))
        per_page: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for index, latency, value in result.samples:
            figures = per_page[plan[index][1]]
            figures["latency"].append(latency)
            timing = server_timing(value)
            if timing is not None:
                figures["total"].append(timing[1])
                figures["overhead"].append(timing[1] - timing[0])
        for page, figures in per_page.items():
            pages[page]["p50"].append(statistics.median(figures["latency"]))
            pages[page]["p95"].append(p95(figures["latency"]))
            if figures["total"]:
                pages[page]["server p95"].append(p95(figures["total"]))
                pages[page]["overhead p50"].append(statistics.median(figures["overhead"]))
                pages[page]["overhead p95"].append(p95(figures["overhead"]))
    ms = {"fmt": "{:.0f}", "unit": " ms"}
    print(
        f"[{label}] upload of a {ROWS:,}-row CSV ({UPLOADERS} at once, {len(people)} per"
        f" repetition): p50 {spread(upload_p50, **ms)}; p95 {spread(upload_p95, **ms)};"
        f" console's own overhead p95 {spread(upload_overhead, **ms)}"
    )
    print(
        f"[{label}] pages under {len(people)} people at once, {RATE:,.0f} pages/s offered for"
        f" {SECONDS:.0f} s (latency from when each request was due; target p95 < {TARGET_MS:.0f}"
        " ms):"
    )
    for page in page_paths("x"):
        figures = pages.get(page, {})
        worst = max(figures.get("p95", [float("inf")]))
        verdict = "within target" if worst < TARGET_MS else "OVER TARGET"
        print(
            f"  {page}: p50 {spread(figures.get('p50', []), **ms)};"
            f" p95 {spread(figures.get('p95', []), **ms)} ({verdict});"
            f" server total p95 {spread(figures.get('server p95', []), **ms)};"
            f" console's own overhead p50 {spread(figures.get('overhead p50', []), **ms)},"
            f" p95 {spread(figures.get('overhead p95', []), **ms)}"
        )
    for problem in problems[:5]:
        print(f"  failed: {problem}")


def run_register(label: str, urls: dict[str, str] | None, databases: list[str]) -> None:
    """The register on ``urls`` (SQLite files when None) with the console timed."""
    with tempfile.TemporaryDirectory(prefix="bench-console-", ignore_cleanup_errors=True) as tmp:
        run_in(label, Path(tmp), urls, databases)


def run_in(label: str, work: Path, urls: dict[str, str] | None, databases: list[str]) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "AUTH_PUBLIC_URL": base,
        "CONSOLE_PUBLIC_URL": base,
        "CONSOLE_TIMING_HEADER": "true",
        "CONSOLE_LOG_LEVEL": "WARNING",
    }
    for service, url in (urls or {}).items():
        env[f"{service.upper()}_DATABASE_URL"] = url
    header(
        f"bench/console_pages.py [{label}]",
        databases,
        scale=f"{PEOPLE} people, {RATE:,.0f} pages/s for {SECONDS:.0f} s,"
        f" uploads of {ROWS:,} rows {UPLOADERS} at once; regctl serve all (one process)",
    )
    # The same runner as the embedded default; on PostgreSQL its databases are set above.
    server = start_sqlite_register(work, port, env=env)
    try:
        measure(label, base, work)
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    if os.environ.get("BENCH_SQLITE", "1") != "0":
        with tempfile.TemporaryDirectory(prefix="bench-console-probe-") as probe:
            run_register("sqlite", None, [f"sqlite:///{Path(probe) / 'probe.db'}"])
    with postgres_server() as url:
        if url is None:
            print("[postgresql] skipped: no TEST_POSTGRES_URL and no PostgreSQL binaries")
            return
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        suffix = uuid.uuid4().hex[:8]
        names = {s: f"bench_console_{s}_{suffix}" for s in ("auth", "registry", "declarations")}
        try:
            with admin.connect() as c:
                for name in names.values():
                    c.execute(text(f'CREATE DATABASE "{name}"'))
            urls = {
                s: make_url(url).set(database=n).render_as_string(hide_password=False)
                for s, n in names.items()
            }
            run_register("postgresql", urls, [urls["registry"]])
        finally:
            with admin.connect() as c:
                for name in names.values():
                    c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
