"""A refused body is drained up to its bounds (bytes and time) before the 413."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from services.common.limits import BodyLimitMiddleware

CHUNK = 64 * 1024
LIMIT = 1024


class Upload:
    """A client sending ``chunks`` pieces of body; counts what the server read."""

    def __init__(self, chunks: int, *, stall_after: int | None = None) -> None:
        self.chunks = chunks
        self.stall_after = stall_after
        self.read = 0

    async def receive(self) -> Message:
        if self.stall_after is not None and self.read >= self.stall_after:
            await asyncio.sleep(3600)  # a client that stops sending
        self.read += 1
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": self.read < self.chunks}


async def _never_called(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("a refused body must not reach the route")


async def _reads_the_body(scope: Scope, receive: Receive, send: Send) -> None:
    while (await receive()).get("more_body"):
        pass
    raise AssertionError("the limit should have stopped the read")


def _post(
    upload: Upload,
    headers: list[tuple[bytes, bytes]],
    *,
    app: Any = _never_called,
    drain_max_bytes: int = 1024 * 1024,
    drain_seconds: float = 10.0,
) -> list[Message]:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    middleware = BodyLimitMiddleware(
        app,
        default_limit=LIMIT,
        limits={},
        drain_max_bytes=drain_max_bytes,
        drain_seconds=drain_seconds,
    )
    scope = {"type": "http", "method": "POST", "path": "/registry/v1/missions"}
    scope["headers"] = [(b"content-type", b"application/json"), *headers]
    asyncio.run(middleware(scope, upload.receive, send))
    return sent


def _assert_closing_413(sent: list[Message]) -> None:
    start = sent[0]
    assert start["status"] == 413
    assert (b"connection", b"close") in start["headers"]
    assert json.loads(sent[1]["body"])["code"] == "payload_too_large"


def test_a_declared_oversized_body_is_read_to_its_end_before_the_413() -> None:
    upload = Upload(8)
    sent = _post(upload, [(b"content-length", str(8 * CHUNK).encode())])
    _assert_closing_413(sent)
    assert upload.read == 8


def test_a_body_declared_over_the_drain_bound_is_refused_unread() -> None:
    upload = Upload(8)
    headers = [(b"content-length", str(8 * CHUNK).encode())]
    sent = _post(upload, headers, drain_max_bytes=4 * CHUNK)
    _assert_closing_413(sent)
    assert upload.read == 0


def test_a_streamed_body_is_drained_no_further_than_the_byte_bound() -> None:
    upload = Upload(1000)
    headers = [(b"transfer-encoding", b"chunked")]
    sent = _post(upload, headers, app=_reads_the_body, drain_max_bytes=4 * CHUNK)
    _assert_closing_413(sent)
    assert upload.read == 1 + 4  # the chunk that passed the limit, then four drained


def test_a_client_that_stops_sending_is_answered_after_the_time_bound() -> None:
    upload = Upload(1000, stall_after=3)
    headers = [(b"transfer-encoding", b"chunked")]
    sent = _post(upload, headers, app=_reads_the_body, drain_seconds=0.2)
    _assert_closing_413(sent)
    assert upload.read == 3


def test_a_client_waiting_for_100_continue_is_not_asked_for_its_body() -> None:
    upload = Upload(8)
    headers = [(b"content-length", str(8 * CHUNK).encode()), (b"expect", b"100-continue")]
    sent = _post(upload, headers)
    _assert_closing_413(sent)
    assert upload.read == 0


def test_a_body_passing_its_limit_while_the_route_reads_is_drained_before_the_413() -> None:
    upload = Upload(8)
    sent = _post(upload, [(b"transfer-encoding", b"chunked")], app=_reads_the_body)
    _assert_closing_413(sent)
    assert upload.read == 8
