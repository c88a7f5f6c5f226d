"""``regctl serve all`` on another port: enrolment links and the console's sign-in
redirect name the address the register listens on, unless the operator set them."""

from __future__ import annotations

import os

import pytest

from services.cli.serve_commands import _default_public_urls


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTH_PUBLIC_URL", raising=False)
    monkeypatch.delenv("CONSOLE_PUBLIC_URL", raising=False)


def test_the_listening_address_is_the_default() -> None:
    _default_public_urls("127.0.0.1", 8123)
    assert os.environ["AUTH_PUBLIC_URL"] == "http://127.0.0.1:8123"
    assert os.environ["CONSOLE_PUBLIC_URL"] == "http://127.0.0.1:8123"


def test_a_wildcard_address_is_shown_as_loopback_and_ipv6_in_brackets() -> None:
    _default_public_urls("0.0.0.0", 8000)
    assert os.environ["AUTH_PUBLIC_URL"] == "http://127.0.0.1:8000"
    os.environ.pop("AUTH_PUBLIC_URL")
    os.environ.pop("CONSOLE_PUBLIC_URL")
    _default_public_urls("::1", 8000)
    assert os.environ["CONSOLE_PUBLIC_URL"] == "http://[::1]:8000"


def test_what_the_operator_set_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_PUBLIC_URL", "https://register.example.org")
    _default_public_urls("127.0.0.1", 8123)
    assert os.environ["AUTH_PUBLIC_URL"] == "https://register.example.org"
