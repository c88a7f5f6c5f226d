"""An alert in the person's language: its kind, summary and evidence labels rendered by
the console from the alert's structured fields, the registry's English text kept as the
fallback when a field the template needs is missing."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from services.console.alerts.labels import summary
from services.console.i18n import Formats, translator
from services.embedded import EmbeddedSettings
from tests.console.analysis_support import analyst, diversion
from tests.support.auth_fixtures import AuthApi


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", page))


def test_a_french_person_sees_the_alert_in_french(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _manifest, alert_id = diversion(client, auth_api)
    analyst(client, auth_api, register_settings)

    page = _text(client.get(f"/console/alerts/{alert_id}", params={"lang": "fr"}).text)
    said = "« 56 OOOO123 » correspond (normalisée) à « 56-0000123 » entré dans MINUSMA par SEN"
    assert "Alerte: Saisie par NER le 10 mai 2024" in page, page
    assert said in page
    assert "matches" not in page  # not the registry's English summary
    assert "<dt>Déclaration › Pays déclarant</dt><dd>NER</dd>" in page
    assert "<dt>Correspondance</dt><dd>normalisée</dd>" in page
    assert "<dt>Manifestes › 1 › Tel qu’enregistré</dt><dd>56-0000123</dd>" in page
    assert "<dt>Manifestes › 1 › Date de passage</dt><dd>1 févr. 2023</dd>" in page
    assert "<dd>Détournement</dd>" in page  # the kind

    queue = _text(client.get("/console/alerts").text)  # the language is remembered
    assert said in queue
    home = _text(client.get("/console/").text)
    assert said in home
    english = _text(client.get(f"/console/alerts/{alert_id}", params={"lang": "en"}).text)
    assert "“56 OOOO123” matches (normalized) “56-0000123” brought into MINUSMA by SEN" in english
    assert "<dt>Declaration › Declaring country</dt><dd>NER</dd>" in english


def test_the_registry_summary_is_kept_when_the_fields_are_missing() -> None:
    alert = {"kind": "diversion", "summary": "As the registry wrote it", "evidence": {}}
    assert summary(alert, translator("fr"), Formats("fr")) == "As the registry wrote it"
    unknown = {"kind": "new_kind", "summary": "A new kind", "evidence": {"x": 1}}
    assert summary(unknown, translator("pt"), Formats("pt")) == "A new kind"
