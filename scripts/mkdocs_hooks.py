"""MkDocs hook: publish the committed OpenAPI documents beside the API reference pages.

``openapi/{auth,registry,declarations,register}.json`` are the source of truth; copying
them at build time (rather than into ``docs/``) keeps one copy in the repository. The
pages link to ``api/openapi/<name>.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

OPENAPI_DIR = Path(__file__).resolve().parents[1] / "openapi"


def on_files(files: Files, config: Any) -> Files:
    """Add every committed OpenAPI document to the site under ``api/openapi/``."""
    for document in sorted(OPENAPI_DIR.glob("*.json")):
        files.append(
            File.generated(config, f"api/openapi/{document.name}", abs_src_path=str(document))
        )
    return files


SECURITY_MARKER = "<!-- SECURITY.md -->"
SECURITY_FILE = OPENAPI_DIR.parent / "SECURITY.md"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Put ``SECURITY.md`` (from its first section on) where security.md marks it.

    One text for the repository and the site: the page never drifts from the file.
    """
    if SECURITY_MARKER not in markdown:
        return markdown
    text = SECURITY_FILE.read_text(encoding="utf-8")
    body = text[text.index("\n## ") + 1 :]
    return markdown.replace(SECURITY_MARKER, body)
