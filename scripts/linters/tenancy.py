"""Tenancy check: every query on a tenant-scoped table goes through the tenancy helper.

Two rules, checked on the syntax tree of every module under ``services/``:

1. SQL is built in repositories only. Outside ``repository.py`` (or
   ``<topic>_repository.py``) modules (and the
   shared kernel, the table definitions and the CLI), no code calls ``select``,
   ``insert``, ``update``, ``delete`` or ``text``, nor reads a table's columns
   (``table.c.name``).
2. In a repository, a function that selects from a tenant-scoped table (records
   one state owns: manifests, loss reports, declarations and their items, the
   index of declared items) either takes the caller's ``ReadScope`` (a parameter
   annotated ``ReadScope``, or ``visible``, the scope's ``clause``) and uses it,
   or says on its ``def`` line, or the line above, why it may read across states:
   ``# tenancy: <reason>`` (a write path checking the caller's own country, a
   background job, a rule that must see every state's records and reveals none).

The point is that an unfiltered read of another state's records cannot be written
by accident: it must name its reason where a reviewer sees it. Run by ``make lint``;
exits 1 and lists every finding.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[2]
SERVICES: Final = ROOT / "services"

# Tables (their SQLModel classes and Core handles) whose rows belong to one state,
# per service: a name means a tenant table only in the service that defines it.
TENANT_TABLES: Final = {
    "services/registry/": frozenset(
        {
            "Manifest",
            "ManifestItem",
            "LossReport",
            "LossReportItem",
            "IndexedDeclaration",
            "DeclaredItem",
            "manifests",
            "manifest_items",
            "loss_reports",
            "loss_report_items",
            "loss_items",
            "indexed_declarations",
            "declared_items",
            "manifest_item_daily_counts",
            "declared_item_daily_counts",
            "manifest_item_daily_totals",
            "declared_item_daily_totals",
            "manifest_item_daily_attributes",
            "declared_item_daily_attributes",
            "manifest_item_monthly_attributes",
            "declared_item_monthly_attributes",
        }
    ),
    "services/declarations/": frozenset(
        {
            "declarations",
            "declaration_versions",
            "declaration_contents",
            "items",
            "holds",
            "hold_lifts",
            "disposals",
        }
    ),
}
SQL_BUILDERS: Final = frozenset({"select", "insert", "update", "delete", "text"})
# Where SQL may be built outside a repository module: the shared kernel, the
# table definitions, migrations' helpers and the command line's maintenance jobs.
SQL_ALLOWED_OUTSIDE_REPOSITORIES: Final = (
    "services/common/",
    "services/cli/",
    "/models.py",
    "/models/",
    "/tables.py",
)
TENANCY_NOTE: Final = "# tenancy:"


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.message}"


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    # sa.select(...), sqlalchemy.text(...); not session.delete(obj)
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in {"sa", "sqlalchemy", "sqlmodel"}
    ):
        return func.attr
    return None


def _is_repository(path: Path) -> bool:
    return path.name == "repository.py" or path.name.endswith("_repository.py")


def _tenant_tables(path: Path) -> frozenset[str]:
    relative = path.relative_to(ROOT).as_posix()
    for prefix, tables in TENANT_TABLES.items():
        if relative.startswith(prefix):
            return tables
    return frozenset()


def _sql_outside_repositories(path: Path, tree: ast.Module) -> list[Finding]:
    relative = "/" + path.relative_to(ROOT).as_posix()
    tenant_tables = _tenant_tables(path)
    if _is_repository(path) or any(part in relative for part in SQL_ALLOWED_OUTSIDE_REPOSITORIES):
        return []
    imported_builders = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in {"sqlalchemy", "sqlmodel"}
        for alias in node.names
        if alias.name in SQL_BUILDERS
    }
    findings = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _called_name(node)
            if name in SQL_BUILDERS and (
                name in imported_builders or isinstance(node.func, ast.Attribute)
            ):
                findings.append(Finding(path, node.lineno, f"{name}() outside a repository"))
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "c"
            and isinstance(node.value, ast.Name)
            and node.value.id in tenant_tables
        ):
            findings.append(
                Finding(path, node.lineno, f"columns of {node.value.id} read outside a repository")
            )
    return findings


def _names(node: ast.AST) -> set[str]:
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
    return found


def _takes_scope(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    arguments = function.args
    for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
        annotation = ast.unparse(argument.annotation) if argument.annotation else ""
        if "ReadScope" in annotation or argument.arg == "visible":
            return argument.arg in _names(ast.Module(body=function.body, type_ignores=[]))
    return False


def _has_note(lines: list[str], function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    first = function.decorator_list[0].lineno if function.decorator_list else function.lineno
    window = lines[max(first - 2, 0) : function.lineno]
    return any(TENANCY_NOTE in line for line in window)


def _selects_tenant_rows(
    function: ast.FunctionDef | ast.AsyncFunctionDef, tenant_tables: frozenset[str]
) -> str | None:
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and _called_name(node) in {"select", "text"}:
            tables = sorted(_names(function) & tenant_tables)
            if tables:
                return ", ".join(tables)
    return None


def _unscoped_reads(path: Path, tree: ast.Module, lines: list[str]) -> list[Finding]:
    if not _is_repository(path):
        return []
    findings = []
    tenant_tables = _tenant_tables(path)
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        tables = _selects_tenant_rows(node, tenant_tables)
        if tables and not _takes_scope(node) and not _has_note(lines, node):
            findings.append(
                Finding(
                    path,
                    node.lineno,
                    f"{node.name}() reads {tables} without the caller's ReadScope "
                    f"(pass it, or say why with '{TENANCY_NOTE} <reason>')",
                )
            )
    return findings


def check(paths: list[Path]) -> list[Finding]:
    findings: list[Finding] = []
    for path in paths:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path))
        findings += _sql_outside_repositories(path, tree)
        findings += _unscoped_reads(path, tree, source.splitlines())
    return sorted(findings, key=lambda f: (str(f.path), f.line))


def main() -> int:
    paths = sorted(p for p in SERVICES.rglob("*.py") if "__pycache__" not in p.parts)
    findings = check(paths)
    for finding in findings:
        print(finding)
    checked = f"{len(paths)} modules"
    if findings:
        print(f"tenancy check: {len(findings)} finding(s) in {checked}")
        return 1
    print(f"tenancy check: ok ({checked})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
