"""A declaration in a real browser (Debian's chromium driven by Playwright).

A Senegalese editor declares a seizure with the form (a bad date first: the problem is
listed on its field), opens the stored declaration and has the browser check it in the
register's log with Web Crypto: the check passes; when the page's record hash is
tampered with, or the served checkpoint's root, the page says the check failed. SQLite
only, like test_browser_console.py.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, sync_playwright

from tests.e2e.live_server import free_port, live_register
from tests.e2e.test_browser_console import AXE, _accessible, _enrol, _invite, _sign_in
from tests.e2e.test_browser_signin import CHROMIUM, CHROMIUM_ARGS, _operator_headers, _post

# Screenshots for a person reviewing the pages (not committed): set CONSOLE_SHOTS=dir.
SHOTS = os.environ.get("CONSOLE_SHOTS", "")


@pytest.fixture
def register_base(tmp_path: Path) -> Iterator[str]:
    """The whole register with its console, served by uvicorn on SQLite files."""
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    urls = {
        name: f"sqlite:///{var_dir / (name + '.db')}"
        for name in ("auth", "registry", "declarations")
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"AUTH_PUBLIC_URL": base, "CONSOLE_PUBLIC_URL": base, "CONSOLE_LOG_LEVEL": "WARNING"}
    with live_register(urls, var_dir, port=port, extra_env=env) as served:
        yield served


def _shot(page: Page, name: str) -> None:
    _accessible(page)
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def _check(page: Page) -> str:
    page.click("#log-check-button")
    page.wait_for_selector("#log-check[data-state]:not([data-state=working])")
    return page.locator("#log-check-result").inner_text()


def test_an_editor_declares_and_the_browser_checks_the_record_in_the_log(
    register_base: str, tmp_path: Path
) -> None:
    base = register_base
    operator = _operator_headers(base, tmp_path / "var")
    created = _post(
        base,
        "/auth/v1/organisations",
        {"type": "member_state", "code": "SEN", "name": "Senegal"},
        operator,
    )
    assert created.status_code in (201, 409), created.text
    link = _invite(base, operator, "SEN", "awa.diop@defense.sn", "editor")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.add_init_script(path=str(AXE))
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            key = _enrol(page, link)
            _sign_in(page, base, "awa.diop@defense.sn", key, start="/console/declarations/new")
            future = (date.today() + timedelta(days=30)).isoformat()
            page.check("#type-seizure")
            page.fill("#event_date", future)
            page.fill("#place", "Gao")
            page.fill("#country", "MLI")
            # Gao on the place picker's map: the script turns the point into degrees.
            page.click("text=Pick the place on a map")
            picker = page.wait_for_selector("svg.place-picker__svg")
            box = picker.bounding_box()
            assert box is not None
            west, north, scale = -20.0, 28.0, 800 / 55  # the frame the SVG says it draws
            gao = (-0.04, 16.27)
            page.mouse.click(
                box["x"] + (gao[0] - west) * scale * box["width"] / 800,
                box["y"] + (north - gao[1]) * scale * box["width"] / 800,
            )
            assert abs(float(page.input_value("#lon")) - gao[0]) < 0.2
            assert abs(float(page.input_value("#lat")) - gao[1]) < 0.2
            _shot(page, "declare-place-picked-en.png")
            page.select_option("#items-0-kind", "weapon")
            page.fill("#items-0-category", "assault_rifle")
            page.fill("#items-0-manufacturer", "Kalashnikov")
            page.fill("#items-0-model", "AK-47")
            page.fill("#items-0-calibre", "7.62x39mm")
            page.fill("#items-0-serial_number", "KA-4411")
            page.click("#declare-submit")
            page.wait_for_selector("#error-summary")
            assert page.locator("#error-summary a[href='#event_date']").count() == 1
            _shot(page, "declare-refused-en.png")
            page.fill("#event_date", (date.today() - timedelta(days=2)).isoformat())
            page.click("#declare-submit")
            page.wait_for_url("**/console/declarations/*?stored=1")
            assert "KA-4411" in page.inner_text("main")
            detail = page.url.split("?")[0]
            checked = _check(page)
            assert checked.startswith("This record is in the register’s log as published on")
            assert checked.endswith("The log’s signature was checked.")  # Ed25519 in chromium
            _shot(page, "declaration-checked-en.png")

            page.goto(detail + "?lang=fr")
            page.evaluate(
                "document.getElementById('log-check').setAttribute('data-record-sha256',"
                " '00'.repeat(32))"
            )
            assert _check(page).startswith("La vérification a échoué")
            _shot(page, "declaration-tampered-fr.png")

            def forged_root(route: Route) -> None:
                response = route.fetch()
                evidence = response.json()
                lines = evidence["checkpoint"].split("\n")
                lines[2] = "A" * 43 + "="
                evidence["checkpoint"] = "\n".join(lines)
                route.fulfill(response=response, body=json.dumps(evidence))

            page.route("**/log-evidence", forged_root)
            page.goto(detail + "?lang=en")
            assert _check(page).startswith("The check failed: the record is not in the log")
            page.unroute("**/log-evidence")

            def forged_signature(route: Route) -> None:
                response = route.fetch()
                evidence = response.json()
                name, signature = evidence["checkpoint"].rstrip("\n").rsplit(" ", 1)
                flipped = ("B" if signature[10] == "A" else "A").join(
                    (signature[:10], signature[11:])
                )
                evidence["checkpoint"] = f"{name} {flipped}\n"
                route.fulfill(response=response, body=json.dumps(evidence))

            page.route("**/log-evidence", forged_signature)
            page.goto(detail + "?lang=en")
            assert _check(page) == "The check failed: the log’s signature does not match."
            context.close()
            assert errors == []
        finally:
            browser.close()
