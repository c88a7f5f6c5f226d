"""Enrolment at a one-time link: password rules, authenticator, recovery codes, page safety."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pyotp
import pytest
from fastapi.testclient import TestClient

from services.embedded import EmbeddedRegister
from tests.auth.people_support import (
    PASSWORD,
    HandClock,
    csrf_of,
    enrol,
    invite,
    key_of,
    page_value,
    path_of,
)
from tests.support.auth_fixtures import AuthApi


def _invited(client: TestClient, auth_api: AuthApi, email: str = "awa.diop@forces.sn") -> str:
    auth_api.ensure_organisation("member_state", "SEN")
    response = invite(client, auth_api.admin_headers(), org="SEN", email=email, role="editor")
    assert response.status_code == 201
    return str(response.json()["enrolment_url"])


def _post(client: TestClient, url: str, **fields: str) -> tuple[int, str]:
    page = client.get(path_of(url))
    key = key_of(page.text)
    form = {
        "csrf_token": csrf_of(page.text),
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "code": pyotp.TOTP(key).now(),
        **fields,
    }
    response = client.post(path_of(url), data=form)
    return response.status_code, response.text


def test_enrolment_sets_password_and_authenticator_and_shows_ten_codes_once(
    client: TestClient, auth_api: AuthApi
) -> None:
    url = _invited(client, auth_api)
    page = client.get(path_of(url))
    assert "<svg" in page.text  # the QR code, rendered here
    assert "<script" not in page.text
    _, codes = enrol(client, url)
    assert len(set(codes)) == 10
    people = client.get("/auth/v1/people", headers=auth_api.admin_headers()).json()["items"]
    assert people[0]["enrolled"] is True
    assert client.get(path_of(url)).status_code == 410  # one use


def test_pages_have_a_strict_policy_and_a_host_csrf_cookie(
    client: TestClient, auth_api: AuthApi
) -> None:
    page = client.get("https://127.0.0.1" + path_of(_invited(client, auth_api)))
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src" not in policy
    assert "unsafe-inline" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    cookie = page.headers["set-cookie"]
    assert cookie.startswith("__Host-csrf=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    assert "Secure" in cookie
    assert "Domain" not in cookie
    plain = client.get(path_of(_invited(client, auth_api, "plain@x.sn")))
    assert plain.headers["set-cookie"].startswith("csrf=")  # no __Host- without Secure


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass1", "at least 12 characters"),
        ("password1234", "most commonly used"),
        ("awa.diop@forces.sn!!", "must not contain your email or your name"),
        ("lantern diop orchard", "must not contain your email or your name"),
    ],
)
def test_a_refused_password_is_named_on_the_page(
    client: TestClient, auth_api: AuthApi, password: str, message: str
) -> None:
    url = _invited(client, auth_api)
    status, html = _post(client, url, password=password, password_confirm=password)
    assert status == 422
    assert message in html
    assert 'href="#password"' in html


def test_every_problem_is_named_at_once(client: TestClient, auth_api: AuthApi) -> None:
    url = _invited(client, auth_api)
    status, html = _post(client, url, password="short", password_confirm="other", code="12")
    assert status == 422
    for field in ("password", "password_confirm", "code"):
        assert f'href="#{field}"' in html
    assert client.get(path_of(url)).status_code == 200  # nothing was used up


def test_a_wrong_code_is_refused(client: TestClient, auth_api: AuthApi) -> None:
    status, html = _post(client, _invited(client, auth_api), code="000000")
    assert status == 422
    assert 'href="#code"' in html


def test_a_post_without_the_csrf_token_is_refused(client: TestClient, auth_api: AuthApi) -> None:
    url = _invited(client, auth_api)
    status, _ = _post(client, url, csrf_token="")
    assert status == 403
    status, _ = _post(client, url, csrf_token="x" * 43)  # not the cookie's
    assert status == 403
    assert client.get(path_of(url)).status_code == 200


def test_a_link_expires_after_72_hours(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister
) -> None:
    clock = HandClock(datetime.now(UTC))
    register.auth.state.clock = clock
    url = _invited(client, auth_api)
    clock.advance(hours=71, minutes=59)
    assert client.get(path_of(url)).status_code == 200
    clock.advance(minutes=2)
    assert client.get(path_of(url)).status_code == 410


def test_the_page_speaks_french(client: TestClient, auth_api: AuthApi) -> None:
    url = _invited(client, auth_api)
    asked = client.get(path_of(url) + "?lang=fr")
    assert "Créez votre compte" in asked.text
    assert asked.headers["content-language"] == "fr"
    browser = client.get(path_of(url), headers={"Accept-Language": "fr-SN,fr;q=0.9,en;q=0.5"})
    assert 'lang="fr"' in browser.text


def test_a_form_opened_in_french_answers_in_french(client: TestClient, auth_api: AuthApi) -> None:
    url = _invited(client, auth_api)
    page = client.get(path_of(url) + "?lang=fr")
    action = page_value(page.text, r'<form method="post" action="([^"]+)"')
    form = {"csrf_token": csrf_of(page.text), "password": "short", "code": ""}
    answered = client.post(html.unescape(action), data=form)
    assert answered.status_code == 422, answered.text
    assert answered.headers["content-language"] == "fr"
    assert "Il y a un problème" in answered.text
    assert "There is a problem" not in answered.text


def test_reset_mfa_retires_the_earlier_link(client: TestClient, auth_api: AuthApi) -> None:
    url = _invited(client, auth_api)
    person_id = client.get("/auth/v1/people", headers=auth_api.admin_headers()).json()["items"][0][
        "id"
    ]
    reset = client.post(f"/auth/v1/people/{person_id}/reset-mfa", headers=auth_api.admin_headers())
    assert client.get(path_of(url)).status_code == 410
    assert client.get(path_of(reset.json()["enrolment_url"])).status_code == 200
