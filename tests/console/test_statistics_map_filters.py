"""The map's filters in the console (issue 16, item 4): kind of record, mission and
presumed user beside the dates, each refused value named beside its field in the
person's language; each kind its own mark; an incident one mark listing its
declarations."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.console.cases_support import analyst, error_summary
from tests.console.support import sign_in
from tests.registry.factories import INDEX, declared_weapon, delivery
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

MAP = "/console/statistics/map"
AMBUSH = "0b3c1d7e-8a4f-4c21-9d8e-5f6a7b8c9d01"


def _declare(client: TestClient, auth_api: AuthApi, declaration_id: str, **fields: Any) -> None:
    body = delivery(
        [declared_weapon(0, f"S-{declaration_id}")], declaration_id=declaration_id, **fields
    )
    relay = auth_api.operator_headers(("index:write",))
    assert_status(client.post(INDEX, json=body, headers=relay), 200)


@pytest.fixture
def signed_in(client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings) -> None:
    """An ECOWAS analyst, and: Niger's seizure (MINUSMA, Katiba Massina), Mali's
    collection (MINUSCA, government forces), Mali's destruction (MINUSCA), and an ambush
    declared by Niger and by Mali (MINUSMA)."""
    _declare(
        client,
        auth_api,
        "decl-seizure",
        event_date="2024-02-01",
        presumed_user="Katiba Massina",
        presumed_user_kind="non_state_armed_group",
    )
    _declare(
        client,
        auth_api,
        "decl-collection",
        type_="collection",
        country="MLI",
        mission="MINUSCA",
        event_date="2024-03-01",
        presumed_user_kind="government_forces",
    )
    _declare(
        client,
        auth_api,
        "decl-destruction",
        type_="destruction",
        country="MLI",
        mission="MINUSCA",
        event_date="2024-04-01",
    )
    incident = {
        "id": AMBUSH,
        "type": "attack_on_mission",
        "date": "2024-05-01",
        "country": "MLI",
        "presumed_user": "Katiba Massina",
    }
    for declaration_id, country, day in (
        ("decl-ambush-ner", "NER", "2024-05-02"),
        ("decl-ambush-mli", "MLI", "2024-05-03"),
    ):
        _declare(
            client,
            auth_api,
            declaration_id,
            country=country,
            event_date=day,
            incident_id=AMBUSH,
            incident=incident,
        )
    sign_in(client, analyst(client, auth_api, register_settings), start="/console/statistics")


def _drawn(page: str) -> str:
    return page.split('<svg class="map__svg"')[1].split("</svg>")[0]


@pytest.mark.usefixtures("signed_in")
def test_a_mission_and_a_kind_of_record_keep_their_marks_each_drawn_its_own_way(
    client: TestClient,
) -> None:
    minusca = client.get(MAP, params={"mission": "MINUSCA"})
    assert minusca.status_code == 200, minusca.text
    drawn = _drawn(minusca.text)
    assert drawn.count('class="map__point"') == 2  # the collection and the destruction
    assert '<path class="map__recovery map__collection" d="M0,-7.5 L7,5.5 L-7,5.5 Z"' in drawn
    assert '<path class="map__recovery map__destruction" d="M0,-8 L8,0 L0,8 L-8,0 Z"' in drawn
    assert "<circle" not in drawn  # no seizure
    assert 'id="mission" name="mission" type="text" spellcheck="false"' in minusca.text
    assert 'value="MINUSCA"' in minusca.text
    # The year slider's form keeps the filters.
    assert '<input type="hidden" name="mission" value="MINUSCA">' in minusca.text
    # The legend draws each mark with its name.
    legend = minusca.text.split('<ul class="map-legend">')[1].split("</ul>")[0]
    for name in ("Seizure", "Collection", "Destruction", "Loss"):
        assert name in legend

    destructions = client.get(MAP, params={"mission": "MINUSCA", "type": "destruction"})
    drawn = _drawn(destructions.text)
    assert drawn.count('class="map__point"') == 1
    assert "map__destruction" in drawn
    assert "map__collection" not in drawn
    assert '<option value="destruction" selected>Destruction</option>' in destructions.text


@pytest.mark.usefixtures("signed_in")
def test_an_incident_is_one_mark_listing_its_declarations_in_french(client: TestClient) -> None:
    page = client.get(MAP, params={"presumed_user": "KATIBAT_MACINA", "lang": "fr"})
    assert page.status_code == 200, page.text
    drawn = _drawn(page.text)
    # The seizure of the group's own, and the ambush the group is presumed to have made.
    assert drawn.count('class="map__point"') == 2
    assert "decl-collection" not in page.text
    assert "decl-destruction" not in page.text
    (incident,) = [a for a in drawn.split("<a ")[1:] if "data-incident" in a]
    assert "map__incident" in incident
    assert incident.startswith('class="map__point" href="#map-place-2"')
    row = page.text.split('<tr id="map-place-2"')[1].split("</tr>")[0]
    assert "Incident (2 déclarations)" in row
    assert 'href="/console/declarations/decl-ambush-ner"' in row
    assert 'href="/console/declarations/decl-ambush-mli"' in row
    assert 'value="KATIBAT_MACINA"' in page.text
    assert "Utilisateur présumé" in page.text


@pytest.mark.usefixtures("signed_in")
def test_a_government_presumed_user_leaves_the_others_out(client: TestClient) -> None:
    page = client.get(MAP, params={"presumed_user": "government_forces"})
    drawn = _drawn(page.text)
    assert drawn.count('class="map__point"') == 1
    assert 'href="/console/declarations/decl-collection"' in drawn


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "Kind of record: Choose seizure, collection, destruction or loss.",
                "Mission: Enter a mission's code, such as MINUSMA: letters, digits and hyphens.",
                "Presumed user: Enter a listed armed group's code, such as JNIM, or choose"
                " government forces, non-state armed group or unknown.",
            ],
        ),
        (
            "fr",
            [
                "Nature de l’enregistrement: Choisissez saisie, collecte, destruction ou perte.",
                "Mission: Saisissez le code d’une mission, comme MINUSMA : lettres, chiffres et"
                " traits d’union.",
                "Utilisateur présumé: Saisissez le code d’un groupe armé répertorié, comme JNIM,"
                " ou choisissez forces gouvernementales, groupe armé non étatique ou inconnu.",
            ],
        ),
    ],
)
@pytest.mark.usefixtures("signed_in")
def test_bad_filters_are_each_named_beside_their_field(
    client: TestClient, lang: str, expected: list[str]
) -> None:
    refused = client.get(
        MAP, params={"type": "theft", "mission": "MINUSMA; 1", "presumed_user": "x", "lang": lang}
    )
    assert refused.status_code == 422
    assert sorted(error_summary(refused.text)) == sorted(e.replace("'", "&#39;") for e in expected)
    for field in ("type", "mission", "presumed_user"):
        assert f'href="#{field}"' in refused.text  # the summary links to the field
        assert f'<p class="error-message" id="{field}-error">' in refused.text
        assert f'aria-describedby="{field}-hint {field}-error"' in refused.text or (
            f'aria-describedby="{field}-error"' in refused.text
        )
    assert 'value="MINUSMA; 1"' in refused.text  # kept as typed, to correct

    unlisted = client.get(MAP, params={"presumed_user": "NO_SUCH_GROUP", "lang": lang})
    assert unlisted.status_code == 422
    (problem,) = error_summary(unlisted.text)
    assert problem == expected[2].replace("'", "&#39;")
