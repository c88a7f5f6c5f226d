"""The declaration form and a draft's approval with JavaScript disabled (issue 15, item 9:
the core forms work on a poor connection without scripts).

In Debian's chromium with scripts off, a Senegalese editor declares a seizure with the
form, then saves a second one as a draft and submits it for approval; the Senegalese
admin, also without scripts, approves the draft and follows its link to the declaration
it became, which names who submitted it. SQLite only, like the other browser journeys.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.test_browser_console import _enrol, _invite, _sign_in, register_base
from tests.e2e.test_browser_signin import CHROMIUM, CHROMIUM_ARGS, _operator_headers, _post

__all__ = ["register_base"]

EDITOR = "awa.diop@defense.sn"
ADMIN = "ibrahima.sarr@defense.sn"


def _without_scripts(browser: Browser, base: str, link: str, email: str, start: str) -> Page:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    key = _enrol(page, link)
    _sign_in(page, base, email, key, start=start)
    return page


def _fill_declaration(page: Page, serial: str) -> None:
    page.check("#type-seizure")
    page.fill("#event_date", (date.today() - timedelta(days=2)).isoformat())
    page.fill("#place", "Gao")
    page.fill("#country", "MLI")
    page.fill("#lat", "16.27")
    page.fill("#lon", "-0.04")
    page.select_option("#items-0-kind", "weapon")
    page.fill("#items-0-category", "assault_rifle")
    page.fill("#items-0-manufacturer", "Kalashnikov")
    page.fill("#items-0-model", "AK-47")
    page.fill("#items-0-calibre", "7.62x39mm")
    page.fill("#items-0-serial_number", serial)


def _journey(browser: Browser, base: str, tmp_path: Path) -> None:
    operator = _operator_headers(base, tmp_path / "var")
    created = _post(
        base,
        "/auth/v1/organisations",
        {"type": "member_state", "code": "SEN", "name": "Senegal"},
        operator,
    )
    assert created.status_code in (201, 409), created.text
    editor_link = _invite(base, operator, "SEN", EDITOR, "editor")
    admin_link = _invite(base, operator, "SEN", ADMIN, "admin")

    editor = _without_scripts(browser, base, editor_link, EDITOR, "/console/declarations/new")
    _fill_declaration(editor, "KA-4411")
    editor.click("#declare-submit")
    editor.wait_for_url("**/console/declarations/*?stored=1")
    assert "KA-4411" in editor.inner_text("main")

    editor.goto(f"{base}/console/declarations/new")
    _fill_declaration(editor, "KA-4412")
    editor.click("#save-draft")
    editor.wait_for_url("**/console/drafts/declaration/*?done=saved")
    draft_path = editor.url.removeprefix(base).split("?")[0]
    assert "No problems found." in editor.inner_text("main")
    editor.click("text=Submit for approval")
    editor.wait_for_url("**?done=submit")
    assert "Awaiting approval" in editor.inner_text("main")
    editor.context.close()

    admin = _without_scripts(browser, base, admin_link, ADMIN, draft_path)
    assert "KA-4412" in admin.inner_text("main")
    admin.click("text=Approve and store in the register")
    admin.wait_for_url("**?done=approve")
    assert "The draft was approved" in admin.inner_text("main")
    admin.click("text=Open the declaration")
    admin.wait_for_url("**/console/declarations/*")
    shown = admin.inner_text("main")
    assert "KA-4412" in shown
    assert "by ibrahima.sarr (SEN)" in shown  # the admin who approved it, by name
    admin.context.close()


def test_a_declaration_and_a_drafts_approval_work_without_javascript(
    register_base: str, tmp_path: Path
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            _journey(browser, register_base, tmp_path)
        finally:
            browser.close()
