"""``regctl index``: the declarations service's feed into the registry's weapon index.

The declarations log is the outbox: entries not yet acknowledged by the
registry are pending, including everything declared before the feed existed,
so ``regctl index deliver --until-empty`` is also the backfill. Entries the
registry refused for good are settled as rejected: ``regctl index rejected``
lists them with the registry's answer, and after a fix ``regctl index retry``
makes them pending again (a retry request is recorded; nothing is removed).

``regctl index neighbours`` drains the registry's serial neighbourhood backlog now
(trace's "possible" matches; the registry's background indexer does it otherwise),
e.g. after the upgrade that created the index queued every stored record.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from services.common.auth_client import auth_http_client
from services.common.database import make_engine, write_session
from services.common.tables import utcnow
from services.declarations.index_feed import repository
from services.declarations.index_feed.backoff import MAX_BACKOFF_SECONDS
from services.declarations.index_feed.relay import IndexRelay, load_client_credentials
from services.declarations.missions import registry_client
from services.declarations.settings import DeclarationsSettings
from services.registry import serial_index
from services.registry.settings import RegistrySettings


def register(subparsers: Any) -> None:
    """Add ``index status``, ``index deliver``, ``index rejected`` and ``index retry``."""
    index = subparsers.add_parser("index", help="The declarations feed into the weapon index")
    commands = index.add_subparsers(dest="index_command", required=True, metavar="COMMAND")
    status = commands.add_parser(
        "status", help="Pending and rejected entries, the last failure and the last rejection"
    )
    status.set_defaults(handler=run_status)
    deliver = commands.add_parser(
        "deliver",
        help="Deliver pending entries now (--until-empty: backfill everything, and exit 1"
        " if anything is left pending or rejected)",
    )
    deliver.add_argument("--until-empty", action="store_true")
    deliver.set_defaults(handler=run_deliver)
    rejected = commands.add_parser(
        "rejected", help="List the entries the registry refused for good, with its answers"
    )
    rejected.add_argument(
        "--after", type=int, default=None, metavar="LOG_INDEX", help="start after this entry"
    )
    rejected.add_argument("--limit", type=int, default=100, help="at most this many (100)")
    rejected.set_defaults(handler=run_rejected)
    retry = commands.add_parser(
        "retry", help="Deliver rejected entries again after a fix (they become pending)"
    )
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--log-index",
        type=int,
        action="append",
        metavar="N",
        help="a rejected entry (repeat for more)",
    )
    which.add_argument("--rejected", action="store_true", help="every rejected entry")
    retry.add_argument("--reason", default=None, help="why (kept with the retry request)")
    retry.set_defaults(handler=run_retry)
    neighbour_index = commands.add_parser(
        "neighbours",
        help="Index every queued record in the registry's serial neighbourhood index now",
    )
    neighbour_index.set_defaults(handler=run_neighbours)


def run_neighbours(_args: argparse.Namespace) -> int:
    """Drain the registry's neighbourhood backlog; exit 1 if records are left queued."""
    settings = RegistrySettings()
    engine = make_engine(settings.resolved_database_url())
    try:
        indexed = serial_index.index_until_empty(engine)
        with Session(engine) as session:
            left = serial_index.backlog_size(session)
    finally:
        engine.dispose()
    print(f"serial neighbourhood index: {indexed} records indexed, {left} queued")
    return 1 if left else 0


def run_status(_args: argparse.Namespace) -> int:
    """Print how far the index is behind the log, and what the registry refused."""
    settings = DeclarationsSettings()
    engine = make_engine(settings.resolved_database_url())
    try:
        with Session(engine) as session:
            pending = repository.count_pending(session)
            rejected = repository.count_rejected(session)
            last = repository.last_error(session)
            rejection = repository.last_rejection(session)
    finally:
        engine.dispose()
    configured = load_client_credentials(settings) is not None
    print(f"pending: {pending}")
    print(f"rejected: {rejected}")
    print(f"relay client configured: {'yes' if configured else 'no'}")
    if last is not None:
        print(f"last failure: log entry {last[0]} at {last[1].isoformat()}: {last[2]}")
    if rejection is not None:
        print(f"last rejection: {_describe(rejection)}")
    return 0


def _describe(entry: repository.RejectedEntry) -> str:
    version = "" if entry.version is None else f" version {entry.version}"
    return (
        f"log entry {entry.log_index} ({entry.entry_type} of declaration"
        f" {entry.declaration_id}{version}) at {entry.rejected_at.isoformat()}: {entry.error}"
    )


def run_rejected(args: argparse.Namespace) -> int:
    """List rejected entries in log order (``--after`` the last one shown for more)."""
    settings = DeclarationsSettings()
    engine = make_engine(settings.resolved_database_url())
    try:
        with Session(engine) as session:
            entries = repository.rejected_entries(
                session, after=args.after, limit=max(args.limit, 1)
            )
    finally:
        engine.dispose()
    for entry in entries:
        print(_describe(entry))
    if len(entries) == max(args.limit, 1):
        print(f"more may follow: regctl index rejected --after {entries[-1].log_index}")
    return 0


def _operator() -> str:
    try:
        return f"regctl ({getpass.getuser()})"[:255]
    except (OSError, KeyError):  # no login name in some containers
        return "regctl"


def run_retry(args: argparse.Namespace) -> int:
    """Record retry requests for rejected entries; the relay delivers them in its next passes.

    Named entries that are not rejected (pending, delivered, or no such entry) are
    refused and nothing is requested, so a typo cannot half-apply.
    """
    named: list[int] | None = None if args.rejected else sorted(set(args.log_index))
    settings = DeclarationsSettings()
    engine = make_engine(settings.resolved_database_url())
    try:
        with write_session(engine) as session:
            retried = repository.request_retries(
                session,
                log_indexes=named,
                requested_by=_operator(),
                reason=args.reason,
                now=utcnow(),
            )
            refused = sorted(set(named or ()) - set(retried))
            if refused:
                session.rollback()
                listed = ", ".join(str(index) for index in refused)
                print(
                    f"error: not rejected, nothing retried: log entries {listed}"
                    " (see regctl index rejected)",
                    file=sys.stderr,
                )
                return 2
            session.commit()
    finally:
        engine.dispose()
    print(
        f"retry requested for {len(retried)} entries; they are pending again and the relay"
        " delivers them in its next passes (or run regctl index deliver)"
    )
    return 0


async def deliver(relay: IndexRelay, *, engine: Engine, until_empty: bool) -> int:
    """Delivery passes; the exit status of ``regctl index deliver``.

    1 when a pass failed or rejected an entry, and with ``until_empty`` also when
    anything is still pending (entries in backoff after earlier failures) or
    rejected once it stops: a backfill that did not finish must not look finished.
    """
    delivered = rejected = 0
    while True:
        report = await relay.deliver_pending()
        delivered += report.delivered
        rejected += report.rejected
        for error in report.errors[:5]:
            print(f"failed: {error}")
        if report.failed:
            print(f"delivered {delivered}; {report.failed} failed (they will be retried)")
            return 1
        if not until_empty or (report.delivered == 0 and report.rejected == 0):
            break
    print(f"delivered {delivered}" + (f"; rejected {rejected}" if rejected else ""))
    if not until_empty:
        return 1 if rejected else 0
    with Session(engine) as session:
        pending = repository.count_pending(session)
        rejected_in_all = repository.count_rejected(session)
    if pending:
        print(
            f"not empty: {pending} entries still pending, waiting out a backoff after"
            f" failures (at most {MAX_BACKOFF_SECONDS:.0f} s); see regctl index status",
            file=sys.stderr,
        )
    if rejected_in_all:
        print(
            f"not empty: {rejected_in_all} entries rejected by the registry;"
            " see regctl index rejected",
            file=sys.stderr,
        )
    return 1 if pending or rejected_in_all else 0


async def _deliver(settings: DeclarationsSettings, until_empty: bool) -> int:
    engine = make_engine(settings.resolved_database_url())
    registry = registry_client(settings.registry_base_url)
    auth = auth_http_client(settings.auth_base_url)
    relay = IndexRelay(
        engine=engine, settings=settings, registry=registry, auth=auth, origin=settings.log_origin
    )
    try:
        return await deliver(relay, engine=engine, until_empty=until_empty)
    finally:
        await registry.aclose()
        await auth.aclose()
        engine.dispose()


def run_deliver(args: argparse.Namespace) -> int:
    """One delivery pass, or passes until nothing is pending."""
    return asyncio.run(_deliver(DeclarationsSettings(), args.until_empty))
