"""A tracing case in a real browser (Debian's chromium driven by Playwright).

Senegal's rifle 56-0000123 entered MINUSMA; Niger declared a seized "56 OOOO123"; the
relay delivers the seizure and the registry raises a diversion alert. An ECOWAS analyst
opens a case from the alert, adds the seized rifle, prepares a French trace request to
Senegal (the contributing state) with its fields prefilled, downloads its PDF (read with
pypdf: the serial and the requester), marks it sent, records the answer with its outcome,
and the statistics page shows one traced weapon. Every page shot passes axe-core;
screenshots in English and French (with a refused form) go to docs/screenshots/.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Browser, Page, Route, sync_playwright
from pypdf import PdfReader

from tests.e2e.test_browser_console import (
    _enrol,
    _invite,
    _shoot,
    _sign_in,
    _weight,
    register_base,
)
from tests.e2e.test_browser_signin import CHROMIUM, CHROMIUM_ARGS, _operator_headers, _post
from tests.e2e.test_index_feed import rifle, seizure_by_niger

# The console's budget for a page once its style sheet and script are cached (the map is
# drawn on the server, its borders inline in the page).
MAP_BUDGET = 100 * 1024

__all__ = ["register_base"]  # the live register fixture


def _client_headers(base: str, operator: dict[str, str], org: str, scopes: list[str]) -> dict:
    body = {"organisation": org, "name": f"{org} client", "scopes": scopes}
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


def _diversion(base: str, tmp_path: Path) -> tuple[str, str, str]:
    """The diversion alert's id, the seizure's declaration id and the analyst's link."""
    operator = _operator_headers(base, tmp_path / "var")
    for kind, code in (("member_state", "SEN"), ("member_state", "NER"), ("secretariat", "ECOWAS")):
        body = {"type": kind, "code": code, "name": code}
        created = _post(base, "/auth/v1/organisations", body, operator)
        assert created.status_code in (201, 409), created.text
    senegal = _client_headers(base, operator, "SEN", ["manifests:write", "register:read"])
    niger = _client_headers(base, operator, "NER", ["declarations:write", "register:read"])
    ecowas = _client_headers(base, operator, "ECOWAS", ["register:read"])
    manifest = {
        "direction": "in",
        "mission": "MINUSMA",
        "contributing_country": "SEN",
        "unit": "SENBATT 4",
        "crossing_date": "2023-02-01",
        "items": [rifle("56-0000123")],
    }
    assert _post(base, "/registry/v1/manifests", manifest, senegal).status_code == 201
    seizure = seizure_by_niger("56 OOOO123", manufacturer="Kalashnikov Concern")
    # Seized while Niger was an ECOWAS member (it left on 29 January 2025): ECOWAS reads it.
    seizure["event_date"] = "2024-05-10"
    declared = _post(base, "/declarations/v1/declarations", seizure, niger)
    assert declared.status_code == 201, declared.text
    alerts: list[dict[str, str]] = []
    for _ in range(30):
        _post(base, "/declarations/v1/index-feed/deliveries", {}, operator)
        alerts = httpx.get(f"{base}/registry/v1/alerts", headers=ecowas, timeout=10).json()["items"]
        if alerts:
            break
        time.sleep(0.5)
    assert [a["kind"] for a in alerts] == ["diversion"], alerts
    _map_places(base, operator, niger, ecowas)
    link = _invite(base, operator, "ECOWAS", "aminata.kone@ecowas.int", "analyst")
    return alerts[0]["id"], str(declared.json()["id"]), link


def _map_places(base: str, operator: dict, niger: dict, ecowas: dict) -> None:
    """Two more collections for the map: one near Ménaka in 2024 (the two are drawn as
    one cluster of 2), one at Gao in 2023 (the year slider's other year)."""
    for place, lat, lon, day in (
        ("Andéramboukane", 15.42, 3.02, "2024-06-01"),
        ("Gao", 16.27, -0.04, "2023-03-15"),
    ):
        body = {
            "type": "collection",
            "declaring_country": "NER",
            "mission": "MINUSMA",
            "event_date": day,
            "location": {"country": "MLI", "place": place, "lat": lat, "lon": lon},
            "items": [{"kind": "part", "description": "magazine", "quantity": 2}],
        }
        assert _post(base, "/declarations/v1/declarations", body, niger).status_code == 201
    places = f"{base}/registry/v1/statistics/locations.geojson"
    for _ in range(30):
        _post(base, "/declarations/v1/index-feed/deliveries", {}, operator)
        if len(httpx.get(places, headers=ecowas, timeout=10).json()["features"]) == 3:
            return
        time.sleep(0.5)
    raise AssertionError("the map's places were not indexed")


def _journey(browser: Browser, base: str, tmp_path: Path) -> None:
    alert_id, declaration_id, link = _diversion(base, tmp_path)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.add_init_script(path=str(Path(__file__).parent / "vendor/axe-core-4.10.2/axe.min.js"))
    # Nothing but the register: every request to another address is aborted and kept.
    elsewhere: list[str] = []

    def only_the_register(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_register)
    page: Page = context.new_page()
    key = _enrol(page, link)
    _sign_in(page, base, "aminata.kone@ecowas.int", key, start=f"/console/alerts/{alert_id}")
    page.click("text=Open a case from this alert")
    page.wait_for_url(f"{base}/console/cases/new?alert={alert_id}")
    page.fill("#title", "Fusil 56-0000123 saisi à Ménaka")
    page.fill("#summary", "Un fusil du SENBATT saisi par les forces nigériennes.")
    page.click("button[type=submit] >> text=Open the case")
    page.wait_for_url(f"{base}/console/cases/*")
    case_url = page.url
    page.fill("#declaration_id", declaration_id)
    page.fill("#item_index", "0")
    page.click("text=Add the item")
    page.wait_for_load_state()
    page.wait_for_selector("text=Prepare a trace request")
    assert page.url == f"{case_url}#items", page.url
    _shoot(page, "console-case-en.png")
    page.click("text=Prepare a trace request")
    page.wait_for_url("**/trace-requests/new?item=*")
    assert page.input_value("#marking") == "56 OOOO123"  # prefilled from the seized rifle
    page.goto(page.url + "&lang=fr")
    page.click("button[type=submit] >> text=Préparer la demande")  # nothing filled in
    page.wait_for_selector(".error-summary")
    assert page.locator(".error-summary li").count() == 4
    _shoot(page, "console-trace-request-refused-fr.png")
    page.fill("#recipient_country", "SEN")
    page.select_option("#recipient_role", "contributing_state")
    page.select_option("#language", "fr")
    page.fill("#recovery_context", "Saisi par les forces nigériennes à Ménaka.")
    page.fill("#request_text", "Merci d’indiquer l’origine de cette arme.")
    page.click("button[type=submit] >> text=Préparer la demande")
    page.wait_for_url(f"{base}/console/trace-requests/*")
    request_url = page.url
    with page.expect_download() as download:
        page.click("text=Télécharger la demande (PDF)")
    pdf = Path(download.value.path()).read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "56 OOOO123" in text
    assert "ECOWAS" in text
    # The seizure's inclusion proof and signed checkpoint, as the declarations log gave them.
    proof = json.loads(reader.attachments["log-proof.json"][0])
    assert proof["checkpoint"].splitlines()[1] == str(proof["tree_size"])
    page.click("button[type=submit] >> text=Marquer comme envoyée")
    page.wait_for_selector("text=Enregistrer la réponse")
    page.fill("#text", "Le fusil était affecté au SENBATT 4.")
    page.check("#result-established")
    page.select_option("#outcome-kind", "contingent_owned_equipment")
    page.fill("#outcome-state", "SEN")
    page.click("button[type=submit] >> text=Enregistrer la réponse")
    page.wait_for_selector("text=Matériel appartenant aux contingents")
    _shoot(page, "console-trace-request-fr.png")
    page.goto(f"{request_url}?lang=en")
    _shoot(page, "console-trace-request-en.png")
    page.goto(f"{base}/console/statistics?group_by=country")
    assert page.locator(".traced strong").inner_text() == "1"
    _shoot(page, "console-statistics-en.png")
    page.goto(f"{base}/console/statistics?group_by=year&lang=fr")
    _shoot(page, "console-statistics-fr.png")
    page.goto(f"{base}/console/statistics?date_from=2024-13-45&lang=fr")
    assert page.locator(".error-summary li").count() == 1
    _shoot(page, "console-statistics-refused-fr.png")
    page.goto(f"{base}/console/statistics/map?lang=fr")
    # Ménaka and Andéramboukane are one cluster of 2 at this scale; Gao is drawn alone.
    cluster = page.locator(".map__svg a.map__cluster")
    assert cluster.count() == 1
    assert cluster.get_attribute("data-count") == "2"
    assert cluster.locator("text").text_content() == "2"
    drawn = page.locator(".map__svg a.map__point:not([display])")
    assert drawn.count() == 1
    _shoot(page, "console-map-fr.png")
    page.fill("#map-year", "2023")  # the slider: Gao only
    assert cluster.count() == 0
    assert drawn.count() == 1
    assert page.locator("#map-year-label").inner_text() == "2023"
    page.fill("#map-year", "2024")  # Ménaka's year: the cluster, which opens its records
    assert drawn.count() == 0
    cluster.click()
    assert page.locator("#map-records a").count() == 2  # zoomed in, the two listed
    assert page.locator(".map__svg a.map__point:not([display])").count() == 2
    assert page.locator("#map-records a[href^='/console/declarations/']").count() == 2
    # The map draws on the borders the register serves: it asked nothing of anyone else,
    # and stays within the console's page budget (its style sheet cached by now).
    assert elsewhere == []
    map_weight = _weight(page)
    assert 0 < map_weight <= MAP_BUDGET, map_weight
    # Each kind its own mark, resized as one zooms: Andéramboukane's collection a triangle.
    triangle = page.locator(".map__svg a.map__point:not([display]) path.map__collection")
    assert triangle.count() == 1
    assert "scale(" in (triangle.get_attribute("transform") or "")
    # The filters: the collections only, the seizure at Ménaka left out.
    page.goto(f"{base}/console/statistics/map?type=collection&lang=fr")
    assert page.locator(".map__svg a.map__point circle").count() == 0
    assert page.locator(".map__svg a.map__point path.map__collection").count() == 2
    assert page.locator("#type option[selected]").inner_text() == "Collecte"
    context.close()


def test_an_ecowas_analyst_traces_a_diverted_rifle_to_an_answer_in_a_real_browser(
    register_base: str, tmp_path: Path
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            _journey(browser, register_base, tmp_path)
        finally:
            browser.close()
