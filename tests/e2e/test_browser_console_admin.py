"""The console's administration in a real browser: the operator's first admin (invited
at the first start) enrols, signs in, creates Senegal, invites its admin and hands over
the link; Senegal's admin enrols, signs in and finds themselves among Senegal's people.
Every page shot passes axe-core; screenshots in English and French (with a refused form)
go to docs/screenshots/. SQLite only, like the other browser journeys."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from tests.auth.people_support import path_of
from tests.e2e.test_browser_console import AXE, _enrol, _shoot, _sign_in, register_base
from tests.e2e.test_browser_signin import CHROMIUM, CHROMIUM_ARGS

__all__ = ["register_base"]  # the fixture
FIRST_ADMIN = "admin@operator.invalid"  # AUTH_FIRST_ADMIN_EMAIL's default


def _first_admin_link(base: str, var_dir: Path) -> str:
    text = (var_dir / "first-admin-enrolment.txt").read_text()
    found = re.search(r"https?://\S+/auth/enrol/\S+", text)
    assert found is not None, text
    return base + path_of(found.group(0))


def _first_admin_sets_up_senegal(page: Page, base: str, var_dir: Path) -> str:
    key = _enrol(page, _first_admin_link(base, var_dir))
    _sign_in(page, base, FIRST_ADMIN, key, start="/console/admin/organisations")
    page.click("text=Add an organisation")
    page.click("main button[type=submit]")  # nothing filled in: every problem is named
    assert page.locator(".error-summary a[href='#code']").count() == 1
    assert page.locator(".error-summary a[href='#name']").count() == 1
    _shoot(page, "console-admin-organisation-refused-en.png")
    page.check("#type-member_state")
    page.fill("#code", "SEN")
    page.fill("#name", "Sénégal – Ministère des Forces armées")
    page.click("main button[type=submit]")
    page.wait_for_url("**/console/admin/organisations?created=SEN")
    _shoot(page, "console-admin-organisations-en.png")
    page.click("text=Invite its first admin")
    page.fill("#name", "Awa Diop")
    page.fill("#email", "awa.diop@defense.sn")
    page.check("#role-admin")
    page.click("main button[type=submit]")
    link = page.input_value("#link")
    assert "/auth/enrol/" in link
    _shoot(page, "console-admin-enrolment-link-en.png")
    return base + path_of(link)


def _journey(browser: Browser, base: str, var_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    link = _first_admin_sets_up_senegal(page, base, var_dir)
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    key = _enrol(page, link)
    _sign_in(page, base, "awa.diop@defense.sn", key, start="/console/admin/people?lang=fr")
    assert page.locator("h1").inner_text() == "Personnes"
    assert page.locator("td", has_text="awa.diop@defense.sn").count() == 1
    _shoot(page, "console-admin-people-fr.png")
    page.goto(f"{base}/console/admin/people/invite?lang=fr")
    page.fill("#email", "pas-une-adresse")
    page.click("main button[type=submit]")
    assert page.locator(".error-summary a[href='#name']").count() == 1
    _shoot(page, "console-admin-invite-refused-fr.png")
    page.goto(f"{base}/console/profile?lang=fr")
    _shoot(page, "console-profile-fr.png")
    page.goto(f"{base}/console/admin/organisations")
    assert page.locator("h1").inner_text() != "Organisations"  # SEN's admin: a 403 page
    context.close()


def test_the_operators_first_admin_sets_up_senegal_whose_admin_enrols_and_signs_in(
    register_base: str, tmp_path: Path
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            _journey(browser, register_base, tmp_path / "var")
        finally:
            browser.close()
