"""``regctl index``: the declarations service's feed into the registry's weapon index.

The declarations log is the outbox: entries not yet acknowledged by the
registry are pending, including everything declared before the feed existed,
so ``regctl index deliver --until-empty`` is also the backfill.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from sqlmodel import Session

from services.common.auth_client import auth_http_client
from services.common.database import make_engine
from services.declarations.index_feed import repository
from services.declarations.index_feed.relay import IndexRelay, load_client_credentials
from services.declarations.missions import registry_client
from services.declarations.settings import DeclarationsSettings


def register(subparsers: Any) -> None:
    """Add ``index status`` and ``index deliver``."""
    index = subparsers.add_parser("index", help="The declarations feed into the weapon index")
    commands = index.add_subparsers(dest="index_command", required=True, metavar="COMMAND")
    status = commands.add_parser("status", help="Pending entries and the last failure")
    status.set_defaults(handler=run_status)
    deliver = commands.add_parser(
        "deliver", help="Deliver pending entries now (--until-empty: backfill everything)"
    )
    deliver.add_argument("--until-empty", action="store_true")
    deliver.set_defaults(handler=run_deliver)


def run_status(_args: argparse.Namespace) -> int:
    """Print how far the index is behind the log."""
    settings = DeclarationsSettings()
    engine = make_engine(settings.resolved_database_url())
    try:
        with Session(engine) as session:
            pending = repository.count_pending(session)
            last = repository.last_error(session)
    finally:
        engine.dispose()
    configured = load_client_credentials(settings) is not None
    print(f"pending: {pending}")
    print(f"relay client configured: {'yes' if configured else 'no'}")
    if last is not None:
        print(f"last failure: log entry {last[0]} at {last[1].isoformat()}: {last[2]}")
    return 0


async def _deliver(settings: DeclarationsSettings, until_empty: bool) -> int:
    engine = make_engine(settings.resolved_database_url())
    registry = registry_client(settings.registry_base_url)
    auth = auth_http_client(settings.auth_base_url)
    relay = IndexRelay(
        engine=engine, settings=settings, registry=registry, auth=auth, origin=settings.log_origin
    )
    delivered = 0
    try:
        while True:
            report = await relay.deliver_pending()
            delivered += report.delivered
            for error in report.errors[:5]:
                print(f"failed: {error}")
            if report.failed:
                print(f"delivered {delivered}; {report.failed} failed (they will be retried)")
                return 1
            if not until_empty or report.delivered == 0:
                break
    finally:
        await registry.aclose()
        await auth.aclose()
        engine.dispose()
    print(f"delivered {delivered}")
    return 0


def run_deliver(args: argparse.Namespace) -> int:
    """One delivery pass, or passes until nothing is pending."""
    return asyncio.run(_deliver(DeclarationsSettings(), args.until_empty))
