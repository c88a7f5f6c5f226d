"""The whole journey of a person in a real browser (Debian's chromium driven by Playwright).

Invitation by API, enrolment in the browser (password, authenticator key read from the
page, code computed here), sign-in to a browser app with PKCE, the code exchanged for
tokens, and a manifest created with the person's token. The register runs on SQLite
only: this module uses no database fixture, so the PostgreSQL pass (``-m db``) leaves it
out. Screenshots of the pages land in the test's ``tmp_path``.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pyotp
import pytest

from tests.auth.people_support import PASSWORD, path_of, s256
from tests.e2e.live_server import live_register
from tests.registry.factories import MANIFESTS, manifest, weapon

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EMAIL = "awa.diop@defense.sn"

if not CHROMIUM.exists():  # scripts/test.sh installs it: `make test` never gets here
    pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import ConsoleMessage, Page, sync_playwright  # noqa: E402


class _Callback(BaseHTTPRequestHandler):
    """The browser app's redirect URI: answers any GET with a short page."""

    def do_GET(self) -> None:
        body = b"<!DOCTYPE html><title>Console</title><p>Signed in.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # The browser may close the connection once it has the URL; that is fine.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def redirect_uri() -> Iterator[str]:
    """``http://127.0.0.1:<port>/callback``, served by a tiny local receiver."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Callback)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/callback"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def register_base(tmp_path: Path) -> Iterator[str]:
    """The whole register served by uvicorn on SQLite files in ``tmp_path/var``."""
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    services = ("auth", "registry", "declarations")
    urls = {name: f"sqlite:///{var_dir / (name + '.db')}" for name in services}
    with live_register(urls, var_dir) as base:
        yield base


def _operator_headers(base: str, var_dir: Path) -> dict[str, str]:
    credentials = json.loads((var_dir / "credentials.json").read_text())
    response = httpx.post(
        f"{base}/auth/v1/token",
        data={"grant_type": "client_credentials"},
        auth=(credentials["client_id"], credentials["client_secret"]),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _post(base: str, path: str, body: object, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{base}{path}", json=body, headers=headers, timeout=10)


def _with_lang(url: str, lang: str) -> str:
    return url + ("&" if "?" in url else "?") + f"lang={lang}"


def _next_step_code(key: str) -> str:
    """The code of the next 30 s step: the current one may be the enrolment's, spent."""
    return pyotp.TOTP(key).at(time.time() + 30)


def _shoot(page: Page, url: str, path: Path) -> None:
    page.goto(url)
    page.screenshot(path=str(path), full_page=True)


def test_a_person_enrols_signs_in_and_creates_a_manifest_in_a_real_browser(
    register_base: str, redirect_uri: str, tmp_path: Path
) -> None:
    base = register_base
    operator = _operator_headers(base, tmp_path / "var")
    organisation = {"type": "member_state", "code": "SEN", "name": "Senegal"}
    created = _post(base, "/auth/v1/organisations", organisation, operator)
    assert created.status_code in (201, 409), created.text
    invitation = {"organisation": "SEN", "email": EMAIL, "name": "Awa Diop", "role": "editor"}
    invited = _post(base, "/auth/v1/people", invitation, operator)
    assert invited.status_code == 201, invited.text
    enrolment_url = base + path_of(invited.json()["enrolment_url"])
    app = _post(
        base,
        "/auth/v1/apps",
        {"name": "Console", "redirect_uris": [redirect_uri], "public": True},
        operator,
    )
    assert app.status_code == 201, app.text
    client_id = app.json()["client_id"]
    verifier = secrets.token_urlsafe(48)
    state = secrets.token_urlsafe(16)
    authorize_url = f"{base}/auth/authorize?" + urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": s256(verifier),
            "code_challenge_method": "S256",
        }
    )

    console_errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("console", on_console)
            page.on("pageerror", lambda error: console_errors.append(str(error)))

            # The pages in French (before enrolment spends the invitation).
            _shoot(page, _with_lang(enrolment_url, "fr"), tmp_path / "enrol-fr.png")
            assert page.locator("html").get_attribute("lang") == "fr"
            _shoot(page, _with_lang(authorize_url, "fr"), tmp_path / "signin-fr.png")
            assert page.locator("html").get_attribute("lang") == "fr"

            # Enrolment: a password, the key read off the page, a code computed here.
            # On a telephone's width nothing sticks out sideways.
            page.set_viewport_size({"width": 360, "height": 740})
            _shoot(page, enrolment_url, tmp_path / "enrol-narrow-en.png")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.set_viewport_size({"width": 1280, "height": 720})
            _shoot(page, enrolment_url, tmp_path / "enrol-en.png")
            key = page.locator("code.key").inner_text().replace(" ", "")
            page.fill("#password", PASSWORD)
            page.fill("#password_confirm", PASSWORD)
            page.fill("#code", pyotp.TOTP(key).now())
            page.click("button[type=submit]")
            page.wait_for_load_state()
            page.screenshot(path=str(tmp_path / "enrolled-en.png"), full_page=True)
            assert len(page.locator("ul.codes li").all()) == 10, page.content()

            # Sign-in: email and password, then the next step's code (enrolment spent this one).
            _shoot(page, authorize_url, tmp_path / "signin-en.png")
            page.fill("#email", EMAIL)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            page.screenshot(path=str(tmp_path / "signin-code-en.png"), full_page=True)
            page.fill("#code", _next_step_code(key))
            with page.expect_navigation(url=f"{redirect_uri}?**"):
                page.click("button[type=submit]")
            redirected = urlsplit(page.url)
            page_errors = list(console_errors)
        finally:
            browser.close()

    assert f"{redirected.scheme}://{redirected.netloc}{redirected.path}" == redirect_uri
    query = dict(parse_qsl(redirected.query))
    assert query["state"] == state
    assert page_errors == []

    tokens = httpx.post(
        f"{base}/auth/v1/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"],
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    assert tokens.status_code == 200, tokens.text
    person = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    body = manifest([weapon("BRW-0001")], country="SEN")
    created_manifest = _post(base, MANIFESTS, body, person)
    assert created_manifest.status_code == 201, created_manifest.text
