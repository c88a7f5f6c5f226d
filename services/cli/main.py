"""``regctl``: the operator's command line.

Each command group lives in its own module with a ``register(subparsers)``
function; this module only assembles them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from services.cli import (
    alert_commands,
    archive_commands,
    auth_commands,
    backup_commands,
    destruction_commands,
    index_commands,
    log_commands,
    migrate_commands,
    openapi_commands,
    people_commands,
    serve_commands,
)

COMMAND_GROUPS = [
    serve_commands,
    migrate_commands,
    openapi_commands,
    auth_commands,
    people_commands,
    log_commands,
    alert_commands,
    index_commands,
    destruction_commands,
    archive_commands,
    backup_commands,
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command group."""
    parser = argparse.ArgumentParser(
        prog="regctl", description="Operate the regional SALW register for peace operations."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``regctl``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # Register data, keys and credentials: whatever regctl creates (SQLite files,
    # key files, logs) is readable by the service account only.
    os.umask(0o077)
    try:
        status = args.handler(args)
    except KeyboardInterrupt:
        return 130
    return int(status or 0)


if __name__ == "__main__":
    sys.exit(main())
