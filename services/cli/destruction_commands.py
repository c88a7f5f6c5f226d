"""``regctl destructions duplicates``: one weapon destroyed by two declarations.

Before one identity rule covered both registers, the declarations service told
spellings of one maker or calibre apart ("Izhmash", "Kalashnikov Concern"), so one
weapon could be declared destroyed twice. The migration that rekeyed the item index
(declarations0007) kept both records and listed each pair; the earlier destruction
keeps the weapon's destroyed key. The operator settles a pair with the declarants
(e.g. an amendment of the later declaration); the list itself never changes.
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlmodel import Session

from services.common.database import make_engine
from services.declarations.duplicates.repository import list_duplicate_destructions
from services.declarations.settings import DeclarationsSettings


def register(subparsers: Any) -> None:
    """Add the ``destructions`` command group."""
    group = subparsers.add_parser("destructions", help="Declared destructions")
    commands = group.add_subparsers(dest="destructions_command", required=True, metavar="ACTION")
    duplicates = commands.add_parser(
        "duplicates",
        help="List weapons declared destroyed twice under two spellings (found when rekeying)",
    )
    duplicates.add_argument(
        "--after", type=int, default=0, help="only pairs listed after this number (paging)"
    )
    duplicates.add_argument("--limit", type=int, default=100, help="at most this many (100)")
    duplicates.set_defaults(handler=run_duplicates)


def run_duplicates(args: argparse.Namespace) -> int:
    """Print one line per pair, in the order found; exit 0 (listing is not an error)."""
    limit = max(args.limit, 1)
    engine = make_engine(DeclarationsSettings().resolved_database_url())
    try:
        with Session(engine) as session:
            pairs = list_duplicate_destructions(session, after=args.after, limit=limit)
    finally:
        engine.dispose()
    for pair in pairs:
        print(
            f"{pair.id}: {pair.destroyed_key} destroyed by"
            f" {pair.kept_declaration_id} items[{pair.kept_position}] (keeps the key) and by"
            f" {pair.other_declaration_id} items[{pair.other_position}]"
            f" (found by {pair.found_by} at {pair.found_at.isoformat()})"
        )
    if not pairs and args.after == 0:
        print("no weapon is declared destroyed twice")
    if len(pairs) == limit:
        print(f"more may follow: regctl destructions duplicates --after {pairs[-1].id}")
    return 0
