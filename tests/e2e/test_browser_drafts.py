"""Drafts and reconciliation in a real browser (issue 15, items 5 and 6).

The Senegalese editor saves a French CSV manifest as a draft (JavaScript on: the
upload's progress script posts to the "save as draft" button's own address) and
submits it; the Senegalese admin sees it on the home page, reviews and approves it; an
ECOWAS analyst opens the mission's reconciliation and sees the weapons; a Ghanaian
reader cannot open the draft (404 page). Every page shot passes axe-core; screenshots
in English and French go to docs/screenshots/. SQLite only, like the console journey.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from tests.console.manifest_files import FIXED
from tests.e2e.test_browser_console import (
    AXE,
    _enrol,
    _fill_upload,
    _invite,
    _shoot,
    _sign_in,
    register_base,
)
from tests.e2e.test_browser_signin import CHROMIUM, CHROMIUM_ARGS, _operator_headers, _post

__all__ = ["register_base"]


def _people(base: str, tmp_path: Path) -> dict[str, str]:
    operator = _operator_headers(base, tmp_path / "var")
    for kind, code, name in (
        ("member_state", "SEN", "Senegal"),
        ("member_state", "GHA", "Ghana"),
        ("secretariat", "ECOWAS", "ECOWAS Commission"),
    ):
        created = _post(
            base, "/auth/v1/organisations", {"type": kind, "code": code, "name": name}, operator
        )
        assert created.status_code in (201, 409), created.text
    return {
        "editor": _invite(base, operator, "SEN", "awa.diop@defense.sn", "editor"),
        "admin": _invite(base, operator, "SEN", "ibrahima.sarr@defense.sn", "admin"),
        "analyst": _invite(base, operator, "ECOWAS", "ama.owusu@ecowas.int", "analyst"),
        "ghana": _invite(base, operator, "GHA", "kofi.mensah@mod.gh", "reader"),
    }


def _person(browser: Browser, base: str, link: str, email: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    key = _enrol(page, link)
    _sign_in(page, base, email, key)
    return page


def _journey(browser: Browser, base: str, tmp_path: Path) -> None:
    links = _people(base, tmp_path)

    editor = _person(browser, base, links["editor"], "awa.diop@defense.sn")
    editor.goto(f"{base}/console/manifests/upload?lang=fr")
    _fill_upload(editor, FIXED, tmp_path, "manifeste.csv")
    editor.click("#save-draft")
    editor.wait_for_url("**/console/drafts/manifest/*?done=saved")
    draft_url = editor.url.split("?")[0]
    assert "Brouillon" in editor.inner_text("main")
    assert "Aucun problème trouvé." in editor.inner_text("main")
    _shoot(editor, "console-draft-fr.png")
    editor.click("text=Soumettre pour approbation")
    editor.wait_for_url("**?done=submit")
    assert "En attente d’approbation" in editor.inner_text("main")
    editor.goto(f"{base}/console/drafts?lang=fr")
    _shoot(editor, "console-drafts-fr.png")
    editor.context.close()

    admin = _person(browser, base, links["admin"], "ibrahima.sarr@defense.sn")
    admin.goto(f"{base}/console/?lang=en")
    assert "Drafts awaiting my approval" in admin.inner_text("main")
    _shoot(admin, "console-home-drafts-en.png")
    admin.click(f"a[href='{draft_url.removeprefix(base)}']")
    admin.click("text=Return with this comment")  # no comment: refused, named
    admin.wait_for_selector("#error-summary")
    _shoot(admin, "console-draft-return-refused-en.png")
    admin.click("text=Approve and store in the register")
    admin.wait_for_url("**?done=approve")
    assert "The draft was approved" in admin.inner_text("main")
    _shoot(admin, "console-draft-approved-en.png")
    admin.goto(f"{base}/console/holdings/out?mission=MINUSCA&unit=SENBATT+7&lang=en")
    admin.click("text=Submit the out manifest")
    admin.wait_for_selector("#error-summary")
    assert "Tick the weapons that leave." in admin.inner_text("main")
    _shoot(admin, "console-out-refused-en.png")
    admin.context.close()

    analyst = _person(browser, base, links["analyst"], "ama.owusu@ecowas.int")
    analyst.goto(f"{base}/console/holdings?mission=MINUSCA&lang=fr")
    assert "KC-0001236" in analyst.inner_text("main")
    _shoot(analyst, "console-holdings-fr.png")
    analyst.goto(f"{base}/console/holdings?mission=MINUSCA&lang=en")
    _shoot(analyst, "console-holdings-en.png")
    analyst.context.close()

    ghana = _person(browser, base, links["ghana"], "kofi.mensah@mod.gh")
    response = ghana.goto(draft_url)
    assert response is not None
    assert response.status == 404
    assert "manifeste" not in ghana.content()
    ghana.context.close()


def test_a_draft_is_saved_approved_and_reconciled_and_another_state_cannot_open_it(
    register_base: str, tmp_path: Path
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            _journey(browser, register_base, tmp_path)
        finally:
            browser.close()
