"""Auth bench: people signing in (password + TOTP, argon2id at the default cost) and refreshing.

Runs the real register (``regctl serve all`` on SQLite files, the embedded default),
enrols ``BENCH_PEOPLE`` people (default 24) through their enrolment pages, then has
``BENCH_CLIENTS`` (default 4) browsers sign them in at once, each person once (a TOTP
code is used once per time step): the authorization request, the password page, the
code page and the code exchange with PKCE, timed from the first request to the
tokens. Then each session refreshes ``BENCH_REFRESHES`` times (default 5) in turn,
the refresh token rotating each time. Prints the cost of one argon2id check beside
sign-ins and refreshes per second and their p50/p95, over every request sent;
anything not answered as expected counts as failed. Figures only.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from queue import Empty, Queue
from urllib.parse import parse_qsl

import httpx
import pyotp
from _common import free_port, spread, start_sqlite_register

from services.auth.clients import secrets
from services.auth.settings import AuthSettings

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "24"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
REFRESHES = int(os.environ.get("BENCH_REFRESHES", "5"))
PASSWORD = "plum orchard lantern 47"
REDIRECT = "https://console.bench.invalid/callback"
VERIFIER = "bench-verifier-" + "v" * 43


def hidden_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def enrol(base: str, url: str) -> str:
    """Complete an enrolment page; returns the authenticator key."""
    with httpx.Client(timeout=60) as browser:
        page = browser.get(url).text
        key = re.search(r'<code class="key">([A-Z2-7 ]+)</code>', page)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        if key is None or csrf is None:
            raise RuntimeError("the enrolment page changed")
        secret = key.group(1).replace(" ", "")
        form = {
            "csrf_token": csrf.group(1),
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "code": pyotp.TOTP(secret).now(),
        }
        assert browser.post(url, data=form).status_code == 200
    return secret


def sign_in(base: str, app_id: str, email: str, key: str) -> dict[str, str]:
    """One person's whole sign-in; returns the token response."""
    challenge = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest())
    query = {
        "response_type": "code",
        "client_id": app_id,
        "redirect_uri": REDIRECT,
        "state": "bench",
        "code_challenge": challenge.decode().rstrip("="),
        "code_challenge_method": "S256",
    }
    with httpx.Client(base_url=base, timeout=60) as browser:
        page = browser.get("/auth/authorize", params=query)
        page.raise_for_status()
        form = {**hidden_fields(html.unescape(page.text)), "email": email, "password": PASSWORD}
        second = browser.post("/auth/authorize", data=form)
        second.raise_for_status()
        # The next time step's code: enrolment used this step's, and a code is used once.
        code = pyotp.TOTP(key).at(datetime.now(UTC) + timedelta(seconds=30))
        fields = {**hidden_fields(html.unescape(second.text)), "code": code, "recovery_code": ""}
        done = browser.post("/auth/authorize/verify", data=fields, follow_redirects=False)
        if done.status_code != 303:
            raise RuntimeError(f"sign-in refused: {done.status_code}")
        granted = dict(parse_qsl(done.headers["location"].split("?", 1)[1]))["code"]
        tokens = browser.post(
            "/auth/v1/token",
            data={
                "grant_type": "authorization_code",
                "code": granted,
                "redirect_uri": REDIRECT,
                "client_id": app_id,
                "code_verifier": VERIFIER,
            },
        )
        tokens.raise_for_status()
        return dict(tokens.json())


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-signin-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = AuthSettings()
    stored = secrets.hash_secret(settings, "x" * 20)
    checks = []
    for _ in range(5):
        started = time.perf_counter()
        secrets.verify_secret(settings, stored, "x" * 20)
        checks.append(time.perf_counter() - started)
    print(
        f"database: sqlite (embedded default); {os.cpu_count()} CPUs; {PEOPLE} people,"
        f" {CLIENTS} browsers at once, {REFRESHES} refreshes each"
    )
    print(
        "one argon2id check (default cost):",
        spread([c * 1000 for c in checks], "{:.0f}", " ms"),
    )
    server = start_sqlite_register(work, port, env={"AUTH_PUBLIC_URL": f"http://127.0.0.1:{port}"})
    try:
        operator = json.loads((work / "credentials.json").read_text())
        form = {
            "grant_type": "client_credentials",
            "client_id": operator["client_id"],
            "client_secret": operator["client_secret"],
        }
        admin_token = httpx.post(f"{base}/auth/v1/token", data=form).json()["access_token"]
        admin = {"Authorization": f"Bearer {admin_token}"}
        httpx.post(
            f"{base}/auth/v1/organisations",
            json={"type": "member_state", "code": "SEN", "name": "Senegal"},
            headers=admin,
        )
        app = httpx.post(
            f"{base}/auth/v1/apps",
            json={"name": "Bench console", "redirect_uris": [REDIRECT], "public": True},
            headers=admin,
        ).json()
        people: Queue[tuple[str, str]] = Queue()
        for n in range(PEOPLE):
            email = f"clerk{n}@defense.bench.sn"
            invited = httpx.post(
                f"{base}/auth/v1/people",
                json={
                    "organisation": "SEN",
                    "email": email,
                    "name": f"Clerk {n}",
                    "role": "editor",
                },
                headers=admin,
                timeout=60,
            ).json()
            people.put((email, enrol(base, invited["enrolment_url"])))

        signins: list[float] = []
        sessions: list[str] = []
        failures: list[str] = []
        lock = threading.Lock()

        def browse() -> None:
            while True:
                try:
                    email, key = people.get_nowait()
                except Empty:
                    return
                started = time.perf_counter()
                try:
                    tokens = sign_in(base, app["client_id"], email, key)
                except (httpx.HTTPError, RuntimeError, KeyError) as exc:
                    with lock:
                        failures.append(repr(exc))
                    continue
                with lock:
                    signins.append(time.perf_counter() - started)
                    sessions.append(tokens["refresh_token"])

        browsers = [threading.Thread(target=browse) for _ in range(CLIENTS)]
        started = time.perf_counter()
        for thread in browsers:
            thread.start()
        for thread in browsers:
            thread.join()
        signin_seconds = time.perf_counter() - started

        refreshes: list[float] = []
        refresh_failures = 0
        started = time.perf_counter()
        with httpx.Client(base_url=base, timeout=60) as http:
            for _ in range(REFRESHES):
                for n, token in enumerate(sessions):
                    began = time.perf_counter()
                    answer = http.post(
                        "/auth/v1/token",
                        data={
                            "grant_type": "refresh_token",
                            "refresh_token": token,
                            "client_id": app["client_id"],
                        },
                    )
                    refreshes.append(time.perf_counter() - began)
                    if answer.status_code != 200:
                        refresh_failures += 1
                        continue
                    sessions[n] = answer.json()["refresh_token"]
        refresh_seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    if signins:
        print(
            f"sign-in (page, password, code, exchange): {len(signins) / signin_seconds:.1f}/s,"
            f" p50 {statistics.median(signins) * 1000:.0f} ms, p95 {p95(signins) * 1000:.0f} ms"
            f" ({len(signins)} ok, {len(failures)} failed)"
        )
    if refreshes:
        print(
            f"refresh (rotating): {len(refreshes) / refresh_seconds:.1f}/s,"
            f" p50 {statistics.median(refreshes) * 1000:.0f} ms,"
            f" p95 {p95(refreshes) * 1000:.0f} ms"
            f" ({len(refreshes) - refresh_failures} ok, {refresh_failures} failed)"
        )
    for failure in failures[:3]:
        print(f"  failed: {failure}")


if __name__ == "__main__":
    main()
