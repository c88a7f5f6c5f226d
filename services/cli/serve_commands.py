"""``regctl serve``: the embedded register, or one service alone."""

from __future__ import annotations

import argparse
import contextlib
import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
from typing import Any

import uvicorn

from services.cli.settings import service_settings
from services.common import migrations
from services.common.http_protocol import DEFAULT_MAX_HEAD_BYTES, BoundedHttpToolsProtocol


def register(subparsers: Any) -> None:
    """Add ``serve``."""
    serve = subparsers.add_parser(
        "serve", help="Serve all services in one process (default) or one service alone"
    )
    serve.add_argument(
        "service", nargs="?", default="all", choices=["all", *migrations.SERVICES, "console"]
    )
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
    serve.add_argument(
        "--max-header-bytes",
        type=int,
        default=int(os.environ.get("MAX_HEADER_BYTES", str(DEFAULT_MAX_HEAD_BYTES))),
        help="largest request line and headers accepted, in bytes (431 beyond; default 64 KiB)",
    )
    serve.set_defaults(handler=run_serve)


def _default_public_urls(host: str, port: int) -> None:
    """The embedded register's own address as where people's browsers reach auth and
    the console (enrolment links, the sign-in redirect), unless set: ``PORT=8123 make
    run`` then signs people in on 8123 rather than sending them to 8000."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 (compared, not bound)
    if ":" in shown:
        shown = f"[{shown}]"
    for variable in ("AUTH_PUBLIC_URL", "CONSOLE_PUBLIC_URL"):
        os.environ.setdefault(variable, f"http://{shown}:{port}")


def run_serve(args: argparse.Namespace) -> int:
    """Migrate (unless told not to), bootstrap on first start, and serve."""
    # The console keeps no records: nothing to migrate.
    names = list(migrations.SERVICES) if args.service == "all" else [args.service]
    names = [name for name in names if name in migrations.SERVICES]
    if args.service == "all":
        _default_public_urls(args.host, args.port)
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
    options: dict[str, Any] = {
        "factory": True,
        "host": args.host,
        "port": args.port,
        "log_config": None,
        # RequestContextMiddleware writes the access log (JSON, with the request id);
        # uvicorn's own line would repeat it, and costs formatting on every request.
        "access_log": False,
        # Only a configured proxy may name the client's address: the token endpoint's
        # failure limits and the audit trail key on it, and any local caller could
        # otherwise send X-Forwarded-For (uvicorn trusts 127.0.0.1 by default).
        "proxy_headers": bool(args.forwarded_allow_ips),
        "forwarded_allow_ips": args.forwarded_allow_ips or None,
        "server_header": False,
        # A request line and headers over --max-header-bytes: 431, never read in full.
        "http": BoundedHttpToolsProtocol,
        "h11_max_incomplete_event_size": args.max_header_bytes,
    }
    if workers > 1 and hasattr(socket, "SO_REUSEPORT"):
        return serve_with_reuseport(target, workers, options)
    if workers > 1:
        uvicorn.run(target, workers=workers, **options)
        return 0
    config = uvicorn.Config(target, **options)
    config.load()  # builds the app
    _freeze_what_was_built()
    server = uvicorn.Server(config)
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    return 0 if server.started else STARTUP_FAILURE


STARTUP_FAILURE = 3  # as uvicorn.run exits when the app did not start


def _freeze_what_was_built() -> None:
    """What the process built to serve (modules, routes, schemas, SQLAlchemy metadata:
    some 280,000 objects for the whole register) lives as long as it does: out of the
    collector's generations, a full collection no longer walks it. Each such walk took
    230 to 320 ms, a pause landing on every request in flight (the map page's p95 was
    four times its median)."""
    gc.collect()
    gc.freeze()


def serve_with_reuseport(target: str, workers: int, options: dict[str, Any]) -> int:
    """Run ``workers`` uvicorn processes, each with its own listening socket on the port.

    uvicorn's workers share one socket, and the first to wake accepts a whole burst of
    connections: 64 keep-alive clients arriving together were seen split 64/0, leaving
    one worker saturated (trace p99 135 ms at 1,000 requests/s) while the other idled.
    With SO_REUSEPORT the kernel spreads new connections across the workers' sockets.
    A worker that exits stops the others (the supervisor restarts the service).
    """
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_reuseport_worker, args=(target, options), daemon=False)
        for _ in range(workers)
    ]
    for process in processes:
        process.start()

    def stop(_signum: int, _frame: Any) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        sentinels = [process.sentinel for process in processes]
        multiprocessing.connection.wait(sentinels)  # the first worker to exit
        stop(0, None)
        for process in processes:
            process.join(timeout=30)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return max((process.exitcode or 0) for process in processes)


def _reuseport_worker(target: str, options: dict[str, Any]) -> None:
    listener = socket.socket(socket.AF_INET6 if ":" in options["host"] else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((options["host"], options["port"]))
    listener.listen(2048)
    listener.set_inheritable(True)
    config = uvicorn.Config(target, **options)
    config.load()  # builds the app
    _freeze_what_was_built()
    uvicorn.Server(config).run(sockets=[listener])
