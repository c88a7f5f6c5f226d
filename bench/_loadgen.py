"""An open-loop HTTP/1.1 load generator light enough to share two cores with the server.

httpx spends about a millisecond of CPU per request, which at 1,000 requests/s is half
of this machine: the figures would measure the client. This sends prebuilt GET requests
over keep-alive connections with asyncio protocols (uvloop when installed), like ``wrk2``:

- open loop: request ``i`` is due at ``start + i / rate`` whatever happened before;
- latency counts from the time a request was due, not from when a connection was free,
  so queueing in the client or the server is in the figures (no coordinated omission);
- at most ``connections`` requests in flight; a request that finds none free waits, and
  that wait is in its latency.

Every request that was due counts, so a slow or failing server cannot improve its figure:

- ``ok``: a 2xx response; only these make the achieved throughput;
- ``failed``: any other status, a broken connection, or a response without
  ``Content-Length`` (uvicorn's carry one); its latency is the time it took to fail;
- ``unfinished``: no answer when the window ends (``drain_seconds`` after the last
  request was due): a failure too, in the latency figures with ``end - due``, a lower
  bound of what it would have taken.

p50 and p99 are over every request that was due (``sent``), not only the answered ones.

With ``collect_header`` set, each answered request also records which request it was,
its latency and that response header's value (``samples``), for figures per page.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

try:  # uvloop ships with uvicorn[standard]
    import uvloop
except ImportError:  # pragma: no cover - plain asyncio works, only slower
    uvloop = None


@dataclass(frozen=True)
class LoadResult:
    """What one window measured."""

    offered: float
    seconds: float
    sent: int
    ok: int
    failed: int
    unfinished: int
    latencies_ms: list[float]  # one for every request sent: ok, failed and unfinished
    # (request index, latency ms, the collected header's value or "") for each answer
    # and each failure, when run_load was given collect_header; unfinished ones excluded.
    samples: list[tuple[int, float, str]] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        """2xx responses per second of the window."""
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))]

    def line(self, label: str) -> str:
        p50 = statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")
        return (
            f"  {label} at {self.offered:,.0f} req/s offered for {self.seconds:.1f} s:"
            f" sent {self.sent:,} / ok {self.ok:,} / failed {self.failed:,}"
            f" (unfinished {self.unfinished:,}); {self.throughput:,.0f} ok/s,"
            f" p50 {p50:.1f} ms, p99 {self.percentile(0.99):.1f} ms"
            " (over every request sent; unfinished ones at the window's end)"
        )


class _Connection(asyncio.Protocol):
    """One keep-alive connection answering one request at a time."""

    def __init__(self, collect_header: bytes = b"") -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._collect = b"\r\n" + collect_header + b":" if collect_header else b""
        self.collected = ""
        self._buffer = bytearray()
        self._waiter: asyncio.Future[int] | None = None
        self._need: int | None = None
        self._status = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        self._parse()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(ConnectionError("connection closed"))

    def _parse(self) -> None:
        if self._waiter is None:
            return
        if self._need is None:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self._buffer[:end]).lower()
            self._status = int(head[9:12])
            if self._collect:
                start = head.find(self._collect)
                stop = head.find(b"\r\n", start + 2) if start >= 0 else -1
                self.collected = (
                    head[start + len(self._collect) : stop if stop > 0 else len(head)]
                    .decode("latin-1")
                    .strip()
                    if start >= 0
                    else ""
                )
            marker = head.find(b"\r\ncontent-length:")
            if marker < 0:
                self._waiter.set_exception(ValueError("response without Content-Length"))
                return
            stop = head.find(b"\r\n", marker + 2)
            length = int(head[marker + 17 : stop if stop > 0 else len(head)])
            self._need = end + 4 + length
        if len(self._buffer) >= self._need:
            del self._buffer[: self._need]
            self._need = None
            waiter, self._waiter = self._waiter, None
            waiter.set_result(self._status)

    def send(self, request: bytes) -> asyncio.Future[int]:
        assert self.transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self._waiter


def build_requests(base: str, paths: Sequence[str], headers: dict[str, str]) -> list[bytes]:
    """Raw HTTP/1.1 GET requests for ``paths`` (already URL-encoded) on ``base``."""
    host = urlsplit(base).netloc
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return [f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode() for path in paths]


async def _run(
    base: str,
    requests: Sequence[bytes],
    *,
    rate: float,
    seconds: float,
    connections: int,
    drain_seconds: float,
    collect_header: str,
) -> LoadResult:
    loop = asyncio.get_running_loop()
    parts = urlsplit(base)
    pool: asyncio.Queue[_Connection] = asyncio.Queue()
    opened = []
    for _ in range(connections):
        _transport, protocol = await loop.create_connection(
            lambda: _Connection(collect_header.lower().encode()), parts.hostname, parts.port
        )
        opened.append(protocol)
        pool.put_nowait(protocol)
    # time.perf_counter, not loop.time: uvloop's clock counts whole milliseconds and
    # is read once per loop iteration.
    clock = time.perf_counter
    latencies: list[float] = []
    ok = 0
    failed = 0
    samples: list[tuple[int, float, str]] = []

    async def one(index: int, due: float) -> None:
        nonlocal ok, failed
        connection = await pool.get()
        try:
            if connection.closed:  # the server closed it while idle: reconnect, as browsers do
                _transport, connection = await loop.create_connection(
                    lambda: _Connection(collect_header.lower().encode()), parts.hostname, parts.port
                )
                opened.append(connection)
            status = await connection.send(requests[index])
        except (ConnectionError, OSError, RuntimeError, ValueError):
            if connection.closed:  # closed under it: reopened when next taken
                pool.put_nowait(connection)
            failed += 1
            latencies.append((clock() - due) * 1000)
            if collect_header:
                samples.append((index, latencies[-1], ""))
            return
        collected = connection.collected
        pool.put_nowait(connection)
        latencies.append((clock() - due) * 1000)
        if collect_header:
            samples.append((index, latencies[-1], collected))
        if 200 <= status < 300:
            ok += 1
        else:
            failed += 1

    total = int(rate * seconds)
    in_flight: dict[asyncio.Task[None], float] = {}  # task -> when its request was due

    def finished(task: asyncio.Task[None]) -> None:
        in_flight.pop(task, None)

    # The generator's own pauses would count as server latency (every request due
    # during one is late): no garbage collection while it runs, no finished tasks kept.
    gc.collect()
    gc.disable()
    try:
        start = clock()
        for i in range(total):
            due = start + i / rate
            delay = due - clock()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(one(i % len(requests), due))
            in_flight[task] = due
            task.add_done_callback(finished)
        if in_flight:
            await asyncio.wait(set(in_flight), timeout=drain_seconds)
        end = clock()
        # Still unanswered: failures, in the latencies with what they have waited so far.
        unfinished = dict(in_flight)
        for task, due in unfinished.items():
            task.cancel()
            latencies.append((end - due) * 1000)
        if unfinished:
            await asyncio.wait(set(unfinished))
    finally:
        gc.enable()
    for protocol in opened:
        if protocol.transport is not None:
            protocol.transport.close()
    return LoadResult(
        offered=rate,
        seconds=end - start,
        sent=total,
        ok=ok,
        failed=failed + len(unfinished),
        unfinished=len(unfinished),
        latencies_ms=latencies,
        samples=samples,
    )


def run_load(
    base: str,
    requests: Sequence[bytes],
    *,
    rate: float,
    seconds: float,
    connections: int = 64,
    drain_seconds: float = 5.0,
    collect_header: str = "",
) -> LoadResult:
    """Offer ``rate`` requests/s for ``seconds`` (cycling through ``requests``); with
    ``collect_header``, keep each answer's value of that header in ``samples``."""
    coroutine = _run(
        base,
        requests,
        rate=rate,
        seconds=seconds,
        connections=connections,
        drain_seconds=drain_seconds,
        collect_header=collect_header,
    )
    if uvloop is not None:
        return uvloop.run(coroutine)
    return asyncio.run(coroutine)
