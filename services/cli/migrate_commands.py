"""``regctl migrate`` and ``regctl downgrade``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from services.cli.settings import service_settings
from services.common import migrations
from services.common.settings import ServiceSettings


def register(subparsers: Any) -> None:
    """Add the migration commands."""
    up = subparsers.add_parser("migrate", help="Migrate service databases to the head revision")
    # No argparse ``choices`` here: with nargs="*" it also checks the empty default.
    up.add_argument(
        "services", nargs="*", default=[], metavar="SERVICE", help="auth, registry, declarations"
    )
    up.add_argument("--revision", default="head")
    up.set_defaults(handler=run_migrate)
    down = subparsers.add_parser("downgrade", help="Migrate one service database down")
    down.add_argument("service", choices=migrations.SERVICES)
    down.add_argument("revision", help="target revision, or 'base'")
    down.set_defaults(handler=run_downgrade)


def _settings(name: str) -> ServiceSettings:
    return service_settings(name)


def run_migrate(args: argparse.Namespace) -> int:
    """Upgrade each named service (all when none is named)."""
    unknown = [name for name in args.services if name not in migrations.SERVICES]
    if unknown:
        print(
            f"regctl migrate: unknown service {', '.join(unknown)}; choose from"
            f" {', '.join(migrations.SERVICES)}",
            file=sys.stderr,
        )
        return 2
    for name in args.services or migrations.SERVICES:
        url = _settings(name).resolved_database_url()
        migrations.upgrade(name, url, args.revision)
        print(f"{name}: at {sorted(migrations.head_revisions(name))}")
    return 0


def run_downgrade(args: argparse.Namespace) -> int:
    """Downgrade one service."""
    url = _settings(args.service).resolved_database_url()
    migrations.downgrade(args.service, url, args.revision)
    print(f"{args.service}: downgraded to {args.revision}")
    return 0
