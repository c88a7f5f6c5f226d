"""``regctl serve``: the embedded register, or one service alone."""

from __future__ import annotations

import argparse
import os
from typing import Any

import uvicorn

from services.cli.settings import service_settings
from services.common import migrations


def register(subparsers: Any) -> None:
    """Add ``serve``."""
    serve = subparsers.add_parser(
        "serve", help="Serve all services in one process (default) or one service alone"
    )
    serve.add_argument("service", nargs="?", default="all", choices=["all", *migrations.SERVICES])
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=1, help="uvicorn workers (single service)")
    serve.add_argument(
        "--no-migrate", action="store_true", help="do not migrate the databases before serving"
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default=os.environ.get("FORWARDED_ALLOW_IPS", ""),
        help="addresses of reverse proxies whose X-Forwarded-For is trusted (comma-separated;"
        " default none: the peer address is the client's)",
    )
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Migrate (unless told not to), bootstrap on first start, and serve."""
    names = list(migrations.SERVICES) if args.service == "all" else [args.service]
    if not args.no_migrate:
        for name in names:
            migrations.upgrade(name, service_settings(name).resolved_database_url())
    if "auth" in names:
        from services.auth.bootstrap import bootstrap_on_first_start

        bootstrap_on_first_start()
    if args.service == "all":
        target = "services.embedded:create_embedded_app"
        workers = 1  # one process: SQLite files and the in-process auth transport
    else:
        target = f"services.{args.service}.app:create_app"
        workers = args.workers
    uvicorn.run(
        target,
        factory=True,
        host=args.host,
        port=args.port,
        workers=workers,
        log_config=None,
        # RequestContextMiddleware writes the access log (JSON, with the request id);
        # uvicorn's own line would repeat it, and costs formatting on every request.
        access_log=False,
        # Only a configured proxy may name the client's address: the token endpoint's
        # failure limits and the audit trail key on it, and any local caller could
        # otherwise send X-Forwarded-For (uvicorn trusts 127.0.0.1 by default).
        proxy_headers=bool(args.forwarded_allow_ips),
        forwarded_allow_ips=args.forwarded_allow_ips or None,
        server_header=False,
    )
    return 0
