"""``regctl bootstrap``, ``regctl org ...``, ``regctl client ...``, ``regctl keys ...``.

They act on the auth database directly (as the operator at the console) and
leave the same audit trail as the API, with ``regctl`` as the actor.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pycountry
from pydantic import ValidationError
from sqlmodel import Session

from services.auth.actors import COMMAND_LINE
from services.auth.administrators import ON_THE_SERVER
from services.auth.bootstrap import (
    bootstrap,
    credentials_path,
    write_credentials,
)
from services.auth.clients import service as clients
from services.auth.clients.schemas import ClientCreate
from services.auth.keys import service as keys
from services.auth.organisations import service as organisations
from services.auth.organisations.schemas import OrganisationCreate
from services.auth.settings import AuthSettings
from services.common.database import make_engine, write_transaction
from services.common.errors import AppError
from services.common.pagination import MAX_LIMIT, PageParams
from services.common.scopes import SCOPES
from services.common.tables import utcnow


def register(subparsers: Any) -> None:
    """Add the auth commands."""
    boot = subparsers.add_parser("bootstrap", help="Create the operator and its first admin client")
    boot.add_argument(
        "--new-admin-client",
        action="store_true",
        help="also when already set up: a new admin client (e.g. credentials were lost)",
    )
    boot.set_defaults(handler=run_bootstrap)

    org = subparsers.add_parser("org", help="Organisations").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    create = org.add_parser("create", help="Create an organisation")
    create.add_argument(
        "--type", required=True, choices=["member_state", "secretariat", "operator"]
    )
    create.add_argument("--code", required=True, help="alpha-3 (SEN), or ECOWAS / ECCAS")
    create.add_argument("--name", help="default: the country's or community's name")
    create.set_defaults(handler=run_org_create)
    org.add_parser("list", help="List organisations").set_defaults(handler=run_org_list)

    client = subparsers.add_parser("client", help="API clients").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    make = client.add_parser("create", help="Create a client; prints its secret once")
    make.add_argument("--org", required=True, help="organisation code")
    make.add_argument("--name", help="default: '<org> client'")
    make.add_argument("--scope", action="append", required=True, choices=SCOPES, dest="scopes")
    make.add_argument("--json", action="store_true", help="print the credentials as JSON")
    make.set_defaults(handler=run_client_create)
    listing = client.add_parser("list", help="List clients")
    listing.add_argument("--org")
    listing.set_defaults(handler=run_client_list)
    for action, handler in (
        ("disable", run_client_disable),
        ("enable", run_client_enable),
        ("rotate-secret", run_client_rotate),
    ):
        sub = client.add_parser(action, help=f"{action.replace('-', ' ').capitalize()} a client")
        sub.add_argument("client_id")
        sub.set_defaults(handler=handler)

    key = subparsers.add_parser("keys", help="Token-signing keys").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    key.add_parser(
        "rotate", help="Sign with a new key; old keys stay published until their tokens expired"
    ).set_defaults(handler=run_keys_rotate)
    key.add_parser("list", help="List signing keys").set_defaults(handler=run_keys_list)


@contextmanager
def _session() -> Iterator[tuple[Session, AuthSettings]]:
    settings = AuthSettings()
    engine = make_engine(settings.resolved_database_url())
    try:
        with write_transaction(engine) as session:
            yield session, settings
    finally:
        engine.dispose()


def _run(action: Callable[[Session, AuthSettings], None]) -> int:
    try:
        with _session() as (session, settings):
            action(session, settings)
    except AppError as error:
        problems = error.extra.get("errors") or []
        details = "".join(f"\n  {p['loc']}: {p['msg']}" for p in problems)
        print(f"error: {error.detail or error.title}{details}", file=sys.stderr)
        return 1
    return 0


def _invalid(error: ValidationError) -> int:
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"])
        print(f"error: {where}: {problem['msg']}", file=sys.stderr)
    return 2


def run_bootstrap(args: argparse.Namespace) -> int:
    """Create the operator and an admin client; save and print the credentials."""
    settings = AuthSettings()
    engine = make_engine(settings.resolved_database_url())
    try:
        credentials = bootstrap(
            settings=settings, engine=engine, new_admin_client=args.new_admin_client
        )
    except AppError as error:
        print(f"error: {error.detail}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    path = credentials_path(settings)
    if credentials is None:
        print(
            f"already set up (credentials of the first admin client: {path});"
            " use --new-admin-client for another"
        )
        return 0
    write_credentials(path, credentials)
    print(f"admin client created (saved to {path}, mode 0600):")
    print(f"  client_id:     {credentials.client_id}\n  client_secret: {credentials.client_secret}")
    return 0


def _default_name(org_type: str, code: str) -> str:
    if org_type == "member_state":
        country = pycountry.countries.get(alpha_3=code.upper())
        if country is not None:
            return f"{country.name}: ministry"
    return f"{code.upper()} secretariat" if org_type == "secretariat" else code.upper()


def run_org_create(args: argparse.Namespace) -> int:
    """``regctl org create --type member_state --code SEN [--name ...]``."""
    try:
        data = OrganisationCreate(
            type=args.type, code=args.code, name=args.name or _default_name(args.type, args.code)
        )
    except ValidationError as error:
        return _invalid(error)

    def action(session: Session, settings: AuthSettings) -> None:
        org = organisations.create_organisation(
            session=session, data=data, actor=COMMAND_LINE, now=utcnow()
        )
        print(f"organisation {org.code} ({org.type}): {org.name}")

    return _run(action)


def run_org_list(args: argparse.Namespace) -> int:
    """Print every organisation."""

    def action(session: Session, settings: AuthSettings) -> None:
        cursor = None
        while True:
            rows, cursor = organisations.list_organisations(
                session=session, params=PageParams(MAX_LIMIT, cursor), org_type=None
            )
            for org in rows:
                print(f"{org.code:<10} {org.type:<13} {org.name}")
            if cursor is None:
                return

    return _run(action)


def run_client_create(args: argparse.Namespace) -> int:
    """``regctl client create --org SEN --scope manifests:write --scope register:read``."""
    name = args.name or f"{args.org.upper()} client"
    try:
        data = ClientCreate(organisation=args.org, name=name, scopes=args.scopes)
    except ValidationError as error:
        return _invalid(error)

    def action(session: Session, settings: AuthSettings) -> None:
        created = clients.create_client(
            session=session,
            settings=settings,
            data=data,
            by=ON_THE_SERVER,
            actor=COMMAND_LINE,
            now=utcnow(),
        )
        credentials = {"client_id": created.client.client_id, "client_secret": created.secret}
        if args.json:
            print(json.dumps(credentials))
            return
        print(f"client of {created.client.organisation} with scopes {created.client.scopes}")
        print(f"  client_id:     {created.client.client_id}")
        print(f"  client_secret: {created.secret}   (shown once: store it now)")

    return _run(action)


def run_client_list(args: argparse.Namespace) -> int:
    """Print the clients (never their secrets)."""

    def action(session: Session, settings: AuthSettings) -> None:
        cursor = None
        while True:
            rows, cursor = clients.list_clients(
                session=session,
                params=PageParams(MAX_LIMIT, cursor),
                by=ON_THE_SERVER,
                organisation=args.org,
            )
            for c in rows:
                state = "enabled" if c.enabled else "DISABLED"
                print(f"{c.client_id:<28} {c.organisation:<8} {state:<8} {c.scopes}  {c.name}")
            if cursor is None:
                return

    return _run(action)


def _set_enabled(client_id: str, enabled: bool) -> int:
    def action(session: Session, settings: AuthSettings) -> None:
        clients.set_enabled(
            session=session,
            client_id=client_id,
            enabled=enabled,
            by=ON_THE_SERVER,
            actor=COMMAND_LINE,
            now=utcnow(),
        )
        print(f"{client_id}: {'enabled' if enabled else 'disabled'}")

    return _run(action)


def run_client_disable(args: argparse.Namespace) -> int:
    """Disable a client: no new token from now on."""
    return _set_enabled(args.client_id, False)


def run_client_enable(args: argparse.Namespace) -> int:
    """Enable a client again."""
    return _set_enabled(args.client_id, True)


def run_client_rotate(args: argparse.Namespace) -> int:
    """Give a client a new secret (printed once); the old one stops working."""

    def action(session: Session, settings: AuthSettings) -> None:
        rotated = clients.rotate_secret(
            session=session,
            settings=settings,
            client_id=args.client_id,
            by=ON_THE_SERVER,
            actor=COMMAND_LINE,
            now=utcnow(),
        )
        print(
            f"  client_id:     {args.client_id}\n  client_secret: {rotated.secret}   (shown once)"
        )

    return _run(action)


def run_keys_rotate(args: argparse.Namespace) -> int:
    """Sign with a new key from now on."""

    def action(session: Session, settings: AuthSettings) -> None:
        key = keys.rotate_signing_key(
            session=session, settings=settings, now=utcnow(), actor=COMMAND_LINE
        )
        print(f"new signing key {key.kid}; older keys stay in the JWKS until their tokens expired")

    return _run(action)


def run_keys_list(args: argparse.Namespace) -> int:
    """Print the keys the service has known."""

    def action(session: Session, settings: AuthSettings) -> None:
        for key in keys.list_keys(session=session):
            state = f"retired {key.retired_at:%Y-%m-%d %H:%M:%S}Z" if key.retired_at else "signing"
            print(
                f"{key.kid}  {key.source:<9} created {key.created_at:%Y-%m-%d %H:%M:%S}Z  {state}"
            )

    return _run(action)
