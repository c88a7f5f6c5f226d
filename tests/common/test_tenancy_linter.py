"""The tenancy check (``scripts/linters/tenancy.py``) flags what it should and only that.

Snippets are written under a throwaway ``services/`` tree (the checker's root is
pointed at it), so the tenant tables of the registry apply to them.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

LINTER = Path(__file__).resolve().parents[2] / "scripts" / "linters" / "tenancy.py"


def _load_linter() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tenancy_linter", LINTER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve the module's annotations through sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


linter = _load_linter()
Write = Callable[[str, str], Path]

HEADER = """\
from sqlalchemy import select
from sqlmodel import Session

from services.common.security import ReadScope
from services.registry.models.handles import manifests
"""


@pytest.fixture
def write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Write:
    monkeypatch.setattr(linter, "ROOT", tmp_path)

    def write(relative: str, body: str) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HEADER + body, encoding="utf-8")
        return path

    return write


def _messages(paths: list[Path]) -> list[str]:
    return [finding.message for finding in linter.check(paths)]


def test_a_repository_function_reading_a_tenant_table_without_scope_or_note_is_flagged(
    write: Write,
) -> None:
    path = write(
        "services/registry/things/repository.py",
        """
def every_manifest(session: Session) -> list[object]:
    return list(session.execute(select(manifests)).all())
""",
    )
    findings = linter.check([path])
    assert [(f.line, f.message.split(" ")[0]) for f in findings] == [(7, "every_manifest()")]
    assert "without the caller's ReadScope" in findings[0].message


def test_a_repository_function_applying_the_callers_read_scope_passes(
    write: Write,
) -> None:
    path = write(
        "services/registry/things/repository.py",
        """
def readable_manifests(session: Session, *, scope: ReadScope) -> list[object]:
    statement = select(manifests).where(
        scope.clause(manifests.c.contributing_country, manifests.c.crossing_date)
    )
    return list(session.execute(statement).all())
""",
    )
    assert _messages([path]) == []


def test_a_read_scope_taken_but_never_applied_is_flagged(
    write: Write,
) -> None:
    path = write(
        "services/registry/things/repository.py",
        """
def readable_manifests(session: Session, *, scope: ReadScope) -> list[object]:
    return list(session.execute(select(manifests)).all())
""",
    )
    assert len(_messages([path])) == 1


def test_a_repository_function_with_a_tenancy_note_above_its_def_passes(
    write: Write,
) -> None:
    path = write(
        "services/registry/things/repository.py",
        """
# tenancy: background job over every contingent, answers no caller
def every_manifest(session: Session) -> list[object]:
    return list(session.execute(select(manifests)).all())
""",
    )
    assert _messages([path]) == []


def test_a_topic_repository_module_counts_as_a_repository(
    write: Write,
) -> None:
    path = write(
        "services/registry/things/bulk_repository.py",
        """
def every_manifest(session: Session) -> list[object]:
    return list(session.execute(select(manifests)).all())
""",
    )
    assert len(_messages([path])) == 1  # the read rule applies, not "outside a repository"
    assert "outside a repository" not in _messages([path])[0]


def test_select_outside_a_repository_is_flagged(
    write: Write,
) -> None:
    path = write(
        "services/registry/things/service.py",
        """
def every_manifest(session: Session, *, scope: ReadScope) -> list[object]:
    statement = select(manifests).where(
        scope.clause(manifests.c.contributing_country, manifests.c.crossing_date)
    )
    return list(session.execute(statement).all())
""",
    )
    assert _messages([path]) == [
        "select() outside a repository",
        "columns of manifests read outside a repository",
        "columns of manifests read outside a repository",
    ]


def test_the_services_tree_passes_the_check() -> None:
    services = linter.SERVICES
    paths = sorted(p for p in services.rglob("*.py") if "__pycache__" not in p.parts)
    assert [str(finding) for finding in linter.check(paths)] == []
