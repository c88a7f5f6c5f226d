"""The weight of every console page, in a real browser (Debian's chromium, Playwright).

The list of pages is the console app's own GET routes (``create_app().routes``): a new
page is opened by both people unless placed below (its path parameters must be filled
in ``_paths`` first, or the test says so). Every page route is opened with its
path parameters filled from records seeded through the APIs, once by an ECOWAS analyst
and once by Senegal's admin (each signs in once, in one browser), each page as far as
that person may open it. The first page may carry the style sheet and script (within
``FIRST_LOAD_BUDGET``); every later page comes with them cached and must stay within
``REPEAT_VISIT_BUDGET`` (the statistics map: ``MAP_BUDGET``, its borders are inline).
A table of page and bytes is printed (``pytest -s`` shows it). SQLite only, like the
other browser journeys; no screenshots.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import routing
from fastapi.routing import APIRoute
from playwright.sync_api import Browser, Page, sync_playwright

from services.console.admin.clients_router import CONFIRMED as CLIENT_ACTIONS
from services.console.admin.service import CONFIRMED_ACTIONS as PERSON_ACTIONS
from services.console.app import create_app
from services.console.settings import ConsoleSettings
from tests.declarations.support import declaration
from tests.e2e.test_browser_cases import MAP_BUDGET, _client_headers
from tests.e2e.test_browser_console import (
    AXE,
    AXE_SERIOUS,
    FIRST_LOAD_BUDGET,
    REPEAT_VISIT_BUDGET,
    _enrol,
    _invite,
    _sign_in,
    _weight,
    register_base,
)
from tests.e2e.test_browser_signin import CHROMIUM, CHROMIUM_ARGS, _operator_headers, _post
from tests.e2e.test_index_feed import rifle, seizure_by_niger

__all__ = ["register_base"]  # the live register fixture

# GET routes that are not pages a person reads: files, redirects, the health probe.
NOT_PAGES = {
    "/console": "redirects to /console/",
    "/console/static/{fingerprint}/{name}": "the style sheet and script themselves",
    "/console/healthz": "a probe (JSON)",
    "/console/signin": "redirects to auth's sign-in page",
    "/console/callback": "the end of the sign-in flow: redirects",
    "/console/manifests/template.csv": "a CSV file",
    "/console/declarations/template.csv": "a CSV file",
    "/console/manifests/template.xlsx": "an XLSX file",
    "/console/declarations/template.xlsx": "an XLSX file",
    "/console/holdings/export.csv": "a CSV file",
    "/console/statistics.{extension}": "a CSV or XLSX file",
    "/console/trace-requests/{request_id}/pdf": "a PDF file",
    "/console/declarations/{declaration_id}/log-evidence": (
        "JSON the declaration page's log check fetches when the person asks for the check"
    ),
    "/console/statistics/map/picker.svg": (
        "an SVG image (28 KB, cached a day) the place pickers fetch only when asked"
    ),
    "/console/trace-requests/{request_id}/answer-file": "a downloaded file",
}
# The console's static files a page loaded, and how many bytes each took over the network
# (0: from the browser's cache).
STATIC_FILES = """() => Object.fromEntries(performance.getEntriesByType('resource')
  .filter(e => e.name.includes('/console/static/')).map(e => [e.name, e.transferSize]))"""
ANALYST = "aminata.kone@ecowas.int"
ADMIN = "awa.diop@defense.sn"
# The pages only one of the two may open (the other is refused): a member state's
# writing and its own administration; a secretariat's cases. Every other page, both.
ADMIN_ONLY = {
    "/console/manifests/upload",
    "/console/drafts/declaration/{draft_id}/edit",
    "/console/declarations/new",
    "/console/declarations/upload",
    "/console/declarations/{declaration_id}/amend",
    "/console/losses/new",
    "/console/drafts",
    "/console/drafts/{kind}/{draft_id}",
    "/console/admin/people",
    "/console/admin/people/invite",
    "/console/admin/people/{person_id}",
    "/console/admin/people/{person_id}/{action}",
    "/console/admin/webhooks",
    "/console/admin/webhooks/{endpoint_id}",
    "/console/admin/webhooks/{endpoint_id}/disable",
    "/console/admin/clients",
    "/console/admin/clients/{client_id}/{action}",
    "/console/admin/sessions",
    "/console/admin/sessions/{session_id}/end",
}
ANALYST_ONLY = {
    "/console/cases",
    "/console/cases/new",
    "/console/cases/{case_id}",
    "/console/cases/{case_id}/trace-requests/new",
    "/console/trace-requests/{request_id}",
    "/console/trace-requests",
}
NEITHER = {
    "/console/admin/organisations": "the operator's",
    "/console/admin/organisations/new": "the operator's",
}


@dataclass
class Seeded:
    """The records whose ids fill the pages' path parameters."""

    manifest_id: str
    declaration_id: str  # Senegal's own
    report_id: str
    alert_id: str
    case_id: str
    request_id: str
    manifest_draft_id: str
    declaration_draft_id: str
    endpoint_id: str
    client_id: str
    analyst_link: str
    admin_link: str


def _console_get_routes(tmp_path: Path) -> set[str]:
    app = create_app(ConsoleSettings(var_dir=tmp_path / "routes"))
    return {
        str(context.path)
        for context in routing.iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and "GET" in (context.methods or ())
    }


def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


def _seed(base: str, tmp_path: Path) -> Seeded:
    """Senegal's manifest, loss report, declaration and drafts, Niger's seizure of the
    Senegalese rifle (a diversion alert), ECOWAS's case and trace request, Senegal's
    webhook endpoint; the analyst and the admin invited."""
    operator = _operator_headers(base, tmp_path / "var")
    for kind, code in (("member_state", "SEN"), ("member_state", "NER"), ("secretariat", "ECOWAS")):
        body = {"type": kind, "code": code, "name": code}
        created = _post(base, "/auth/v1/organisations", body, operator)
        assert created.status_code in (201, 409), created.text
    writer = ["manifests:write", "declarations:write", "register:read"]
    sen_client = _created(
        _post(
            base,
            "/auth/v1/clients",
            {"organisation": "SEN", "name": "SEN", "scopes": writer},
            operator,
        )
    )
    sen = _client_headers(base, operator, "SEN", writer)
    niger = _client_headers(base, operator, "NER", ["declarations:write", "register:read"])
    ecowas = _client_headers(base, operator, "ECOWAS", ["register:read", "alerts:triage"])
    brought = {
        "direction": "in",
        "mission": "MINUSMA",
        "contributing_country": "SEN",
        "unit": "SENBATT 4",
        "crossing_date": "2023-02-01",
        "items": [rifle("56-0000123"), rifle("56-0000124")],
    }
    manifest_id = _created(_post(base, "/registry/v1/manifests", brought, sen))["id"]
    loss = {
        "mission": "MINUSMA",
        "contributing_country": "SEN",
        "loss_type": "stolen",
        "loss_date": "2024-05-01",
        "place": "Gao",
        "circumstances": "taken from the armoury",
        "items": [{"kind": "weapon", "serial_number": "56-0000124"}],
    }
    report_id = _created(_post(base, "/registry/v1/loss-reports", loss, sen))["id"]
    own = _created(_post(base, "/declarations/v1/declarations", declaration("SEN"), sen))["id"]
    seizure = seizure_by_niger("56 OOOO123", manufacturer="Kalashnikov Concern")
    seizure["event_date"] = "2024-05-10"  # Niger was an ECOWAS member: ECOWAS reads it
    seized = _created(_post(base, "/declarations/v1/declarations", seizure, niger))["id"]
    alerts: list[dict[str, Any]] = []
    for _ in range(30):
        _post(base, "/declarations/v1/index-feed/deliveries", {}, operator)
        alerts = httpx.get(f"{base}/registry/v1/alerts", headers=ecowas, timeout=10).json()["items"]
        if alerts:
            break
        time.sleep(0.5)
    assert alerts, "no diversion alert"
    alert_id = alerts[0]["id"]
    cases = "/registry/v1/cases"
    opened = {"title": "Seized rifle", "summary": "A SENBATT rifle", "from_alert": alert_id}
    case_id = _created(_post(base, cases, opened, ecowas))["id"]
    item = {"kind": "declared_item", "declaration_id": seized, "item_index": 0}
    item_id = _created(_post(base, f"{cases}/{case_id}/items", item, ecowas))["id"]
    asked = {
        "case_item_id": item_id,
        "recipient_country": "SEN",
        "recipient_role": "contributing_state",
        "recovery_context": "Seized at Ménaka",
        "request_text": "Where did it come from?",
    }
    request_id = _created(_post(base, f"{cases}/{case_id}/trace-requests", asked, ecowas))["id"]
    draft = {"body": {**brought, "items": [rifle("DRAFT-1")]}}
    manifest_draft_id = _created(_post(base, "/registry/v1/manifest-drafts", draft, sen))["id"]
    declaration_draft = {"body": declaration("SEN")}
    declaration_draft_id = _created(
        _post(base, "/declarations/v1/declaration-drafts", declaration_draft, sen)
    )["id"]
    hook = {"url": "https://93.184.215.14/hooks/register", "events": ["alert.raised"]}
    endpoint_id = _created(_post(base, "/registry/v1/webhooks", hook, sen))["id"]
    return Seeded(
        manifest_id=str(manifest_id),
        declaration_id=str(own),
        report_id=str(report_id),
        alert_id=str(alert_id),
        case_id=str(case_id),
        request_id=str(request_id),
        manifest_draft_id=str(manifest_draft_id),
        declaration_draft_id=str(declaration_draft_id),
        endpoint_id=str(endpoint_id),
        client_id=str(sen_client["client_id"]),
        analyst_link=_invite(base, operator, "ECOWAS", ANALYST, "analyst"),
        admin_link=_invite(base, operator, "SEN", ADMIN, "admin"),
    )


def _paths(template: str, seeded: Seeded, listed: dict[str, str]) -> list[str]:
    """The concrete paths of a page route (one per value of an ``{action}``)."""
    fills: dict[str, Callable[[], list[str]]] = {
        "/console/admin/people/{person_id}/{action}": lambda: [
            f"/console/admin/people/{listed['person_id']}/{action}" for action in PERSON_ACTIONS
        ],
        "/console/admin/clients/{client_id}/{action}": lambda: [
            f"/console/admin/clients/{seeded.client_id}/{action}" for action in CLIENT_ACTIONS
        ],
        "/console/drafts/{kind}/{draft_id}": lambda: [
            f"/console/drafts/manifest/{seeded.manifest_draft_id}",
            f"/console/drafts/declaration/{seeded.declaration_draft_id}",
        ],
        "/console/drafts/declaration/{draft_id}/edit": lambda: [
            f"/console/drafts/declaration/{seeded.declaration_draft_id}/edit"
        ],
    }
    if template in fills:
        return fills[template]()
    values = {
        "manifest_id": seeded.manifest_id,
        "declaration_id": seeded.declaration_id,
        "report_id": seeded.report_id,
        "alert_id": seeded.alert_id,
        "case_id": seeded.case_id,
        "request_id": seeded.request_id,
        "endpoint_id": seeded.endpoint_id,
        **listed,
    }
    try:
        return [template.format(**values)]
    except KeyError as missing:
        raise AssertionError(f"{template}: a new page? Fill its {missing} here") from None


def _weigh_pages(
    browser: Browser, base: str, email: str, link: str, templates: list[str], seeded: Seeded
) -> list[tuple[str, int, int]]:
    """Sign in once and open every page; (path, status, bytes) of each, in order; each
    page passes axe-core (no serious or critical violation)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(path=str(AXE))  # injected, never fetched: weighs nothing
    page: Page = context.new_page()
    key = _enrol(page, link)
    _sign_in(page, base, email, key)  # lands on /console/, style sheet and script too
    assert page.url == f"{base}/console/", page.url
    weighed = [("/console/", 200, _weight(page))]
    shared = set(page.evaluate(STATIC_FILES))  # every page's style sheet and script
    assert shared, "the first page loaded no style sheet or script"
    # Ids only a list page shows: a person of the organisation, the admin's own session.
    listed: dict[str, str] = {}
    for name, listing, pattern in (
        ("person_id", "/console/admin/people", r'href="/console/admin/people/(psn_[0-9a-f]{32})"'),
        (
            "session_id",
            "/console/admin/sessions",
            r'href="/console/admin/sessions/(ses_[0-9a-f]+)/end',
        ),
    ):
        if any(f"{{{name}}}" in t for t in templates):
            text = page.request.get(base + listing).text()
            found = re.search(pattern, text)
            assert found is not None, text
            listed[name] = found.group(1)
    for template in templates:
        for path in _paths(template, seeded, listed):
            response = page.goto(base + path)
            assert response is not None, path
            weighed.append((path, response.status, _weight(page)))
            # axe-core on every page: no serious or critical violation.
            violations = page.evaluate(AXE_SERIOUS)
            assert violations == [], (path, violations)
            # The style sheet and script came with the first page: cached since. (A
            # page's own script, such as log-check.js, counts in its first page's bytes.)
            fetched = {n: b for n, b in page.evaluate(STATIC_FILES).items() if n in shared}
            assert all(b == 0 for b in fetched.values()), (path, fetched)
    context.close()
    return weighed


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def test_every_console_page_stays_within_its_weight_budget(
    register_base: str, tmp_path: Path, browser: Browser
) -> None:
    routes = _console_get_routes(tmp_path)
    placed = set(NOT_PAGES) | ADMIN_ONLY | ANALYST_ONLY | set(NEITHER)
    assert placed - routes == set(), "no longer a route of the console"
    both = sorted(routes - placed - {"/console/"})  # a new page: both open it
    seeded = _seed(register_base, tmp_path)
    table: list[tuple[str, str, int, int]] = []
    for who, email, link, own in (
        ("analyst", ANALYST, seeded.analyst_link, ANALYST_ONLY),
        ("admin", ADMIN, seeded.admin_link, ADMIN_ONLY),
    ):
        weighed = _weigh_pages(browser, register_base, email, link, [*both, *sorted(own)], seeded)
        table += [(who, path, status, weight) for path, status, weight in weighed]
    print("\nperson   status   bytes  page")
    for who, path, status, weight in table:
        print(f"{who:8} {status:6} {weight:7,}  {path}")
    assert [(who, path, status) for who, path, status, _ in table if status != 200] == []
    over = []
    for who, path, _, weight in table:
        budget = REPEAT_VISIT_BUDGET
        if path == "/console/":  # the first page: the style sheet and script too
            budget = FIRST_LOAD_BUDGET
        elif path == "/console/statistics/map":  # its borders are inline in the page
            budget = MAP_BUDGET
        if not 0 < weight <= budget:
            over.append((who, path, weight, budget))
    assert over == []
