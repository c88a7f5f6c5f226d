"""Setup writes that must succeed: a failed one stops the test where it failed."""

from __future__ import annotations

from typing import Any

import httpx


def assert_status(response: httpx.Response, status: int = 201) -> Any:
    """Assert ``response`` has ``status`` (201 unless told) and return its JSON body.

    A test's setup write whose answer is ignored can fail silently, and the test
    then proves something about a register that does not hold what it thinks.
    """
    assert response.status_code == status, (response.request.method, response.url, response.text)
    return response.json()
