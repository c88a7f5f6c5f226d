"""uvicorn's httptools protocol with a bound on the request head (431 beyond it).

httptools keeps reading a request line and headers for as long as they come:
a 100 MB header is read in full, and six 64 MB headers cost 450 MB of memory
before the application sees anything. This protocol counts the bytes of the
head it has fed the parser and, past the bound, answers 431 (RFC 6585) with a
problem body and closes the connection, without feeding the parser more.

The close lingers (as nginx's ``lingering_close``): the answer is followed by a
FIN, and whatever the client is still sending is read and dropped for up to
``LINGER_SECONDS`` before the socket closes. Closing a socket with unread bytes
in its receive buffer sends a TCP reset, and a reset makes the client's kernel
drop the 431 it had received but not yet read: a client that writes its whole
request before reading (most do) would see "connection reset" instead of the
answer.

The bound is uvicorn's ``h11_max_incomplete_event_size`` (the same notion for
the h11 parser: how much of an unfinished head to hold), which ``regctl serve``
sets from ``--max-header-bytes``; unset, 64 KiB. A keep-alive connection whose
next request starts inside one read may overrun it by up to one read.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Final

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

DEFAULT_MAX_HEAD_BYTES: Final = 64 * 1024
LINGER_SECONDS: Final = 5.0


def head_too_large_response(limit: int) -> bytes:
    """The raw 431 response (the application never saw the request)."""
    body = json.dumps(
        {
            "type": "about:blank",
            "title": "Request Header Fields Too Large",
            "status": 431,
            "detail": f"The request line and headers exceed {limit} bytes",
            "code": "headers_too_large",
        }
    ).encode()
    head = (
        "HTTP/1.1 431 Request Header Fields Too Large\r\n"
        "content-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    ).encode()
    return head + body


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that refuses a request head over the configured size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        configured = self.config.h11_max_incomplete_event_size
        self.max_head_bytes: int = configured or DEFAULT_MAX_HEAD_BYTES
        self._head_bytes = 0
        self._in_head = True
        self._lingering: asyncio.TimerHandle | None = None

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._head_bytes = 0

    def data_received(self, data: bytes) -> None:
        # Feed the parser at most what the head may still take, then look again: a
        # head that ends inside a piece lets the rest through as body (or as the next
        # request of a keep-alive connection, whose count starts afresh). A head
        # still unfinished when no room is left is refused.
        if self._lingering is not None:
            return  # the tail of a refused head: read and dropped
        while data:
            if not self._in_head:
                super().data_received(data)
                return
            room = self.max_head_bytes - self._head_bytes
            if room <= 0:
                self._refuse_head()
                return
            piece, data = data[:room], data[room:]
            self._head_bytes += len(piece)
            super().data_received(piece)
            if self.transport.is_closing():
                return

    def _refuse_head(self) -> None:
        self.transport.write(head_too_large_response(self.max_head_bytes))
        if not self.transport.can_write_eof():  # TLS: no half-close
            self.transport.close()
            return
        self.transport.write_eof()
        # The client's FIN ends the linger sooner (eof_received: the transport closes).
        self._lingering = asyncio.get_running_loop().call_later(
            LINGER_SECONDS, self.transport.close
        )

    def connection_lost(self, exc: Exception | None) -> None:
        if self._lingering is not None:
            self._lingering.cancel()
        super().connection_lost(exc)
