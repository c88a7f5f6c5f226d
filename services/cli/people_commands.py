"""``regctl person invite|list|disable|reset-mfa`` and ``regctl app create``.

They act on the auth database directly, as the operator at the console, and leave
the same audit trail as the API with ``regctl`` as the actor.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from services.auth.actors import COMMAND_LINE
from services.auth.administrators import Administrator
from services.auth.apps import service as apps
from services.auth.apps.schemas import AppCreate
from services.auth.people import service as people
from services.auth.people.roles import ROLE_VALUES
from services.auth.people.schemas import PersonInvite
from services.auth.settings import AuthSettings
from services.common.database import make_engine, write_transaction
from services.common.errors import AppError
from services.common.pagination import MAX_LIMIT, PageParams
from services.common.tables import utcnow

OPERATOR = Administrator(operator=True, organisation="")


def register(subparsers: Any) -> None:
    """Add the people and app commands."""
    person = subparsers.add_parser("person", help="People who sign in").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    invite = person.add_parser("invite", help="Invite a person; prints a one-time enrolment link")
    invite.add_argument("--org", required=True, help="organisation code")
    invite.add_argument("--email", required=True)
    invite.add_argument("--role", required=True, choices=ROLE_VALUES)
    invite.add_argument("--name", help="default: the part of the email before @")
    invite.add_argument("--json", action="store_true", help='print {"person_id", "enrolment_url"}')
    invite.set_defaults(handler=run_person_invite)
    listing = person.add_parser("list", help="List people")
    listing.add_argument("--org")
    listing.set_defaults(handler=run_person_list)
    disable = person.add_parser("disable", help="Disable a person at once")
    disable.add_argument("person_id")
    disable.set_defaults(handler=run_person_disable)
    reset = person.add_parser("reset-mfa", help="Re-enrol a person: prints a new enrolment link")
    reset.add_argument("person_id")
    reset.add_argument("--json", action="store_true")
    reset.set_defaults(handler=run_person_reset_mfa)

    app = subparsers.add_parser("app", help="Browser apps (OAuth sign-in)").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    create = app.add_parser("create", help="Register a browser app; prints its client id")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--redirect-uri", required=True, action="append", dest="redirect_uris", metavar="URI"
    )
    create.add_argument("--public", action="store_true", help="no secret (PKCE alone)")
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=run_app_create)


def _run(action: Callable[[Session, AuthSettings], None]) -> int:
    settings = AuthSettings()
    engine = make_engine(settings.resolved_database_url())
    try:
        with write_transaction(engine) as session:
            action(session, settings)
    except AppError as error:
        problems = error.extra.get("errors") or []
        details = "".join(f"\n  {p['loc']}: {p['msg']}" for p in problems)
        print(f"error: {error.detail or error.title}{details}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


def _invalid(error: ValidationError) -> int:
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"])
        print(f"error: {where}: {problem['msg']}", file=sys.stderr)
    return 2


def run_person_invite(args: argparse.Namespace) -> int:
    """``regctl person invite --org SEN --email a@b.sn --role editor [--name ...] [--json]``."""
    try:
        data = PersonInvite(
            organisation=args.org,
            email=args.email,
            name=args.name or args.email.split("@")[0],
            role=args.role,
        )
    except ValidationError as error:
        return _invalid(error)

    def action(session: Session, settings: AuthSettings) -> None:
        link = people.invite_person(
            session=session,
            settings=settings,
            data=data,
            by=OPERATOR,
            actor=COMMAND_LINE,
            now=utcnow(),
        )
        if args.json:
            print(json.dumps({"person_id": link.person.id, "enrolment_url": link.url}))
            return
        print(f"person {link.person.id} ({link.person.role} of {link.person.organisation})")
        print(f"  enrolment link (one use, until {link.expires_at:%Y-%m-%d %H:%M}Z):")
        print(f"  {link.url}")

    return _run(action)


def run_person_list(args: argparse.Namespace) -> int:
    """Print people (never their secrets)."""

    def action(session: Session, settings: AuthSettings) -> None:
        cursor = None
        while True:
            rows, cursor = people.list_people(
                session=session,
                params=PageParams(MAX_LIMIT, cursor),
                by=OPERATOR,
                organisation=args.org,
            )
            for p in rows:
                state = "DISABLED" if not p.enabled else "enrolled" if p.enrolled_at else "invited"
                print(f"{p.id}  {p.organisation:<8} {p.role:<8} {state:<8} {p.email}  {p.name}")
            if cursor is None:
                return

    return _run(action)


def run_person_disable(args: argparse.Namespace) -> int:
    """Disable a person: no new tokens, sessions ended."""

    def action(session: Session, settings: AuthSettings) -> None:
        people.disable_person(
            session=session,
            person_id=args.person_id,
            by=OPERATOR,
            actor=COMMAND_LINE,
            now=utcnow(),
        )
        print(f"{args.person_id}: disabled")

    return _run(action)


def run_person_reset_mfa(args: argparse.Namespace) -> int:
    """A new enrolment link; the person sets a password and an authenticator anew."""

    def action(session: Session, settings: AuthSettings) -> None:
        link = people.reset_mfa(
            session=session,
            settings=settings,
            person_id=args.person_id,
            by=OPERATOR,
            actor=COMMAND_LINE,
            now=utcnow(),
        )
        if args.json:
            print(json.dumps({"person_id": link.person.id, "enrolment_url": link.url}))
            return
        print(f"new enrolment link for {link.person.id} (until {link.expires_at:%Y-%m-%d %H:%M}Z):")
        print(f"  {link.url}")

    return _run(action)


def run_app_create(args: argparse.Namespace) -> int:
    """``regctl app create --name Console --redirect-uri https://.../callback [--public]``."""
    try:
        data = AppCreate(name=args.name, redirect_uris=args.redirect_uris, public=args.public)
    except ValidationError as error:
        return _invalid(error)

    def action(session: Session, settings: AuthSettings) -> None:
        created = apps.create_app(
            session=session, settings=settings, data=data, actor=COMMAND_LINE, now=utcnow()
        )
        credentials = {"client_id": created.app.client_id, "client_secret": created.secret}
        if args.json:
            print(json.dumps(credentials))
            return
        print(f"browser app {created.app.name}: client_id {created.app.client_id}")
        if created.secret:
            print(f"  client_secret: {created.secret}   (shown once: store it now)")

    return _run(action)
