"""``regctl openapi``: write the committed OpenAPI documents."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from services.cli.openapi_documents import combined_document, service_documents


def register(subparsers: Any) -> None:
    """Add ``openapi``."""
    openapi = subparsers.add_parser("openapi", help="Write openapi/*.json from the code")
    openapi.add_argument("--out", type=Path, default=Path("openapi"))
    openapi.set_defaults(handler=run_openapi)


def render(document: dict[str, Any]) -> str:
    """The stable text form of a document (sorted keys, trailing newline)."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def run_openapi(args: argparse.Namespace) -> int:
    """Write one document per service plus the combined one."""
    args.out.mkdir(parents=True, exist_ok=True)
    documents = service_documents()
    for name, document in documents.items():
        (args.out / f"{name}.json").write_text(render(document), encoding="utf-8")
    (args.out / "register.json").write_text(render(combined_document(documents)), encoding="utf-8")
    print(f"wrote {len(documents) + 1} documents to {args.out}/")
    return 0
