"""Build the OpenAPI documents of the three services and the combined one."""

from __future__ import annotations

import copy
import json
from typing import Any

from services.auth.app import create_app as create_auth_app
from services.auth.settings import AuthSettings
from services.declarations.app import create_app as create_declarations_app
from services.declarations.settings import DeclarationsSettings
from services.registry.app import create_app as create_registry_app
from services.registry.settings import RegistrySettings


def service_documents() -> dict[str, dict[str, Any]]:
    """Each service's OpenAPI document, as its app serves it."""
    # An in-memory database: building the document never touches real data.
    memory = "sqlite://"
    apps = {
        "auth": create_auth_app(AuthSettings(database_url=memory, docs_enabled=True)),
        "registry": create_registry_app(RegistrySettings(database_url=memory, docs_enabled=True)),
        "declarations": create_declarations_app(
            DeclarationsSettings(database_url=memory, docs_enabled=True)
        ),
    }
    return {name: app.openapi() for name, app in apps.items()}


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                name = value.rsplit("/", 1)[-1]
                value = "#/components/schemas/" + renames.get(name, name)
            out[key] = _rename_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rename_refs(v, renames) for v in node]
    return node


def combined_document(documents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One document with every path; schemas that clash get the service's name as a prefix."""
    combined: dict[str, Any] = {
        "openapi": next(iter(documents.values()))["openapi"],
        "info": {
            "title": "SALW register for peace operations",
            "version": next(iter(documents.values()))["info"]["version"],
            "description": "The auth, registry and declarations services under one document.",
        },
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": {}},
        "tags": [],
    }
    schemas: dict[str, Any] = combined["components"]["schemas"]
    for service, original in documents.items():
        document = copy.deepcopy(original)
        own = document.get("components", {}).get("schemas", {})
        renames = {
            name: f"{service.capitalize()}{name}"
            for name, schema in own.items()
            if name in schemas
            and json.dumps(schemas[name], sort_keys=True) != json.dumps(schema, sort_keys=True)
        }
        document = _rename_refs(document, renames)
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            schemas[renames.get(name, name)] = schema
        combined["components"]["securitySchemes"].update(
            document.get("components", {}).get("securitySchemes", {})
        )
        combined["paths"].update(document.get("paths", {}))
        combined["tags"].extend(document.get("tags", []))
    return combined
