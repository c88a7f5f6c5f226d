"""``regctl alerts scan``: raise ``unreturned`` alerts for missions that have ended.

Run it daily (cron or a systemd timer): for every mission whose end date has passed,
each contingent still holding weapons there gets one alert. Idempotent.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from services.cli.settings import service_settings
from services.common.database import make_engine, write_session
from services.common.tables import utcnow
from services.registry.alerts.detection import scan_ended_missions


def register(subparsers: Any) -> None:
    """Add the ``alerts`` command group."""
    alerts = subparsers.add_parser("alerts", help="Registry alerts")
    commands = alerts.add_subparsers(dest="alerts_command", required=True, metavar="ACTION")
    scan = commands.add_parser(
        "scan", help="Raise 'unreturned' alerts for contingents of missions that have ended"
    )
    scan.add_argument(
        "--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today, UTC)"
    )
    scan.set_defaults(handler=run_scan)


def run_scan(args: argparse.Namespace) -> int:
    """Scan ended missions in one transaction and print how many alerts were raised."""
    today: date = args.today or utcnow().date()
    engine = make_engine(service_settings("registry").resolved_database_url())
    try:
        with write_session(engine) as session:
            raised = scan_ended_missions(session=session, today=today)
            session.commit()
    finally:
        engine.dispose()
    print(f"alerts scan ({today.isoformat()}): {raised} unreturned alert(s) raised")
    return 0
