"""The API documentation pages work with no internet: Debian's chromium with every request
to anything but 127.0.0.1 aborted still renders each service's operations.

SQLite only (no database fixture), like the other browser test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.live_server import live_register

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SERVICES = ("auth", "registry", "declarations")

if not CHROMIUM.exists():  # scripts/test.sh installs it: `make test` never gets here
    pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Route, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def register_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var_dir = tmp_path_factory.mktemp("docs") / "var"
    var_dir.mkdir()
    urls = {name: f"sqlite:///{var_dir / (name + '.db')}" for name in SERVICES}
    with live_register(urls, var_dir) as base:
        yield base


@pytest.mark.parametrize("service", SERVICES)
def test_the_docs_page_renders_its_operations_with_the_internet_blocked(
    register_base: str, service: str, tmp_path: Path
) -> None:
    requested: list[str] = []
    aborted: list[str] = []
    problems: list[str] = []

    def only_loopback(route: Route) -> None:
        url = route.request.url
        requested.append(url)
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            aborted.append(url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", only_loopback)
            page.on(
                "console",
                lambda message: problems.append(message.text) if message.type == "error" else None,
            )
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(f"{register_base}/{service}/docs")
            operations = page.locator(".opblock-summary")
            operations.first.wait_for(timeout=60_000)
            count = operations.count()
            page.screenshot(path=str(tmp_path / f"{service}-docs.png"))
        finally:
            browser.close()

    assert count >= 2
    assert aborted == [], aborted
    # Nothing refused by the Content-Security-Policy, no script error.
    assert problems == [], problems
    assert any(url.endswith("/docs/assets/swagger-ui-bundle.js") for url in requested)


def test_the_docs_page_allows_scripts_from_the_register_only(register_base: str) -> None:
    page = httpx.get(f"{register_base}/registry/docs", timeout=10)
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "https:" not in page.text
    assert "http:" not in page.text
    asset = httpx.get(f"{register_base}/registry/docs/assets/swagger-ui-bundle.js", timeout=10)
    assert asset.status_code == 200
    assert asset.headers["content-type"].startswith("text/javascript")
    unknown = httpx.get(f"{register_base}/registry/docs/assets/..%2Fapp.py", timeout=10)
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
