"""The documentation site (docs/, mkdocs.yml) builds offline and says what the code says.

``make test`` runs ``mkdocs build --strict`` before the suites (scripts/test.sh); these
tests check what a strict build cannot: the API reference pages are the ones
``scripts/openapi_reference.py`` writes from the committed OpenAPI documents, the site
publishes those documents byte for byte, includes SECURITY.md as it stands, and asks
the reader's browser for nothing from another host.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("auth", "registry", "declarations")


def load_reference_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "openapi_reference", ROOT / "scripts" / "openapi_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return target


def test_the_api_reference_pages_are_up_to_date() -> None:
    reference = load_reference_script()
    for path, text in reference.expected_pages().items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.relative_to(ROOT)} is stale: run `make openapi` and commit the result"
        )


def test_every_operation_of_the_committed_documents_has_a_row() -> None:
    reference = load_reference_script()
    for service in SERVICES:
        document = json.loads((ROOT / "openapi" / f"{service}.json").read_text())
        page = (ROOT / "docs" / "api" / f"{service}.md").read_text()
        for path, operations in document["paths"].items():
            for method in operations:
                if method in reference.METHODS:
                    assert f"| {method.upper()} | `{path}` |" in page, (service, method, path)


@pytest.mark.parametrize("name", [*SERVICES, "register"])
def test_the_site_publishes_the_committed_openapi_documents(site: Path, name: str) -> None:
    published = site / "api" / "openapi" / f"{name}.json"
    assert published.read_bytes() == (ROOT / "openapi" / f"{name}.json").read_bytes()


def test_the_reference_pages_link_the_published_documents(site: Path) -> None:
    for service in SERVICES:
        page = (site / "api" / f"{service}.html").read_text(encoding="utf-8")
        assert f'href="openapi/{service}.json"' in page


def test_the_security_page_carries_security_md_as_it_stands(site: Path) -> None:
    page = (site / "security.html").read_text(encoding="utf-8")
    security = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#{2,3} (.+)$", security, flags=re.MULTILINE)
    assert headings
    for heading in headings:
        assert heading.replace("'", "&#39;") in page or heading in page, heading
    assert "<!-- SECURITY.md -->" not in page


def test_the_site_loads_nothing_from_another_host(site: Path) -> None:
    """No web fonts, scripts or styles from a CDN: it reads on a closed network."""
    external = re.compile(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="(?:https?:)?//', re.I)
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not external.search(text), page.relative_to(site)
        assert "fonts.googleapis.com" not in text, page.relative_to(site)
    for style in site.rglob("*.css"):
        assert "@import url(http" not in style.read_text(encoding="utf-8"), style


def test_drafts_for_the_integrator_are_not_published(site: Path) -> None:
    assert (ROOT / "docs" / "_readme_proposal.md").exists()
    assert not list(site.rglob("_readme_proposal*"))
