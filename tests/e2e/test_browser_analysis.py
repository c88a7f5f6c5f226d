"""The analysis pages in a real browser: an ECOWAS analyst traces a serial typed with the
letter O for zero and sees the Senegalese contingent's manifest and Niger's seizure in one
timeline, then acknowledges and closes the diversion alert with an outcome. Every new page
passes axe-core (no serious or critical violation); screenshots in English and French are
written to docs/screenshots/. SQLite only, like test_browser_console.py."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

from tests.e2e.test_browser_console import (
    AXE,
    _enrol,
    _invite,
    _shoot,
    _sign_in,
    register_base,
)
from tests.e2e.test_browser_signin import CHROMIUM, CHROMIUM_ARGS, _operator_headers, _post

__all__ = ["register_base"]  # the live register fixture


def _client_headers(
    base: str, operator: dict[str, str], org: str, scopes: list[str]
) -> dict[str, str]:
    body = {"organisation": org, "name": f"{org} ministry", "scopes": scopes}
    created = _post(base, "/auth/v1/clients", body, operator)
    assert created.status_code == 201, created.text
    token = httpx.post(
        f"{base}/auth/v1/token",
        data={"grant_type": "client_credentials"},
        auth=(created.json()["client_id"], created.json()["client_secret"]),
        timeout=10,
    )
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def _the_story(base: str, tmp_path: Path) -> str:
    """SENBATT brings the rifle into MINUSMA; Niger seizes it, noted "56 OOOO123"."""
    operator = _operator_headers(base, tmp_path / "var")
    for kind, code in (("member_state", "SEN"), ("member_state", "NER"), ("secretariat", "ECOWAS")):
        created = _post(
            base, "/auth/v1/organisations", {"type": kind, "code": code, "name": code}, operator
        )
        assert created.status_code in (201, 409), created.text
    sen = _client_headers(base, operator, "SEN", ["manifests:write", "register:read"])
    ner = _client_headers(base, operator, "NER", ["declarations:write", "register:read"])
    rifle = {
        "kind": "weapon",
        "category": "assault_rifle",
        "manufacturer": "Kalashnikov Concern",
        "model": "AK-103",
        "calibre": "7.62x39mm",
    }
    brought = {
        "direction": "in",
        "mission": "MINUSMA",
        "contributing_country": "SEN",
        "unit": "SENBATT 4",
        "crossing_date": "2023-02-01",
        "items": [{**rifle, "serial_number": "56-0000123"}],
    }
    stored = _post(base, "/registry/v1/manifests", brought, sen)
    assert stored.status_code == 201, stored.text
    seized = {
        "type": "seizure",
        "declaring_country": "NER",
        "mission": "MINUSMA",
        "event_date": "2024-05-10",
        "location": {"country": "MLI", "place": "Ménaka", "lat": 15.92, "lon": 2.40},
        "items": [{**rifle, "serial_number": "56 OOOO123"}],
    }
    declared = _post(base, "/declarations/v1/declarations", seized, ner)
    assert declared.status_code == 201, declared.text
    return _invite(base, operator, "ECOWAS", "ama.owusu@ecowas.int", "analyst")


def _wait_for_alert(page: Page, base: str) -> None:
    """The declarations outbox delivers the seizure within seconds: the alert appears."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        page.goto(f"{base}/console/alerts?kind=diversion")
        if page.locator("a[href^='/console/alerts/']").count():
            return
        time.sleep(1)
    raise AssertionError("no diversion alert reached the queue")


def test_an_analyst_traces_a_mistyped_serial_and_closes_the_diversion_alert(
    register_base: str, tmp_path: Path
) -> None:
    base = register_base
    enrolment = _the_story(base, tmp_path)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_init_script(path=str(AXE))
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            key = _enrol(page, enrolment)
            _sign_in(page, base, "ama.owusu@ecowas.int", key)
            _wait_for_alert(page, base)

            page.goto(f"{base}/console/trace?lang=en")
            page.fill("#serial_number", "56-OOOO123")
            page.click("form.search button[type=submit]")
            page.wait_for_selector("section.timeline")
            story = page.locator("section.timeline").first.inner_text()
            assert "Brought into the mission" in story
            assert "SENBATT 4" in story
            assert "Seized" in story
            assert "Ménaka, MLI" in story
            assert story.index("Brought into the mission") < story.index("Seized")
            _shoot(page, "console-trace-en.png")
            page.goto(page.url + "&lang=fr")
            assert "Entrée dans la mission" in page.locator("section.timeline").first.inner_text()
            _shoot(page, "console-trace-fr.png")
            page.goto(f"{base}/console/trace?serial_number=+&lang=fr")
            assert page.locator(".error-summary").count() == 1
            _shoot(page, "console-trace-refused-fr.png")

            page.goto(f"{base}/console/alerts?kind=diversion&lang=en")
            _shoot(page, "console-alerts-en.png")
            page.locator("a[href^='/console/alerts/']").first.click()
            page.wait_for_selector("h1")
            _shoot(page, "console-alert-en.png")
            page.click("form[action$='/acknowledge'] button[type=submit]")
            page.wait_for_url("**?done=acknowledge")
            page.check("#outcome-confirmed_diversion")
            page.fill("#close-note", "Lost in the 2019 attack on the SENBATT camp")
            page.click("form[action$='/close'] button[type=submit]")
            page.wait_for_url("**?done=close")
            main = page.inner_text("main")
            assert "Closed (Confirmed diversion)" in main
            assert "Lost in the 2019 attack" in main
            _shoot(page, "console-alert-closed-en.png")
            page.goto(page.url.split("?")[0] + "?lang=fr")
            _shoot(page, "console-alert-fr.png")
            context.close()
            assert errors == []
        finally:
            browser.close()
