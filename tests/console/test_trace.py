"""Trace in the console: a serial typed with look-alike letters finds the weapon's manifest
and seizure in one timeline, near misses apart; patterns; empty and refused searches."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.console.analysis_support import analyst, diversion
from tests.support.auth_fixtures import AuthApi


def _timelines(page: str) -> list[str]:
    return re.findall(r'<section class="timeline".*?</section>', page, flags=re.S)


def test_a_serial_typed_with_letter_o_shows_one_timeline_with_manifest_and_seizure(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    manifest_id, _alert = diversion(client, auth_api)
    analyst(client, auth_api, register_settings)

    page = client.get("/console/trace", params={"serial_number": "56-OOOO123"})
    assert page.status_code == 200, page.text
    timelines = _timelines(page.text)
    assert len(timelines) == 2, page.text  # the rifle, and the near miss 56-0000128
    rifle, near_miss = timelines
    assert f'href="/console/manifests/{manifest_id}"' in rifle
    assert 'href="/console/declarations/decl-menaka"' in rifle
    assert rifle.index("Brought into the mission") < rifle.index("Seized")  # date order
    assert "Ménaka, MLI" in rifle  # where it was seized
    assert "tag--normalized" in rifle
    assert "SEN, SENBATT" in rifle
    assert "NER" in rifle
    assert "56-0000128" in near_miss
    assert "tag--possible" in near_miss
    assert "A near miss for you to judge" in near_miss

    # The maker narrows it; a pattern searches partial serials.
    pattern = client.get("/console/trace", params={"serial_number": "56-00*123"})
    assert "Searched as the pattern" in html.unescape(pattern.text)
    assert len(_timelines(pattern.text)) == 1

    french = client.get("/console/trace", params={"serial_number": "56 OOOO123", "lang": "fr"})
    assert "Tracer une arme" in french.text
    assert "Entrée dans la mission" in french.text


def test_empty_refused_and_unmatched_searches_say_so(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    analyst(client, auth_api, register_settings)
    blank = client.get("/console/trace", params={"serial_number": "  ", "model": "x" * 300})
    assert blank.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</div>', blank.text, flags=re.S)
    assert summary is not None
    assert 'href="#serial_number"' in summary.group(0)
    assert 'href="#model"' in summary.group(0)

    refused = client.get("/console/trace", params={"serial_number": "--//--"})
    assert refused.status_code == 422, refused.text  # the registry's 422, on the field
    assert 'href="#serial_number"' in refused.text

    nothing = client.get("/console/trace", params={"serial_number": "ZZ-999999"})
    assert nothing.status_code == 200
    assert "No record you may see matches this serial number." in html.unescape(nothing.text)

    form = client.get("/console/trace")
    assert form.status_code == 200
    assert "error-summary" not in form.text
    assert 'aria-current="page"' in form.text
