"""The committed OpenAPI documents are exactly what the code produces (`make openapi`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.cli.openapi_commands import render
from services.cli.openapi_documents import combined_document, service_documents

OPENAPI_DIR = Path(__file__).resolve().parents[2] / "openapi"


@pytest.fixture(scope="module")
def documents() -> dict[str, dict]:
    return service_documents()


@pytest.mark.parametrize("name", ["auth", "registry", "declarations", "register"])
def test_committed_document_matches_code(name: str, documents: dict[str, dict]) -> None:
    document = combined_document(documents) if name == "register" else documents[name]
    committed = OPENAPI_DIR / f"{name}.json"
    assert committed.exists(), f"{committed} is missing: run `make openapi`"
    assert committed.read_text(encoding="utf-8") == render(document), (
        f"openapi/{name}.json is stale: run `make openapi` and commit the result"
    )


def test_operation_ids_are_unique_and_prefixed(documents: dict[str, dict]) -> None:
    seen: set[str] = set()
    for service, document in documents.items():
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                operation_id = operation["operationId"]
                assert operation_id.startswith(f"{service}_"), (path, method)
                assert operation_id not in seen
                seen.add(operation_id)
