"""``regctl backup`` and ``regctl restore``: the embedded register's SQLite files.

PostgreSQL deployments back up with PostgreSQL's own tools (deploy/). Exit status:
0 done, 1 refused or failed (the message says why; a refused restore wrote nothing).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from services.cli.settings import service_settings
from services.cli.sqlite_backup import VERIFY_STATE, BackupError, back_up, restore
from services.common.migrations import SERVICES


def run_backup(args: argparse.Namespace) -> int:
    """``regctl backup --to DIR``."""
    destination = Path(args.to)
    try:
        manifest = back_up([service_settings(name) for name in SERVICES], destination)
    except (BackupError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for entry in manifest["files"]:
        print(f"{entry['sha256']}  {entry['path']}")
    checkpoint = manifest["declarations_log"].get("checkpoint")
    if checkpoint is not None:
        print(
            f"declarations log: {manifest['declarations_log']['log_size']} entries, latest"
            f" checkpoint at {checkpoint['tree_size']} ({destination / VERIFY_STATE})"
        )
    print(f"backed up to {destination}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    """``regctl restore --from DIR [--force]``."""
    source = Path(args.source)
    try:
        moved = restore([service_settings(name) for name in SERVICES], source, force=args.force)
    except (BackupError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in moved:
        print(f"moved aside: {path}")
    manifest: dict[str, Any] = json.loads((source / "manifest.json").read_text())
    print(f"restored {len(manifest['files'])} files from {source} (SHA-256 checked)")
    if (source / VERIFY_STATE).is_file():
        print(
            f"next: start the register, then prove its log extends the backup's checkpoint:"
            f" cp {source / VERIFY_STATE} var/log-verify.json && regctl log verify"
        )
    return 0


def register(subparsers: Any) -> None:
    """Add ``backup`` and ``restore``."""
    backup = subparsers.add_parser(
        "backup", help="Copy the SQLite register (online, while it serves) into a new folder"
    )
    backup.add_argument("--to", required=True, metavar="DIR", help="a new or empty folder")
    backup.set_defaults(handler=run_backup)
    restore_parser = subparsers.add_parser(
        "restore", help="Restore a backup into this register's (empty) var/, SHA-256 checked"
    )
    restore_parser.add_argument("--from", dest="source", required=True, metavar="DIR")
    restore_parser.add_argument(
        "--force",
        action="store_true",
        help="move existing database files aside (*.before-restore-<time>) instead of refusing;"
        " stop the register first",
    )
    restore_parser.set_defaults(handler=run_restore)
