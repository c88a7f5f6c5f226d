"""``regctl archive``: the declarations register and its log as a BagIt bag, and back.

``regctl archive export --out DIR`` writes a BagIt 1.0 bag (JSON Lines payload,
SHA-512 manifests) from the database in ``DECLARATIONS_DATABASE_URL``.
``regctl archive import --bag DIR --verifier-key KEY`` validates a bag, checks
it against its signed log (every checkpoint signature under KEY, the C2SP
verifier-key string printed at bootstrap and served at
``GET /declarations/v1/log/public-key``; every record version against its
logged hash; retention recomputed) and loads it into an empty, migrated
declarations database, recomputing the Merkle root, which must equal the bag's
last checkpoint. Exit status: 0 done, 1 refused (bag invalid or not what its
log says, database not empty, root mismatch), 2 could not run (no folder, a
malformed verifier key).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def run_export(args: argparse.Namespace) -> int:
    """``regctl archive export``."""
    from services.common.database import make_engine
    from services.declarations.archive.export import export_bag
    from services.declarations.deps import system_clock
    from services.declarations.settings import DeclarationsSettings

    settings = DeclarationsSettings()
    engine = make_engine(settings.resolved_database_url())
    try:
        summary = export_bag(engine, Path(args.out), origin=settings.log_origin, now=system_clock())
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(json.dumps(summary, indent=2))
    return 0


def run_import(args: argparse.Namespace) -> int:
    """``regctl archive import``."""
    from services.common.database import make_engine
    from services.common.transparency.note import KeyFormatError, parse_verifier_key
    from services.declarations.archive.bagit import BagError
    from services.declarations.archive.load import ImportRefused, import_bag
    from services.declarations.settings import DeclarationsSettings

    bag = Path(args.bag)
    if not bag.is_dir():
        print(f"error: {bag} is not a folder", file=sys.stderr)
        return 2
    try:
        verifiers = [parse_verifier_key(key.strip()) for key in args.verifier_key]
    except KeyFormatError as exc:
        print(f"error: --verifier-key: {exc}", file=sys.stderr)
        return 2
    settings = DeclarationsSettings()
    engine = make_engine(settings.resolved_database_url())
    try:
        summary = import_bag(
            engine, bag, verifiers=verifiers, retention_years=settings.retention_years
        )
    except (BagError, ImportRefused) as exc:
        print(f"REFUSED: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(json.dumps(summary, indent=2))
    return 0


def register(subparsers: Any) -> None:
    """Add ``regctl archive ...``."""
    archive = subparsers.add_parser(
        "archive", help="Export or import the declarations register as a BagIt bag"
    )
    commands = archive.add_subparsers(dest="archive_command", required=True, metavar="SUBCOMMAND")
    export = commands.add_parser("export", help="Write the register and its log as a BagIt bag")
    export.add_argument("--out", required=True, help="folder to create (absent or empty)")
    export.set_defaults(handler=run_export)
    load = commands.add_parser(
        "import", help="Load a bag into an empty migrated database; checks it against its log"
    )
    load.add_argument("--bag", required=True, help="the bag's folder")
    load.add_argument(
        "--verifier-key",
        required=True,
        action="append",
        help="the log's C2SP verifier key (printed at bootstrap, GET /declarations/v1/log/"
        "public-key); every checkpoint must verify under it (repeat for a rotated key)",
    )
    load.set_defaults(handler=run_import)
