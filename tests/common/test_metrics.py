"""``GET /{service}/metrics``: Prometheus text, for a metrics:read or admin token only, with
figures that move with traffic (requests per route template, log size, index-feed backlog,
alerts by kind and status)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.conftest import BACKEND
from tests.declarations.support import declaration
from tests.registry.factories import INDEX, declared_weapon, delivery
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

SERVICES = ("auth", "registry", "declarations")


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition ``text`` (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = re.fullmatch(r"([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)", line)
        if match is None or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
        if found == labels:
            return float(match.group(3))
    return 0.0


def scrape(client: TestClient, service: str, headers: dict[str, str]) -> str:
    response = client.get(f"/{service}/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return response.text


@pytest.mark.parametrize("service", SERVICES)
def test_metrics_without_a_token_is_401(client: TestClient, service: str) -> None:
    response = client.get(f"/{service}/metrics")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_metrics_with_a_register_token_but_no_metrics_scope_is_403(
    client: TestClient, auth_api: AuthApi
) -> None:
    response = client.get("/registry/metrics", headers=auth_api.member_state_headers("SEN"))
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_a_metrics_read_client_scrapes_figures_that_change_with_traffic(
    client: TestClient, auth_api: AuthApi
) -> None:
    scraper = auth_api.operator_headers(["metrics:read"])
    before = {service: scrape(client, service, scraper) for service in SERVICES}
    senegal = auth_api.member_state_headers("SEN")
    declarations = [
        assert_status(
            client.post("/declarations/v1/declarations", json=declaration(), headers=senegal)
        )
        for _ in range(3)
    ]
    one = client.get(f"/declarations/v1/declarations/{declarations[0]['id']}", headers=senegal)
    assert one.status_code == 200
    listing = client.get("/declarations/v1/declarations?limit=1", headers=senegal)
    assert listing.status_code == 200
    assert client.get("/registry/v1/no-such-thing/12345", headers=senegal).status_code == 404
    after = {service: scrape(client, service, scraper) for service in SERVICES}

    requests = "register_http_requests_total"
    posted = {"route": "/declarations/v1/declarations", "method": "POST", "status_class": "2xx"}
    assert sample(after["declarations"], requests, **posted) == (
        sample(before["declarations"], requests, **posted) + 3
    )
    # A raw path never becomes a label: the unknown path counts under "unmatched".
    unmatched = {"route": "unmatched", "method": "GET", "status_class": "4xx"}
    assert sample(after["registry"], requests, **unmatched) == (
        sample(before["registry"], requests, **unmatched) + 1
    )
    assert "no-such-thing" not in after["registry"]
    # A path with an id counts under its template, never under the id.
    assert declarations[0]["id"] not in after["declarations"]
    by_id = {"route": "/declarations/v1/declarations/{declaration_id}", "method": "GET"}
    assert sample(after["declarations"], requests, **by_id, status_class="2xx") == 1
    latency = "register_http_request_duration_seconds_count"
    timed = {"route": "/declarations/v1/declarations", "method": "POST"}
    assert sample(after["declarations"], latency, **timed) >= 3
    # Each service shows its own requests only (three apps share the embedded process).
    assert sample(after["registry"], requests, **posted) == 0

    log_entries = "register_declarations_log_entries"
    assert (
        sample(after["declarations"], log_entries)
        == sample(before["declarations"], log_entries) + 3
    )
    # The relay is off in tests: the three versions wait for the registry's index.
    backlog = "register_index_feed_pending"
    assert sample(after["declarations"], backlog) == sample(before["declarations"], backlog) + 3
    assert sample(after["declarations"], "register_database_up") == 1


def test_the_registry_counts_alerts_by_kind_and_status(
    client: TestClient, auth_api: AuthApi
) -> None:
    scraper = auth_api.admin_headers()
    before = scrape(client, "registry", scraper)
    feeder = auth_api.operator_headers(("index:write",))
    rifle = {"year_of_manufacture": 2015, "manufacturer": "Izhmash"}
    first = delivery([declared_weapon(0, None, **rifle)])
    second = delivery([declared_weapon(0, None, **rifle)], declaration_id="decl-2", country="MLI")
    for body in (first, second):
        assert client.post(INDEX, json=body, headers=feeder).status_code == 200
    after = scrape(client, "registry", scraper)
    assert sample(after, "register_alerts", kind="linkage", status="open") == (
        sample(before, "register_alerts", kind="linkage", status="open") + 1
    )


DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
POOL_METRICS = {
    "register_db_pool_size",
    "register_db_pool_checked_out",
    "register_db_pool_overflow",
    "register_db_pool_checked_in",
}


def test_the_deployed_rules_and_dashboard_name_only_metrics_the_register_exports(
    client: TestClient, auth_api: AuthApi
) -> None:
    scraper = auth_api.operator_headers(["metrics:read"])
    client.get("/registry/healthz")
    exported: set[str] = set()
    for service in SERVICES:
        text = scrape(client, service, scraper)
        exported |= {line.split()[0] for line in text.splitlines() if not line.startswith("#")}
        exported |= {n.split("{")[0] for n in exported}
    if BACKEND == "sqlite":  # SQLite has no connection pool to report
        exported |= POOL_METRICS
    else:
        assert exported >= POOL_METRICS
    named = set()
    for path in (
        DEPLOY / "prometheus" / "alerts.yml",
        DEPLOY / "grafana" / "salw-register-dashboard.json",
    ):
        named |= set(re.findall(r"\bregister_[a-z_]+", path.read_text()))
    yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    json.loads((DEPLOY / "grafana" / "salw-register-dashboard.json").read_text())
    assert named
    assert named <= exported, sorted(named - exported)
