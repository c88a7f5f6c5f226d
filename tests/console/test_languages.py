"""The console in English, French, Portuguese and Spanish: catalogues complete, the
language chosen by ?lang=, then the person's choice, then Accept-Language; dates and
numbers per locale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from services.console.i18n import LANGUAGES, LOCALE_DIR
from services.embedded import EmbeddedSettings
from tests.auth.people_support import invite_and_enrol
from tests.console.manifest_files import FIXED, FORM, WITH_ONE_BAD_ROW
from tests.console.support import register_console, sign_in
from tests.support.auth_fixtures import AuthApi

CONSOLE = LOCALE_DIR.parent
KEYWORDS = {"_": None, "N_": None}


def _extracted() -> set[str]:
    """Every message in the console's code and templates, extracted afresh."""
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    return {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(CONSOLE), method_map, keywords=KEYWORDS
        )
        if isinstance(message, str)
    }


def test_the_committed_template_lists_every_message_of_the_code() -> None:
    with (LOCALE_DIR / "messages.pot").open("rb") as handle:
        committed = {m.id for m in read_po(handle) if m.id}
    assert committed == _extracted(), "run `make messages` and translate what it adds"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_has_a_translation_in_the_catalogue(lang: str) -> None:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = {m.id: m for m in read_po(handle, locale=lang) if m.id}
    lacking = sorted(
        message
        for message in _extracted()
        if message not in catalogue or not catalogue[message].string or catalogue[message].fuzzy
    )
    assert lacking == [], f"{Path(path).relative_to(CONSOLE)} lacks {lacking}"


@pytest.mark.parametrize("lang", ["fr", "pt", "es"])
def test_every_page_renders_with_no_untranslated_string(
    lang: str, client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    # A message missing from the catalogue warns (UntranslatedMessage): an error here.
    register_console(register_settings)
    person = invite_and_enrol(
        client, auth_api, org="SEN", org_type="member_state", role="editor", email="e@sn.test"
    )
    page = sign_in(client, person, start=f"/console/manifests/upload?lang={lang}")
    assert f'<html lang="{lang}">' in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    files = {"file": ("m.csv", WITH_ONE_BAD_ROW, "text/csv")}
    refused = client.post(
        "/console/manifests/upload", data={**FORM, "csrf_token": csrf.group(1)}, files=files
    )
    assert refused.status_code == 422
    stored = client.post(
        "/console/manifests/upload",
        data={**FORM, "csrf_token": csrf.group(1)},
        files={"file": ("m.csv", FIXED, "text/csv")},
    )
    assert stored.status_code == 200
    for path in (
        "/console/",
        "/console/manifests",
        "/console/manifests?crossed_from=x",
        "/console/nowhere",
        "/console/signed-out",
    ):
        response = client.get(path)
        assert f'<html lang="{lang}">' in response.text, path


def test_the_language_asked_for_is_remembered_and_dates_follow_it(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    register_console(register_settings)
    person = invite_and_enrol(
        client, auth_api, org="SEN", org_type="member_state", role="editor", email="e@sn.test"
    )
    page = sign_in(client, person, start="/console/manifests/upload?lang=fr")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    stored = client.post(
        "/console/manifests/upload",
        data={**FORM, "csrf_token": csrf.group(1)},
        files={"file": ("m.csv", FIXED, "text/csv")},
    )
    # No ?lang= any more: the choice is remembered (a cookie), over Accept-Language.
    assert "Le manifeste a été enregistré." in stored.text
    assert "12 mars 2026" in stored.text
    spanish = client.get(str(stored.url).split("?")[0] + "?lang=es")
    assert "12 mar 2026" in spanish.text
    assert "Manifiesto" in spanish.text


def test_accept_language_chooses_when_nothing_else_does(
    client: TestClient,
) -> None:
    response = client.get("/console/signed-out", headers={"Accept-Language": "pt-BR,fr;q=0.5"})
    assert '<html lang="pt">' in response.text
    assert "Terminou a sessão na consola." in response.text
    weighted = client.get("/console/signed-out", headers={"Accept-Language": "de, es;q=0.9"})
    assert '<html lang="es">' in weighted.text
