"""The console's journeys in a real browser (Debian's chromium driven by Playwright).

A Senegalese editor enrols, opens http://127.0.0.1:<port>/, signs in, uploads a French
CSV manifest with one bad row, reads the row's error, uploads the fixed file and sees
it stored, then uploads once more with the keyboard alone; the same upload works with
JavaScript disabled; a Ghanaian reader cannot open the manifest (404 page). Every page
shot passes axe-core (no serious or critical violation); each page's first load stays
within 100 KB and a repeat visit within 20 KB. Screenshots of the main pages in English
and French are written to docs/screenshots/ (committed: the README and docs/console.md
show them). SQLite only, like test_browser_signin.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests.auth.people_support import PASSWORD, path_of
from tests.console.manifest_files import FIXED, FORM, WITH_ONE_BAD_ROW
from tests.e2e.live_server import free_port, live_register
from tests.e2e.test_browser_signin import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _next_step_code,
    _operator_headers,
    _post,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.10.2" / "axe.min.js"
# Run through the browser's DevTools protocol: the pages' CSP (script-src 'self') still
# applies to everything else, and axe reads the page as it is.
AXE_SERIOUS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
}"""


def _accessible(page: Page) -> None:
    """No serious or critical axe-core violation on the page as shown."""
    violations = page.evaluate(AXE_SERIOUS)
    assert violations == [], (page.url, violations)


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


def _invite(base: str, operator: dict[str, str], org: str, email: str, role: str) -> str:
    invitation = {"organisation": org, "email": email, "name": email.split("@")[0], "role": role}
    invited = _post(base, "/auth/v1/people", invitation, operator)
    assert invited.status_code == 201, invited.text
    return base + path_of(invited.json()["enrolment_url"])


def _enrol(page: Page, enrolment_url: str) -> str:
    page.goto(enrolment_url)
    key = page.locator("code.key").inner_text().replace(" ", "")
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.fill("#code", pyotp.TOTP(key).now())
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return key


def _sign_in(page: Page, base: str, email: str, key: str, start: str = "/") -> None:
    page.goto(base + start)  # -> /console/ -> sign-in -> auth's page
    assert "/auth/authorize" in page.url, page.url
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.fill("#code", _next_step_code(key))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/console/**")


def _fill_upload(page: Page, content: bytes, tmp_path: Path, name: str) -> None:
    file = tmp_path / name
    file.write_bytes(content)
    for field in ("mission", "contributing_country", "unit", "crossing_date", "crossing_point"):
        page.fill(f"#{field}", FORM[field])
    page.check("#direction-in")
    page.set_input_files("#file", str(file))


FIRST_LOAD_BUDGET = 100 * 1024
REPEAT_VISIT_BUDGET = 20 * 1024
WEIGHT_SCRIPT = """() => {
  const entries = [...performance.getEntriesByType('navigation'),
                   ...performance.getEntriesByType('resource')];
  return entries.reduce((sum, e) => sum + (e.transferSize || 0), 0);
}"""


def _weight(page: Page) -> int:
    """Bytes this page's document and its files took over the network (0 if cached)."""
    return int(page.evaluate(WEIGHT_SCRIPT))


def _shoot(page: Page, name: str) -> None:
    """A screenshot for the documentation, once the page has passed axe-core."""
    _accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _tab_to(page: Page, element_id: str) -> None:
    """Press Tab until ``element_id`` has the focus (as a keyboard user would)."""
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def _upload_by_keyboard(page: Page, base: str, content: bytes, tmp_path: Path) -> None:
    """The whole upload with the keyboard alone: Tab, typing, Space and Enter."""
    file = tmp_path / "clavier.csv"
    file.write_bytes(content)
    # A listener from the start turns chromium's file chooser interception on long before
    # Space opens it (turned on by expect_file_chooser alone, it could come after the key
    # on a loaded machine, and the chooser then never reached the test).
    page.on("filechooser", lambda _chooser: None)
    page.goto(f"{base}/console/manifests/upload?lang=en")
    _tab_to(page, "mission")
    page.keyboard.type(FORM["mission"])
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type(FORM["contributing_country"])
    page.keyboard.press("Tab")  # into the direction group: its first radio, "in"
    page.keyboard.press("Space")
    assert page.is_checked("#direction-in")
    _tab_to(page, "unit")
    page.keyboard.type("SENBATT 9")
    page.keyboard.press("Tab")
    page.keyboard.type("03122026")  # the date field as chromium's en-US shows it
    assert page.input_value("#crossing_date") == FORM["crossing_date"]
    _tab_to(page, "file")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(file))
    _tab_to(page, "upload-submit")
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/manifests/*?stored=1")


def _people(base: str, tmp_path: Path) -> dict[str, str]:
    operator = _operator_headers(base, tmp_path / "var")
    for code, name in (("SEN", "Senegal"), ("GHA", "Ghana")):
        body = {"type": "member_state", "code": code, "name": name}
        created = _post(base, "/auth/v1/organisations", body, operator)
        assert created.status_code in (201, 409), created.text
    return {
        "awa.diop@defense.sn": _invite(base, operator, "SEN", "awa.diop@defense.sn", "editor"),
        "moussa.fall@defense.sn": _invite(
            base, operator, "SEN", "moussa.fall@defense.sn", "editor"
        ),
        "kofi.mensah@mod.gh": _invite(base, operator, "GHA", "kofi.mensah@mod.gh", "reader"),
    }


def _journey(browser: Browser, base: str, tmp_path: Path) -> None:
    links = _people(base, tmp_path)
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # The refusal's own 422 is logged by the browser: it is the answer, not a fault.
        if message.type == "error" and "status of 422" not in message.text:
            errors.append(message.text)

    # The Senegalese editor, JavaScript on: a progress bar, then the answer.
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    key = _enrol(page, links["awa.diop@defense.sn"])
    _sign_in(page, base, "awa.diop@defense.sn", key)
    assert page.url == f"{base}/console/"
    first_load = _weight(page)  # the console's first page: its style sheet and script too
    assert 0 < first_load <= FIRST_LOAD_BUDGET, first_load
    _shoot(page, "console-home-en.png")
    page.goto(f"{base}/console/manifests/upload?lang=fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    _shoot(page, "console-upload-fr.png")
    _fill_upload(page, WITH_ONE_BAD_ROW, tmp_path, "manifeste.csv")
    page.click("#upload-submit")
    page.wait_for_selector("#problems")
    row = page.locator("#problems tbody tr")
    assert row.count() == 1
    assert row.locator("td").nth(0).inner_text() == "4"
    assert row.locator("td").nth(1).inner_text() == "F (Numéro de série)"
    assert row.locator("td").nth(2).inner_text() == "Obligatoire pour un élément de nature arme."
    assert page.locator("h2", has_text="Rien n’a été enregistré").count() == 1
    _shoot(page, "console-upload-refused-fr.png")
    _fill_upload(page, FIXED, tmp_path, "manifeste-corrige.csv")
    page.click("#upload-submit")
    page.wait_for_url("**/console/manifests/*?stored=1")
    assert "Le manifeste a été enregistré." in page.inner_text("main")
    assert "KC-0001236" in page.inner_text("main")
    stored_url = page.url.split("?")[0]
    _shoot(page, "console-manifest-fr.png")
    page.goto(f"{base}/console/manifests?lang=fr")
    _shoot(page, "console-manifests-fr.png")
    page.goto(f"{base}/console/manifests?lang=en")
    _shoot(page, "console-manifests-en.png")
    page.goto(f"{stored_url}?lang=en")
    _shoot(page, "console-manifest-en.png")
    page.goto(f"{base}/console/?lang=fr")
    _shoot(page, "console-home-fr.png")
    page.goto(f"{base}/console/manifests/upload?lang=en")
    _shoot(page, "console-upload-en.png")
    _upload_by_keyboard(page, base, FIXED.replace(b"KC-", b"KF-"), tmp_path)
    assert "KF-0001236" in page.inner_text("main")
    # A repeat visit of each page downloads the page alone (static files are cached).
    for path in ("/console/", "/console/manifests", "/console/manifests/upload", stored_url):
        page.goto(path if path.startswith("http") else base + path)
        repeat = _weight(page)
        assert 0 < repeat <= REPEAT_VISIT_BUDGET, (path, repeat)
        assert page.evaluate(
            "performance.getEntriesByType('resource').every(e => e.transferSize === 0)"
        ), path
    context.close()
    assert errors == []

    # Another Senegalese editor, JavaScript off: the same upload by a plain form post.
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    key = _enrol(page, links["moussa.fall@defense.sn"])
    _sign_in(page, base, "moussa.fall@defense.sn", key, start="/console/manifests/upload?lang=fr")
    _fill_upload(page, WITH_ONE_BAD_ROW, tmp_path, "manifeste.csv")
    page.click("#upload-submit")
    page.wait_for_selector("#problems")
    assert page.locator("#problems tbody tr td").nth(1).inner_text() == "F (Numéro de série)"
    _fill_upload(page, FIXED.replace(b"KC-", b"KD-"), tmp_path, "manifeste-corrige.csv")
    page.click("#upload-submit")
    page.wait_for_url("**/console/manifests/*?stored=1")
    assert "KD-0001236" in page.inner_text("main")
    context.close()

    # The Ghanaian reader cannot open Senegal's manifest.
    context = browser.new_context()
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    key = _enrol(page, links["kofi.mensah@mod.gh"])
    _sign_in(page, base, "kofi.mensah@mod.gh", key)
    assert page.locator("a[href='/console/manifests/upload']").count() == 0
    response = page.goto(stored_url)
    assert response is not None
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert "KC-0001236" not in page.content()
    _shoot(page, "console-not-found-en.png")
    context.close()

    stored = httpx.get(f"{base}/console/healthz", timeout=5)
    assert stored.status_code == 200


def test_an_editor_uploads_a_french_manifest_and_another_state_cannot_open_it(
    register_base: str, tmp_path: Path
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            _journey(browser, register_base, tmp_path)
        finally:
            browser.close()
