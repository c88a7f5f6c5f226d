"""The least-privilege PostgreSQL role of the declarations service, as the documents grant it.

The grants are read from the SQL block under "Database roles" in
``deploy/README.md``, so a test run as that role checks what operators are
told to run, not a copy of it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTED_ROLE = "salw_declarations_app"
DOCUMENTED_DATABASE = "salw_declarations"


def _sql_statements(block: str) -> list[str]:
    lines = [line.split("--", 1)[0] for line in block.splitlines()]
    return [" ".join(s.split()) for s in "\n".join(lines).split(";") if s.strip()]


def deploy_readme_statements() -> list[str]:
    """The statements of the SQL block under "## Database roles" in deploy/README.md."""
    section = (ROOT / "deploy" / "README.md").read_text().split("## Database roles", 1)[1]
    return _sql_statements(section.split("```sql", 1)[1].split("```", 1)[0])


def operator_guide_statements() -> list[str]:
    """The SQL block under "Declarations are append-only" in the operator's guide."""
    page = (ROOT / "docs" / "operator.md").read_text()
    section = page.split("## Declarations are append-only, in the database too")[1]
    section = section.split("\n## ", 1)[0]
    return _sql_statements(section.split("```sql", 1)[1].split("```", 1)[0])


def grants_for(role: str, database: str) -> list[str]:
    """The documented GRANT and REVOKE statements, for ``role`` on ``database``."""
    renamed = []
    for statement in deploy_readme_statements():
        if not statement.upper().startswith(("GRANT ", "REVOKE ")):
            continue
        statement = re.sub(rf"\b{DOCUMENTED_ROLE}\b", role, statement)
        renamed.append(re.sub(rf"\b{DOCUMENTED_DATABASE}\b", database, statement))
    return renamed


@contextmanager
def documented_role(url: str) -> Iterator[str]:
    """A NOLOGIN role with exactly the documented grants on the database at ``url``.

    Yields a URL that connects as the test superuser and runs as that role
    (``options=-c role=...``, the same as ``SET ROLE`` at connection start).
    """
    engine = create_engine(url)
    role = f"declarations_app_{uuid.uuid4().hex[:10]}"
    database = str(engine.url.database)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE ROLE {role} NOLOGIN"))
    try:
        with engine.begin() as connection:
            for statement in grants_for(role, database):
                connection.execute(text(statement))
        yield (
            make_url(url)
            .update_query_dict({"options": f"-c role={role}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP OWNED BY {role}"))
            connection.execute(text(f"DROP ROLE {role}"))
        engine.dispose()
