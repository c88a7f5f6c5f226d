"""HTTP limits of the served register: a request head past the bound is a 431, never read whole.

These run against a real uvicorn (``regctl serve all``) on SQLite: the limits sit in the
HTTP protocol, below the application and its databases.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Iterator

import pytest

from tests.e2e.live_server import live_register


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    var_dir = tmp_path_factory.mktemp("var-limits")
    urls = {
        name: f"sqlite:///{var_dir / f'{name}.db'}" for name in ("auth", "registry", "declarations")
    }
    extra = {
        "MAX_HEADER_BYTES": str(16 * 1024),
        "AUTH_BODY_IDLE_SECONDS": "1",
        "AUTH_BODY_MIN_BYTES_PER_SECOND": "256",
    }
    with live_register(urls, var_dir, extra_env=extra) as base:
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port)


def _exchange(
    address: tuple[str, int], request: bytes, *, read_after: float = 0.0
) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` whole (as a client that writes before it reads), read the answer.

    ``read_after`` seconds pass between the last write and the first read, as on a
    busy client: the answer must still be there to read (no reset dropped it).
    """
    with socket.create_connection(address, timeout=30) as connection:
        # The server stops reading once it has answered; the answer is still readable.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(request)
        time.sleep(read_after)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def test_a_header_past_the_bound_is_431_with_a_problem(served: tuple[str, int]) -> None:
    request = (
        b"GET /auth/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + b"X-Padding: "
        + b"a" * (4 * 1024 * 1024)
        + b"\r\n\r\n"
    )
    status, headers, body = _exchange(served, request)
    assert status == 431
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    problem = json.loads(body)
    assert (problem["status"], problem["code"]) == (431, "headers_too_large")
    assert "16384 bytes" in problem["detail"]


def test_a_client_that_reads_late_still_reads_the_431(served: tuple[str, int]) -> None:
    # The refused head's tail is read and dropped after the answer (a lingering close):
    # closing with it unread would send a reset that destroys the unread answer.
    request = b"GET /auth/healthz HTTP/1.1\r\nX-Padding: " + b"a" * (1024 * 1024) + b"\r\n\r\n"
    status, _headers, _body = _exchange(served, request, read_after=1.0)
    assert status == 431


def test_many_headers_that_add_up_past_the_bound_are_431(served: tuple[str, int]) -> None:
    lines = b"".join(b"X-Field-%d: %s\r\n" % (n, b"b" * 100) for n in range(400))
    request = b"GET /auth/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + lines + b"\r\n"
    status, _headers, _body = _exchange(served, request)
    assert status == 431


def test_a_head_under_the_bound_with_a_large_body_is_served(served: tuple[str, int]) -> None:
    body = b"grant_type=client_credentials&client_id=nobody&client_secret=" + b"x" * 200_000
    request = (
        b"POST /auth/v1/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n"
        + b"Content-Length: %d\r\n\r\n" % len(body)
        + body
    )
    status, _headers, _body = _exchange(served, request)
    assert status != 431
    assert status in (400, 401, 413)


def test_keep_alive_requests_each_get_the_whole_bound(served: tuple[str, int]) -> None:
    one = b"GET /auth/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"c" * 10_000 + b"\r\n\r\n"
    last = b"GET /auth/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    with socket.create_connection(served, timeout=30) as connection:
        connection.sendall(one + one + last)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.count(b"HTTP/1.1 200 OK") == 3


def _read_answer(connection: socket.socket) -> tuple[int, dict[str, object]]:
    answer = b""
    while chunk := connection.recv(65536):
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


TOKEN_HEAD = (
    b"POST /auth/v1/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\n"
)


def test_a_body_that_stops_coming_is_408(served: tuple[str, int]) -> None:
    with socket.create_connection(served, timeout=30) as connection:
        connection.sendall(TOKEN_HEAD + b"grant_type=client_credentials")
        status, problem = _read_answer(connection)  # then nothing more is sent
    assert status == 408
    assert problem["code"] == "request_timeout"
    assert "sent nothing" in str(problem["detail"])


def test_a_body_that_drips_is_408(served: tuple[str, int]) -> None:
    with socket.create_connection(served, timeout=30) as connection:
        connection.sendall(TOKEN_HEAD)
        connection.settimeout(0.3)
        status_and_problem = None
        for _ in range(40):  # a byte every 0.3 s: within the idle bound, far under the rate
            try:
                connection.sendall(b"a")
            except (BrokenPipeError, ConnectionResetError):
                break
            try:
                if connection.recv(1, socket.MSG_PEEK):
                    break
            except TimeoutError:
                continue
        connection.settimeout(30)
        status_and_problem = _read_answer(connection)
    status, problem = status_and_problem
    assert status == 408
    assert "bytes a second" in str(problem["detail"])
