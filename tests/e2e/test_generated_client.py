"""An integrator's client generated from the committed OpenAPI documents works.

The integrator's guide (docs/integrator.md) tells a ministry to generate a Python client
from ``openapi/auth.json`` and ``openapi/registry.json`` with openapi-python-client (a
pinned dev dependency; no network needed). This test does exactly that into a temporary
folder, then drives a real ``regctl serve all`` with the generated code alone: the
operator's token, a ministry and its API client, the ministry's token, a manifest (with
an Idempotency-Key, replayed), a refused manifest read as an RFC 9457 problem, and the
list. A document the generator cannot read, or an operation whose schema no longer
matches what the server answers, fails here.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.e2e.live_server import live_register

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


def generate_client(service: str, folder: Path) -> str:
    """Generate the client of ``openapi/{service}.json`` under ``folder``; its package name."""
    package = f"generated_{service}_client"
    config = folder / f"{service}-config.json"
    # No post hooks: the generated code is used as written, not reformatted by ruff.
    # PDFs (trace requests) are bytes to the client, as the integrator's guide says.
    config.write_text(
        json.dumps(
            {
                "post_hooks": [],
                "package_name_override": package,
                "content_type_overrides": {"application/pdf": "application/octet-stream"},
            }
        )
    )
    result = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(ROOT / "openapi" / f"{service}.json"),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(folder / package),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # The generator warns (and skips the operation) on what it cannot model.
    assert "warning" not in output.lower(), output
    return package


def load(package: str, module: str) -> ModuleType:
    return importlib.import_module(f"{package}.{module}")


@pytest.fixture
def generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    folder = tmp_path / "clients"
    folder.mkdir()
    packages = {service: generate_client(service, folder) for service in ("auth", "registry")}
    monkeypatch.syspath_prepend(str(folder))
    for name in list(sys.modules):  # a previous test's copy of the same package names
        if name.startswith(tuple(packages.values())):
            del sys.modules[name]
    return packages


def token(auth: ModuleType, client: Any, client_id: str, secret: str) -> str:
    body_module = load(auth.__name__, "models.auth_token_body")
    grant_module = load(auth.__name__, "models.auth_token_body_grant_type")
    token_module = load(auth.__name__, "api.tokens.auth_token")
    answer = token_module.sync(
        client=client,
        body=body_module.AuthTokenBody(
            grant_type=grant_module.AuthTokenBodyGrantType.CLIENT_CREDENTIALS,
            client_id=client_id,
            client_secret=secret,
        ),
    )
    assert type(answer).__name__ == "TokenResponse", answer
    return str(answer.access_token)


MANIFEST = {
    "direction": "in",
    "mission": "MINUSCA",
    "contributing_country": "SEN",
    "unit": "SENBATT 7",
    "crossing_date": "2024-03-01",
    "items": [
        {
            "kind": "weapon",
            "category": "assault_rifle",
            "manufacturer": "Kalashnikov Concern",
            "model": "AK-103",
            "calibre": "7.62x39mm",
            "serial_number": "KC-000101",
        },
        {
            "kind": "ammunition",
            "calibre": "7.62x39mm",
            "lot_number": "LOT-2021-7",
            "quantity": 5000,
        },
    ],
}


def test_a_client_generated_from_the_committed_documents_creates_a_manifest(
    generated: dict[str, str], database_urls: dict[str, str], tmp_path: Path
) -> None:
    auth = importlib.import_module(generated["auth"])
    registry = importlib.import_module(generated["registry"])
    var_dir = tmp_path / "server"
    var_dir.mkdir()
    with live_register(database_urls, var_dir) as base, ExitStack() as clients_open:
        operator = json.loads((var_dir / "credentials.json").read_text())
        anonymous = clients_open.enter_context(auth.Client(base_url=base))
        admin = clients_open.enter_context(
            auth.AuthenticatedClient(
                base_url=base,
                token=token(auth, anonymous, operator["client_id"], operator["client_secret"]),
            )
        )

        organisation = load(auth.__name__, "api.organisations.auth_create_organisation")
        organisation_create = load(auth.__name__, "models.organisation_create")
        created = organisation.sync_detailed(
            client=admin,
            body=organisation_create.OrganisationCreate.from_dict(
                {"type": "member_state", "code": "SEN", "name": "Senegal, Ministry of Defence"}
            ),
        )
        assert created.status_code == 201, created.content

        clients = load(auth.__name__, "api.clients.auth_create_client")
        client_create = load(auth.__name__, "models.client_create")
        ministry = clients.sync(
            client=admin,
            body=client_create.ClientCreate.from_dict(
                {
                    "organisation": "SEN",
                    "name": "SEN national system",
                    "scopes": ["manifests:write", "register:read"],
                }
            ),
        )
        assert type(ministry).__name__ == "ClientCreated", ministry
        sen = clients_open.enter_context(
            registry.AuthenticatedClient(
                base_url=base,
                token=token(auth, anonymous, ministry.client_id, ministry.client_secret),
            )
        )

        create = load(registry.__name__, "api.manifests.registry_create_manifest")
        manifest_create = load(registry.__name__, "models.manifest_create")
        body = manifest_create.ManifestCreate.from_dict(MANIFEST)
        first = create.sync_detailed(client=sen, body=body, idempotency_key="senbatt7-in-1")
        assert first.status_code == 201, first.content
        manifest = first.parsed
        assert type(manifest).__name__ == "ManifestRead"
        assert (manifest.mission, manifest.unit, manifest.item_count) == ("MINUSCA", "SENBATT 7", 2)
        assert manifest.submitted_by.organisation == "SEN"

        replay = create.sync_detailed(client=sen, body=body, idempotency_key="senbatt7-in-1")
        assert replay.status_code == 201
        assert replay.headers["idempotent-replayed"] == "true"
        assert replay.parsed.id == manifest.id

        broken = dict(MANIFEST, items=[dict(MANIFEST["items"][0], serial_number=None)])
        refused = create.sync_detailed(
            client=sen, body=manifest_create.ManifestCreate.from_dict(broken)
        )
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.parsed
        assert type(problem).__name__ == "Problem"
        assert problem.status == 422
        assert [error.loc for error in problem.errors] == ["items[0].serial_number"]

        listing = load(registry.__name__, "api.manifests.registry_list_manifests")
        page = listing.sync(client=sen, mission="MINUSCA")
        assert [item.id for item in page.items] == [manifest.id]
