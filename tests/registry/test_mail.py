"""Email for people (issue 17 item 4): a real SMTP server receives what the mail worker
sends, in the person's language, only to people who may read the record, at most once."""

from __future__ import annotations

import dataclasses
import socket
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.common.database import write_transaction
from services.embedded import EmbeddedRegister, EmbeddedSettings
from services.registry.notifications import emit
from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.registry.mail_support import (
    CONSOLE,
    Inbox,
    parts,
    person,
    run_mail_pass,
    smtp_server,
)
from tests.support.auth_fixtures import AuthApi

__all__ = ["smtp_server"]  # the fixture
PREFERENCES = "/registry/v1/notification-preferences"
OUTBOX = "/registry/v1/mail-outbox"


@pytest.fixture
def register_settings(register_settings: EmbeddedSettings) -> EmbeddedSettings:
    registry = register_settings.registry.model_copy(update={"smtp_security": "none"})
    return dataclasses.replace(register_settings, registry=registry)


def _smtp(port: int) -> dict[str, Any]:
    return {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none"}


def _diversion(client: TestClient, auth_api: AuthApi) -> dict[str, Any]:
    """SEN declares a rifle into MINUSMA; NER's seizure of it raises a diversion alert."""
    sen = auth_api.member_state_headers("SEN")
    body = manifest([weapon("56-0000123")], mission="MINUSMA", crossing_date="2023-02-01")
    posted = client.post(MANIFESTS, json=body, headers=sen)
    assert posted.status_code == 201, posted.text
    relay = auth_api.operator_headers(("index:write",))
    indexed = client.post(INDEX, json=delivery([declared_weapon(0, "56 OOOO123")]), headers=relay)
    assert indexed.json()["alerts"] == 1, indexed.text
    [alert] = client.get("/registry/v1/alerts", headers=sen).json()["items"]
    return dict(alert)


def test_an_alert_emails_the_contributing_states_admin_once_in_french(
    client: TestClient,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    auth_api: AuthApi,
    smtp_server: tuple[Inbox, int],
) -> None:
    inbox, port = smtp_server
    sen_admin = person(
        client, auth_api, register_settings, org_type="member_state", org="SEN",
        role="admin", email_address="admin@sen.test",
    )  # fmt: skip
    chosen = client.put(PREFERENCES, json={"language": "fr"}, headers=sen_admin.headers)
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["events"]["alert.raised"] == "immediate"
    alert = _diversion(client, auth_api)

    report = run_mail_pass(register, auth_api, **_smtp(port))
    again = run_mail_pass(register, auth_api, **_smtp(port))

    [message] = inbox.to("admin@sen.test")
    assert report.sent >= 1
    assert again.notices == 0
    assert again.sent == 0
    assert message["Subject"].startswith("SALW: Nouvelle alerte (diversion)")
    assert message["Content-Language"] == "fr"
    text, html = parts(message)
    link = f"{CONSOLE}alerts/{alert['id']}"
    assert "Bonjour Awa," in text
    assert f"Ouvrir dans la console: {link}" in text
    assert f'<a href="{link}">Ouvrir dans la console</a>' in html
    for body in (text, html):
        assert "token" not in body.lower()
        assert "eyJ" not in body
    assert "56-0000123" in text  # the contributing state sees its materiel


def test_the_declaring_state_gets_the_notice_ecowas_the_details_ghana_nothing(
    client: TestClient,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    auth_api: AuthApi,
    smtp_server: tuple[Inbox, int],
) -> None:
    inbox, port = smtp_server
    for org, address in (("NER", "admin@ner.test"), ("GHA", "admin@gha.test")):
        person(
            client, auth_api, register_settings, org_type="member_state", org=org,
            role="admin", email_address=address,
        )  # fmt: skip
    for org, address in (("ECOWAS", "analyst@ecowas.test"), ("ECCAS", "analyst@eccas.test")):
        person(
            client, auth_api, register_settings, org_type="secretariat", org=org,
            role="analyst", email_address=address,
        )  # fmt: skip
    _diversion(client, auth_api)

    run_mail_pass(register, auth_api, digest=True, **_smtp(port))

    assert inbox.to("admin@gha.test") == []
    assert inbox.to("analyst@eccas.test") == []  # Senegal and Niger are not ECCAS members
    [secretariat] = inbox.to("analyst@ecowas.test")  # reads both records: the details
    assert "56-0000123" in parts(secretariat)[0]
    [notice] = inbox.to("admin@ner.test")
    text, html = parts(notice)
    assert "may match materiel declared by another state" in text
    for body in (text, html):
        assert "56-0000123" not in body
        assert "SEN" not in body


def test_a_person_who_chose_never_gets_nothing(
    client: TestClient,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    auth_api: AuthApi,
    smtp_server: tuple[Inbox, int],
) -> None:
    inbox, port = smtp_server
    quiet = person(
        client, auth_api, register_settings, org_type="member_state", org="SEN",
        role="admin", email_address="quiet@sen.test",
    )  # fmt: skip
    never = {"events": dict.fromkeys(("alert.raised", "alert.updated"), "never")}
    assert client.put(PREFERENCES, json=never, headers=quiet.headers).status_code == 200
    _diversion(client, auth_api)

    report = run_mail_pass(register, auth_api, digest=True, **_smtp(port))

    assert inbox.to("quiet@sen.test") == []
    assert report.sent == len(inbox.messages)


def test_the_daily_digest_groups_two_events_in_one_message(
    client: TestClient,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    auth_api: AuthApi,
    smtp_server: tuple[Inbox, int],
) -> None:
    inbox, port = smtp_server
    editor = person(
        client, auth_api, register_settings, org_type="member_state", org="SEN",
        role="editor", email_address="editor@sen.test",
    )  # fmt: skip
    daily = {"events": {"manifest.accepted": "daily"}, "language": "es"}
    assert client.put(PREFERENCES, json=daily, headers=editor.headers).status_code == 200
    sen = auth_api.member_state_headers("SEN")
    ids = []
    for serial in ("56-0000001", "56-0000002"):
        body = manifest([weapon(serial)], mission="MINUSMA", crossing_date="2023-02-01")
        posted = client.post(MANIFESTS, json=body, headers=sen)
        assert posted.status_code == 201, posted.text
        ids.append(posted.json()["id"])

    run_mail_pass(register, auth_api, **_smtp(port))
    assert inbox.to("editor@sen.test") == []  # daily: nothing before the digest is due
    time.sleep(0.01)
    run_mail_pass(register, auth_api, **_smtp(port), mail_digest_interval_seconds=0.005)
    run_mail_pass(register, auth_api, digest=True, **_smtp(port))

    [digest] = inbox.to("editor@sen.test")
    assert digest["Subject"] == "Registro de APAL: 2 notificaciones hoy"
    text, _ = parts(digest)
    assert all(f"{CONSOLE}manifests/{i}" in text for i in ids)
    assert text.count("Se ha aceptado un manifiesto") == 2


def test_without_smtp_the_message_is_kept_in_the_operators_outbox(
    client: TestClient,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    auth_api: AuthApi,
) -> None:
    person(
        client, auth_api, register_settings, org_type="member_state", org="SEN",
        role="admin", email_address="admin@sen.test",
    )  # fmt: skip
    alert = _diversion(client, auth_api)

    report = run_mail_pass(register, auth_api, smtp_host="")

    assert report.failed == 0
    assert report.sent == 0
    listed = client.get(OUTBOX, headers=auth_api.operator_headers(("admin", "register:read")))
    assert listed.status_code == 200, listed.text
    [kept] = [m for m in listed.json()["items"] if m["to_address"] == "admin@sen.test"]
    # An operator without register:read sees that it was written, not what it says.
    [blind] = client.get(OUTBOX, headers=auth_api.admin_headers()).json()["items"]
    assert blind["text_body"] is None
    assert blind["html_body"] is None
    assert kept["status"] == "kept"
    assert kept["kind"] == "immediate"
    assert datetime.fromisoformat(kept["created_at"]).utcoffset() == timedelta(0)  # RFC 3339
    assert f"{CONSOLE}alerts/{alert['id']}" in kept["text_body"]
    sen = auth_api.member_state_headers("SEN")
    assert client.get(OUTBOX, headers=sen).status_code == 403


def test_preferences_are_a_persons_own_and_bad_choices_are_named(
    client: TestClient, register_settings: EmbeddedSettings, auth_api: AuthApi
) -> None:
    analyst = person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS",
        role="analyst", email_address="analyst@ecowas.test",
    )  # fmt: skip
    shown = client.get(PREFERENCES, headers=analyst.headers)
    assert shown.status_code == 200, shown.text
    assert shown.json()["events"]["alert.raised"] == "immediate"
    assert shown.json()["events"]["manifest.accepted"] == "never"
    assert shown.json()["language"] is None

    bad = {"events": {"alert.raised": "hourly", "no.such": "daily"}, "language": "de"}
    refused = client.put(PREFERENCES, json=bad, headers=analyst.headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    locs = {e["loc"] for e in refused.json()["errors"]}
    assert len(locs) >= 3, locs

    api_client = client.get(PREFERENCES, headers=auth_api.member_state_headers("SEN"))
    assert api_client.status_code == 403


def test_a_disabled_webhook_emails_its_organisations_admins_only(
    client: TestClient,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    auth_api: AuthApi,
    smtp_server: tuple[Inbox, int],
) -> None:
    inbox, port = smtp_server
    for role, address in (("admin", "admin@sen.test"), ("editor", "editor@sen.test")):
        person(
            client, auth_api, register_settings, org_type="member_state", org="SEN",
            role=role, email_address=address,
        )  # fmt: skip
    person(
        client, auth_api, register_settings, org_type="member_state", org="GHA",
        role="admin", email_address="admin@gha.test",
    )  # fmt: skip
    # As the webhook worker writes it when an endpoint fails for three days.
    with write_transaction(register.registry.state.engine) as session:
        emit(
            session,
            event_type="webhook.disabled",
            subject_id="wh-1",
            data={"id": "wh-1", "url": "https://sen.example/hook", "reason": "HTTP 500"},
            grants=[{"variant": "full", "org": "SEN"}],
        )

    run_mail_pass(register, auth_api, **_smtp(port))

    [told] = inbox.to("admin@sen.test")
    assert inbox.to("editor@sen.test") == []
    assert inbox.to("admin@gha.test") == []
    text, _ = parts(told)
    assert "https://sen.example/hook" in text
    assert f"{CONSOLE}admin/webhooks/wh-1" in text  # the console's page of it


def test_an_smtp_failure_is_retried_later_and_the_message_sent_once(
    client: TestClient,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    auth_api: AuthApi,
    smtp_server: tuple[Inbox, int],
) -> None:
    inbox, port = smtp_server
    person(
        client, auth_api, register_settings, org_type="member_state", org="SEN",
        role="admin", email_address="admin@sen.test",
    )  # fmt: skip
    _diversion(client, auth_api)
    with socket.socket() as closed:  # a port nobody listens on: the server is down
        closed.bind(("127.0.0.1", 0))
        down = int(closed.getsockname()[1])

    failed = run_mail_pass(register, auth_api, **_smtp(down), mail_retry_base_seconds=0.001)
    outbox = client.get(OUTBOX, headers=auth_api.admin_headers()).json()["items"]
    [waiting] = [m for m in outbox if m["to_address"] == "admin@sen.test"]
    time.sleep(0.01)
    sent = run_mail_pass(register, auth_api, **_smtp(port), mail_retry_base_seconds=0.001)
    again = run_mail_pass(register, auth_api, **_smtp(port), mail_retry_base_seconds=0.001)

    assert failed.failed == 1
    assert waiting["status"] == "pending"
    assert waiting["attempts"] == 1
    assert waiting["last_error"]
    assert sent.sent == 1
    assert again.sent == 0
    assert len(inbox.to("admin@sen.test")) == 1


# What each language's messages must say (issue 17: "the digest and the immediate
# messages in French and English"), written out here rather than read from the catalogue.
WORDING = {
    "en": {
        "greeting": "Hello Awa,",
        "immediate_subject": "SALW: A manifest was accepted",
        "immediate_intro": "Something happened in the register that concerns you.",
        "digest_subject": "SALW register: 2 notifications today",
        "digest_intro": "Here is what happened in the register since your last summary.",
        "title": "A manifest was accepted",
        "open": "Open in the console",
        "no_tokens": "This link does not sign you in: the console asks who you are.",
    },
    "fr": {
        "greeting": "Bonjour Awa,",
        "immediate_subject": "SALW: Un manifeste a été accepté",
        "immediate_intro": "Un événement du registre vous concerne.",
        "digest_subject": "Registre ALPC : 2 notifications aujourd'hui",
        "digest_intro": "Voici ce qui s'est passé dans le registre depuis votre dernier résumé.",
        "title": "Un manifeste a été accepté",
        "open": "Ouvrir dans la console",
        "no_tokens": "Ce lien ne vous connecte pas : la console vous demandera qui vous êtes.",
    },
}


def _editor_choosing(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    *,
    language: str,
    when: str,
) -> None:
    editor = person(
        client, auth_api, register_settings, org_type="member_state", org="SEN",
        role="editor", email_address="editor@sen.test",
    )  # fmt: skip
    chosen = {"events": {"manifest.accepted": when}, "language": language}
    assert client.put(PREFERENCES, json=chosen, headers=editor.headers).status_code == 200


def _manifests_accepted(client: TestClient, auth_api: AuthApi, count: int) -> list[str]:
    sen = auth_api.member_state_headers("SEN")
    ids = []
    for n in range(count):
        body = manifest([weapon(f"56-000010{n}")], mission="MINUSMA", crossing_date="2023-02-01")
        posted = client.post(MANIFESTS, json=body, headers=sen)
        assert posted.status_code == 201, posted.text
        ids.append(str(posted.json()["id"]))
    return ids


def _in_both_parts(message: Any, language: str, *phrases: str) -> tuple[str, str]:
    """The message's plain text and HTML parts, each carrying every phrase."""
    assert message["Content-Language"] == language
    text, html = parts(message)
    assert f'<html lang="{language}">' in html
    for phrase in phrases:
        assert phrase in text, phrase
        assert phrase in html, phrase
    for body in (text, html):
        assert "token=" not in body.lower()
        assert "eyJ" not in body
    return text, html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_immediate_message_reads_in_the_persons_language_in_text_and_html(
    client: TestClient,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    auth_api: AuthApi,
    smtp_server: tuple[Inbox, int],
    language: str,
) -> None:
    inbox, port = smtp_server
    words = WORDING[language]
    _editor_choosing(client, auth_api, register_settings, language=language, when="immediate")
    [manifest_id] = _manifests_accepted(client, auth_api, 1)

    run_mail_pass(register, auth_api, **_smtp(port))

    [message] = inbox.to("editor@sen.test")
    assert message["Subject"] == words["immediate_subject"]
    link = f"{CONSOLE}manifests/{manifest_id}"
    text, html = _in_both_parts(message, language, words["greeting"], words["title"])
    assert words["immediate_intro"] in text
    assert f"{words['open']}: {link}" in text
    assert f'<a href="{link}">{words["open"]}</a>' in html
    assert words["no_tokens"] in text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_daily_digest_reads_in_the_persons_language_in_text_and_html(
    client: TestClient,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    auth_api: AuthApi,
    smtp_server: tuple[Inbox, int],
    language: str,
) -> None:
    inbox, port = smtp_server
    words = WORDING[language]
    _editor_choosing(client, auth_api, register_settings, language=language, when="daily")
    ids = _manifests_accepted(client, auth_api, 2)

    run_mail_pass(register, auth_api, **_smtp(port))
    assert inbox.to("editor@sen.test") == []  # daily: nothing before the digest is due
    time.sleep(0.01)
    run_mail_pass(register, auth_api, **_smtp(port), mail_digest_interval_seconds=0.005)
    run_mail_pass(register, auth_api, digest=True, **_smtp(port))

    [digest] = inbox.to("editor@sen.test")
    assert digest["Subject"] == words["digest_subject"]
    text, html = _in_both_parts(digest, language, words["greeting"])
    assert words["digest_intro"] in text
    assert text.count(words["title"]) == 2
    assert html.count(words["title"]) == 2
    for manifest_id in ids:
        link = f"{CONSOLE}manifests/{manifest_id}"
        assert f"{words['open']}: {link}" in text
        assert f'<a href="{link}">{words["open"]}</a>' in html
