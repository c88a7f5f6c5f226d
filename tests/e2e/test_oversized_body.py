"""An oversized body gets a readable 413, even from a client that sends it all first.

urllib (like requests) writes the whole body before it reads the answer. A server
that answers and closes while such a client is still sending resets the connection,
and the client sees "connection reset" instead of the 413; the server drains the body
(up to a bound) before it answers, so the client reads the problem document.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

from tests.e2e.live_server import live_register

pytestmark = pytest.mark.slow

# Far more than the 1 MiB limit and than the sockets' buffers hold (a few MiB).
OVERSIZED = 24 * 1024 * 1024


def _post(url: str, body: bytes) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_a_client_that_sends_the_whole_body_first_reads_the_413(
    database_urls: dict[str, str], tmp_path: Path
) -> None:
    var_dir = tmp_path / "var-oversized"
    var_dir.mkdir()
    with live_register(database_urls, var_dir, service="registry") as base:
        status, headers, body = _post(f"{base}/registry/v1/missions", b" " * OVERSIZED)
    assert status == 413
    assert headers.get("content-type") == "application/problem+json"
    assert headers.get("connection") == "close"
    assert json.loads(body)["code"] == "payload_too_large"


def test_a_chunked_body_passing_its_limit_is_drained_before_the_413(
    database_urls: dict[str, str], tmp_path: Path
) -> None:
    # No declared length: the limit is found while the route reads, and the rest is
    # drained before the answer all the same.
    var_dir = tmp_path / "var-chunked"
    var_dir.mkdir()
    chunks = (b" " * 65536 for _ in range(OVERSIZED // 65536))
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    with live_register(database_urls, var_dir, service="registry") as base:
        url = f"{base}/registry/v1/missions"
        request = urllib.request.Request(url, data=chunks, method="POST", headers=headers)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 413
    assert refused.value.headers.get("connection") == "close"
    assert json.loads(refused.value.read())["code"] == "payload_too_large"
