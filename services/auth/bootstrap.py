"""First start: the operator organisation, its first admin client and a signing key.

``bootstrap_on_first_start`` runs before ``regctl serve`` starts serving: on an
empty auth database it creates the operator and an admin client, writes the
credentials to ``var/credentials.json`` (mode 0600) and prints them once. It also
invites the operator's first administrator (a person) and prints their one-time
enrolment link, saved to ``var/first-admin-enrolment.txt`` (mode 0600). On later
starts it prints nothing secret.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Engine

from services.auth.actors import BOOTSTRAP
from services.auth.administrators import ON_THE_SERVER, Administrator
from services.auth.apps import service as apps
from services.auth.apps.schemas import AppCreate
from services.auth.clients import service as clients
from services.auth.clients.schemas import ClientCreate
from services.auth.keys import service as keys
from services.auth.organisations import repository as organisations
from services.auth.organisations import service as organisation_service
from services.auth.organisations.schemas import OrganisationCreate
from services.auth.people import service as people
from services.auth.people.schemas import PersonInvite
from services.auth.people.service import NewLink
from services.auth.settings import AuthSettings
from services.common.database import make_engine, write_transaction
from services.common.errors import AppError
from services.common.pagination import PageParams
from services.common.scopes import Scope
from services.common.tables import utcnow


class Credentials(NamedTuple):
    """A client id and its secret (unpacks as ``client_id, secret = ...``)."""

    client_id: str
    client_secret: str


def credentials_path(settings: AuthSettings) -> Path:
    """``var/credentials.json``."""
    return settings.var_dir / "credentials.json"


def index_relay_credentials_path(settings: AuthSettings) -> Path:
    """``var/declarations-index-client.json``: the declarations relay's own client."""
    return settings.var_dir / "declarations-index-client.json"


def registry_mail_credentials_path(settings: AuthSettings) -> Path:
    """``var/registry-auth-client.json``: the registry mail worker's own client."""
    return settings.var_dir / "registry-auth-client.json"


def write_credentials(path: Path, credentials: Credentials) -> None:
    """Write the credentials readable by the owner only (created 0600, replaced atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(
            {"client_id": credentials.client_id, "client_secret": credentials.client_secret}, handle
        )
        handle.write("\n")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def bootstrap(
    *, settings: AuthSettings, engine: Engine, new_admin_client: bool = False
) -> Credentials | None:
    """Create the operator and an admin client if there is no operator yet (or if asked).

    Returns the new credentials, or None when nothing was created. Also makes
    sure a signing key exists.
    """
    now = utcnow()
    with write_transaction(engine) as session:
        keys.current_signing_key(session=session, settings=settings, now=now)
        operator = organisations.first_of_type(session, "operator")
        if operator is not None and not new_admin_client:
            return None
        if operator is None:
            operator = organisation_service.create_organisation(
                session=session,
                data=OrganisationCreate(
                    type="operator", code=settings.operator_code, name=settings.operator_name
                ),
                actor=BOOTSTRAP,
                now=now,
            )
        created = clients.create_client(
            session=session,
            settings=settings,
            data=ClientCreate(
                organisation=operator.code, name="Operator admin", scopes=[Scope.ADMIN]
            ),
            by=ON_THE_SERVER,
            actor=BOOTSTRAP,
            now=now,
        )
        return Credentials(client_id=created.client.client_id, client_secret=created.secret)


def ensure_index_relay_client(*, settings: AuthSettings, engine: Engine) -> Credentials | None:
    """Create the declarations relay's client (scope ``index:write`` only) unless one is saved.

    The relay feeds declarations into the registry's weapon index; it gets its
    own client so it can be disabled or rotated without touching anyone else.
    """
    path = index_relay_credentials_path(settings)
    if path.exists():
        return None
    now = utcnow()
    with write_transaction(engine) as session:
        operator = organisations.first_of_type(session, "operator")
        if operator is None:
            return None
        created = clients.create_client(
            session=session,
            settings=settings,
            data=ClientCreate(
                organisation=operator.code,
                name="Declarations index relay",
                scopes=[Scope.INDEX_WRITE],
            ),
            by=ON_THE_SERVER,
            actor=BOOTSTRAP,
            now=now,
        )
    credentials = Credentials(client_id=created.client.client_id, client_secret=created.secret)
    write_credentials(path, credentials)
    return credentials


def console_app_path(settings: AuthSettings) -> Path:
    """``var/console-app.json``: the console's client id and secret (a confidential app)."""
    return settings.var_dir / "console-app.json"


def ensure_console_app(*, settings: AuthSettings, engine: Engine) -> Credentials | None:
    """Register the console as a confidential browser app unless one is saved.

    Its redirect URI is ``<AUTH_PUBLIC_URL>/console/callback``: the console must be
    reached at the same base URL (``CONSOLE_PUBLIC_URL``).
    """
    path = console_app_path(settings)
    if path.exists():
        return None
    now = utcnow()
    with write_transaction(engine) as session:
        if organisations.first_of_type(session, "operator") is None:
            return None
        created = apps.create_app(
            session=session,
            settings=settings,
            data=AppCreate(
                name="Console",
                redirect_uris=[f"{settings.resolved_public_url()}/console/callback"],
                public=False,
            ),
            actor=BOOTSTRAP,
            now=now,
        )
    assert created.secret is not None  # a confidential app
    credentials = Credentials(client_id=created.app.client_id, client_secret=created.secret)
    write_credentials(path, credentials)
    return credentials


def ensure_registry_mail_client(*, settings: AuthSettings, engine: Engine) -> Credentials | None:
    """Create the registry mail worker's client (scope ``people:read`` only) unless one is
    saved: it reads who to email, and in which language, from the people directory."""
    path = registry_mail_credentials_path(settings)
    if path.exists():
        return None
    with write_transaction(engine) as session:
        operator = organisations.first_of_type(session, "operator")
        if operator is None:
            return None
        created = clients.create_client(
            session=session,
            settings=settings,
            data=ClientCreate(
                organisation=operator.code,
                name="Registry mail (people directory)",
                scopes=[Scope.PEOPLE_READ],
            ),
            by=ON_THE_SERVER,
            actor=BOOTSTRAP,
            now=utcnow(),
        )
    credentials = Credentials(client_id=created.client.client_id, client_secret=created.secret)
    write_credentials(path, credentials)
    return credentials


def first_admin_link_path(settings: AuthSettings) -> Path:
    """``var/first-admin-enrolment.txt``: the operator's first administrator's link."""
    return settings.var_dir / "first-admin-enrolment.txt"


def invite_first_administrator(*, settings: AuthSettings, engine: Engine) -> NewLink | None:
    """Invite the operator's first administrator (a person, role ``admin``) unless the
    operator has people already; their one-time enrolment link is returned."""
    now = utcnow()
    with write_transaction(engine) as session:
        operator = organisations.first_of_type(session, "operator")
        if operator is None:
            return None
        existing, _ = people.list_people(
            session=session,
            params=PageParams(1, None),
            by=Administrator(operator=True, organisation=operator.code),
            organisation=operator.code,
        )
        if existing:
            return None
        return people.invite_person(
            session=session,
            settings=settings,
            data=PersonInvite(
                organisation=operator.code,
                email=settings.first_admin_email,
                name="First administrator",
                role="admin",
            ),
            by=Administrator(operator=True, organisation=operator.code),
            actor=BOOTSTRAP,
            now=now,
        )


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` readable by the owner only (created 0600, replaced atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def bootstrap_on_first_start(
    settings: AuthSettings | None = None, *, out: Callable[[str], None] = print
) -> Credentials | None:
    """Bootstrap an empty auth database, save and print the credentials once."""
    settings = settings or AuthSettings()
    engine = make_engine(settings.resolved_database_url())
    path = credentials_path(settings)
    try:
        credentials = bootstrap(settings=settings, engine=engine)
        relay = ensure_index_relay_client(settings=settings, engine=engine)
        console = ensure_console_app(settings=settings, engine=engine)
        mail_client = ensure_registry_mail_client(settings=settings, engine=engine)
        first_admin = (
            invite_first_administrator(settings=settings, engine=engine)
            if credentials is not None
            else None
        )
    except AppError as error:
        print(f"auth: bootstrap failed: {error.detail}", file=sys.stderr)
        raise SystemExit(1) from error
    finally:
        engine.dispose()
    if credentials is None:
        out(f"auth: already set up; the operator's first admin credentials were saved to {path}")
    else:
        write_credentials(path, credentials)
        out(
            "auth: created the operator's admin client (shown once, saved to "
            f"{path}, mode 0600):\n"
            f"  client_id:     {credentials.client_id}\n"
            f"  client_secret: {credentials.client_secret}"
        )
    if first_admin is not None:
        link_path = first_admin_link_path(settings)
        write_private_text(
            link_path,
            f"{first_admin.url}\n# {settings.first_admin_email}, one use, until"
            f" {first_admin.expires_at:%Y-%m-%d %H:%M}Z\n",
        )
        out(
            f"auth: invited the operator's first administrator ({settings.first_admin_email};"
            f" AUTH_FIRST_ADMIN_EMAIL): open this link once, before"
            f" {first_admin.expires_at:%Y-%m-%d %H:%M}Z, to choose a password and enrol an"
            f" authenticator (saved to {link_path}, mode 0600):\n  {first_admin.url}"
        )
    if console is not None:
        out(
            "auth: registered the console as a browser app (saved to "
            f"{console_app_path(settings)}, mode 0600); open"
            f" {settings.resolved_public_url()}/console/"
        )
    if relay is not None:
        out(
            "auth: created the declarations index relay's client (saved to "
            f"{index_relay_credentials_path(settings)}, mode 0600)"
        )
    if mail_client is not None:
        out(
            "auth: created the registry mail worker's client (people:read; saved to "
            f"{registry_mail_credentials_path(settings)}, mode 0600)"
        )
    return credentials
