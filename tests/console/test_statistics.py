"""Statistics in the console: counts by a grouping as a table with bars (numbers beside
them), DDR people figures, the date range with its problems named, CSV and XLSX of the
table shown."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from services.console.statistics import service as statistics_service
from services.embedded import EmbeddedSettings
from tests.console.cases_support import analyst, diversion, error_summary
from tests.console.support import sign_in
from tests.registry.factories import INDEX, declared_weapon, delivery
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

PEOPLE = {"female_under_18": 2, "female_18_and_over": 9, "male_under_18": 4, "male_18_and_over": 31}


def _records(client: TestClient, auth_api: AuthApi) -> None:
    """SEN's manifest, NER's seizure, and Mali's DDR collection of two rifles."""
    diversion(client, auth_api)
    collection = delivery(
        [declared_weapon(0, "DDR-0001"), declared_weapon(1, "DDR-0002")],
        declaration_id="decl-ddr",
        type_="collection",
        country="MLI",
        mission="MINUSMA",
        event_date="2024-06-01",
        collection={"ddr": True, "programme": "PNDDRR", "people": PEOPLE},
        ddr_people=PEOPLE,
    )
    relay = auth_api.operator_headers(("index:write",))
    assert_status(client.post(INDEX, json=collection, headers=relay), 200)


def test_counts_by_country_are_a_table_with_bars_and_ddr_people(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _records(client, auth_api)
    sign_in(client, analyst(client, auth_api, register_settings), start="/console/statistics")
    page = client.get("/console/statistics?group_by=country")
    assert page.status_code == 200, page.text
    mli = re.search(r'<tr><th scope="row">MLI</th><td>Declarations</td>.*?</tr>', page.text)
    assert mli is not None, page.text
    # The largest quantity has the full bar, and its number is written beside it.
    assert '<rect class="bar__fill" x="0" y="0" width="200"' in mli.group(0)
    assert '<span class="bar__value">2</span>' in mli.group(0)
    sen = re.search(r'<tr><th scope="row">SEN</th><td>Manifests</td>.*?</tr>', page.text)
    assert sen is not None
    assert 'width="100"' in sen.group(0)
    ddr = re.search(r'<tr><th scope="row">MLI</th>(<td class="num">\d+</td>)+</tr>', page.text)
    assert ddr is not None, page.text
    assert '<td class="num">46</td>' in ddr.group(0)  # every person counted
    assert "Weapons traced to their illicit origin: <strong>0</strong>" in page.text

    in_2024 = client.get("/console/statistics?group_by=country&date_from=2024-01-01").text
    assert '<th scope="row">SEN</th>' not in in_2024  # the manifest crossed in 2023


def test_bad_dates_are_named_in_the_person_s_language(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    sign_in(client, analyst(client, auth_api, register_settings), start="/console/statistics")
    page = client.get("/console/statistics?group_by=year&date_from=2024-13-45&date_to=soon&lang=fr")
    assert page.status_code == 422
    problems = error_summary(page.text)
    assert len(problems) == 2, problems
    assert problems[0].startswith("Du")
    assert problems[1].startswith("Au")
    assert 'value="soon"' in page.text
    export = client.get("/console/statistics.csv?date_to=soon", follow_redirects=False)
    assert export.status_code == 303
    assert export.headers["location"] == "/console/statistics?group_by=country&date_to=soon"


def test_the_table_shown_downloads_as_csv_and_xlsx(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _records(client, auth_api)
    sign_in(client, analyst(client, auth_api, register_settings), start="/console/statistics")
    csv = client.get("/console/statistics.csv?group_by=mission&lang=fr")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert 'filename="statistics-mission-' in csv.headers["content-disposition"]
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Mission,Source,Lignes d’éléments,Quantité,Masse (kg)"
    assert "MINUSMA,Déclarations,3,3,0.0" in lines
    xlsx = client.get("/console/statistics.xlsx?group_by=mission")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert rows[0] == ("Mission", "Source", "Item rows", "Quantity", "Mass (kg)")
    assert ("MINUSMA", "Declarations", 3, 3, 0) in rows
    assert client.get("/console/statistics.pdf").status_code == 404


def test_the_map_draws_recoveries_on_bundled_borders_and_lists_them(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _records(client, auth_api)
    sign_in(client, analyst(client, auth_api, register_settings), start="/console/statistics")
    page = client.get("/console/statistics/map?lang=fr")
    assert page.status_code == 200, page.text
    drawn = page.text.split('<svg class="map__svg"')[1].split("</svg>")[0]
    assert drawn.count('<path class="map__country"') > 5  # Natural Earth's borders
    # Each kind its own mark: the seizure a circle, the DDR collection a triangle.
    assert drawn.count('<circle class="map__recovery map__seizure"') == 1
    assert drawn.count('<path class="map__recovery map__collection"') == 1
    assert '<rect class="map__loss"' not in drawn
    assert "//" not in drawn  # nothing fetched from elsewhere
    assert "<td>Ménaka</td>" in page.text  # listed beside the map
    assert client.get("/console/statistics/map?date_to=soon").status_code == 422


def test_the_maps_points_open_their_records_and_one_year_can_be_shown(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _records(client, auth_api)
    late = delivery(
        [declared_weapon(0, "DDR-0101")],
        declaration_id="decl-ddr-2023",
        type_="collection",
        country="MLI",
        mission="MINUSMA",
        event_date="2023-03-01",
    )
    relay = auth_api.operator_headers(("index:write",))
    assert_status(client.post(INDEX, json=late, headers=relay), 200)
    sign_in(client, analyst(client, auth_api, register_settings), start="/console/statistics")

    page = client.get("/console/statistics/map").text
    drawn = page.split('<svg class="map__svg"')[1].split("</svg>")[0]
    assert 'href="/console/declarations/decl-ddr" data-x=' in drawn  # a point opens its record
    assert drawn.count('class="map__point"') == 3
    assert 'type="range" min="2023" max="2024" step="1" value="2024"' in page

    year = client.get("/console/statistics/map", params={"year": "2023"}).text
    drawn = year.split('<svg class="map__svg"')[1].split("</svg>")[0]
    assert drawn.count('class="map__point"') == 1  # that year's only, without the script
    assert 'href="/console/declarations/decl-ddr-2023"' in drawn
    assert '<output class="map-years__label" id="map-year-label" for="map-year"' in year

    refused = client.get("/console/statistics/map", params={"year": "soon"})
    assert refused.status_code == 422
    assert error_summary(refused.text) == ["Year: Choose a year on the slider."]
    assert 'href="#map-year"' in refused.text


def test_a_year_of_a_range_cut_at_the_registrys_limit_still_shows_that_years_places(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _records(client, auth_api)  # the seizure and the DDR collection, both of 2024
    late = delivery(
        [declared_weapon(0, "DDR-0101")],
        declaration_id="decl-ddr-2023",
        type_="collection",
        country="MLI",
        mission="MINUSMA",
        event_date="2023-03-01",
    )
    relay = auth_api.operator_headers(("index:write",))
    assert_status(client.post(INDEX, json=late, headers=relay), 200)
    sign_in(client, analyst(client, auth_api, register_settings), start="/console/statistics")
    # One point a page: every year's page holds the oldest, 2023's, and says it is cut.
    monkeypatch.setattr(statistics_service, "MAP_POINTS", 1)

    every = client.get("/console/statistics/map").text
    drawn = every.split('<svg class="map__svg"')[1].split("</svg>")[0]
    assert drawn.count('class="map__point"') == 1
    assert 'href="/console/declarations/decl-ddr-2023"' in drawn
    # The slider still reaches 2024, and asks the server for a year (data-partial).
    assert 'type="range" min="2023" max="2024" step="1" value="2024"' in every
    assert "data-partial" in every

    year = client.get("/console/statistics/map", params={"year": "2024"}).text
    drawn = year.split('<svg class="map__svg"')[1].split("</svg>")[0]
    assert drawn.count('class="map__point"') == 1  # 2024's, not 2023's filtered away
    assert "decl-ddr-2023" not in drawn
    assert 'type="range" min="2023" max="2024" step="1" value="2024"' in year

    # A year outside the range chosen: no place, and no problem either.
    outside = client.get(
        "/console/statistics/map", params={"year": "2023", "date_from": "2024-01-01"}
    )
    assert outside.status_code == 200
    assert 'class="map__point"' not in outside.text
    # A bad date is still named, once, with a year chosen.
    refused = client.get("/console/statistics/map", params={"year": "2024", "date_to": "soon"})
    assert refused.status_code == 422
    assert len(error_summary(refused.text)) == 1


def test_the_place_picker_map_is_the_regions_borders_with_its_projection(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    picker = "/console/statistics/map/picker.svg"
    assert client.get(picker, follow_redirects=False).status_code in (302, 303, 401)
    sign_in(client, analyst(client, auth_api, register_settings), start="/console/statistics")
    answer = client.get(f"{picker}?lang=fr")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert "private" in answer.headers["cache-control"]
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
    svg = answer.text
    assert svg.count('class="map__country"') > 20  # the region's countries, from the bundle
    assert 'aria-label="Carte : sélectionnez un lieu' in svg
    # What the script turns a selected point back into degrees with: the default frame,
    # 20° W to 35° E, north edge 28° N, 800 units wide.
    west = float(re.search(r'data-west="([-\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    north = float(re.search(r'data-north="([-\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    scale = float(re.search(r'data-scale="([-\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    assert (west, north) == (-20.0, 28.0)
    assert scale == pytest.approx(800 / 55)


def test_by_year_the_page_draws_each_register_over_time_with_its_own_shape(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _records(client, auth_api)  # the manifest crossed in 2023, the declarations are of 2024
    sign_in(client, analyst(client, auth_api, register_settings), start="/console/statistics")
    page = client.get("/console/statistics?group_by=year&lang=fr").text
    plot = page.split('<svg class="chart__plot"')[1].split("</svg>")[0]
    manifests = plot.split('<g class="chart__series chart__series--circle">')[1].split("</g>")[0]
    declarations = plot.split('<g class="chart__series chart__series--square">')[1]
    assert manifests.count("<circle") == 2  # one marker a year, 2023 and 2024
    assert declarations.split("</g>")[0].count("<rect") == 2
    assert ">2023</text>" in plot
    assert ">2024</text>" in plot
    legend = page.split('<span class="chart__legend">')[1].split("</figcaption>")[0]
    assert "Manifestes" in legend
    assert "Déclarations" in legend
    by_country = client.get("/console/statistics?group_by=country").text
    assert "chart__plot" not in by_country  # a time series is drawn by year only


def test_every_table_shown_downloads_the_ddr_people_too(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _records(client, auth_api)
    sign_in(client, analyst(client, auth_api, register_settings), start="/console/statistics")
    page = client.get("/console/statistics?group_by=country").text
    assert 'href="/console/statistics.csv?group_by=country&amp;table=ddr"' in page
    ddr = client.get("/console/statistics.csv?group_by=country&table=ddr&lang=fr")
    assert ddr.status_code == 200
    assert 'filename="statistics-ddr-country-all.csv"' in ddr.headers["content-disposition"]
    lines = ddr.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Pays,Collectes,")
    assert lines[1] == "MLI,1,2,9,4,31,0,46"
    book = load_workbook(
        io.BytesIO(client.get("/console/statistics.xlsx?group_by=country").content)
    )
    assert book.sheetnames == ["Statistics", "People (DDR)"]
    assert [c.value for c in book["People (DDR)"][2]] == ["MLI", 1, 2, 9, 4, 31, 0, 46]
    # No answered trace request: no outcomes table, nothing to download; no such table.
    assert client.get("/console/statistics.csv?table=outcomes").status_code == 404
    assert client.get("/console/statistics.csv?table=alerts").status_code == 404


def test_trace_outcomes_are_labelled_in_the_person_s_language() -> None:
    from services.console.i18n import translator
    from services.console.statistics import tables

    found = {
        "trace_outcomes": [
            {
                "result": "origin_established",
                "kind": "national_stockpile",
                "requests": 2,
                "weapons": 1,
            },
            {"result": "not_established", "kind": None, "requests": 1, "weapons": 1},
        ]
    }
    french = tables.outcomes(found, translator("fr"))
    assert [(o.result, o.kind, o.requests, o.weapons) for o in french] == [
        ("Origine établie", "Stocks nationaux", 2, 1),
        ("Origine non établie", "", 1, 1),
    ]


def test_counts_by_maker_and_presumed_user_show_readable_names_in_english_and_french(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    diversion(client, auth_api)  # SEN's Kalashnikov Concern rifle, NER's seizure of it
    relay = auth_api.operator_headers(("index:write",))
    izhmash = delivery(
        [declared_weapon(0, "IZ-1", manufacturer="Izhmash")],
        declaration_id="decl-izhmash",
        presumed_user="JNIM",
    )
    assert_status(client.post(INDEX, json=izhmash, headers=relay), 200)
    army = delivery(
        [declared_weapon(0, "GF-1")],
        declaration_id="decl-army",
        presumed_user_kind="government_forces",
    )
    assert_status(client.post(INDEX, json=army, headers=relay), 200)
    sign_in(client, analyst(client, auth_api, register_settings), start="/console/statistics")

    page = client.get("/console/statistics?group_by=manufacturer")
    assert page.status_code == 200, page.text
    assert '<option value="manufacturer" selected>Manufacturer</option>' in page.text
    assert "Items by manufacturer" in page.text
    # Izhmash counted with Kalashnikov Concern: NER's three rifles in one row.
    ner = re.search(
        r'<tr><th scope="row">Kalashnikov Concern</th><td>Declarations</td>'
        r'<td class="num">3</td>',
        page.text,
    )
    assert ner is not None, page.text

    french = client.get("/console/statistics?group_by=presumed_user&lang=fr")
    assert french.status_code == 200, french.text
    assert '<option value="presumed_user" selected>Utilisateur présumé</option>' in french.text
    assert '<th scope="row">Forces gouvernementales</th><td>Déclarations</td>' in french.text
    assert '<th scope="row">Non renseigné</th><td>Déclarations</td>' in french.text
    # A listed armed group by its name.
    jnim = r'<th scope="row">Jama(&#39;|\')at Nusrat al-Islam wal-Muslimin</th><td>Déclarations'
    assert re.search(jnim, french.text), french.text

    csv = client.get("/console/statistics.csv?group_by=year_of_manufacture&lang=fr")
    assert csv.status_code == 200
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Année de fabrication,Source,Lignes d’éléments,Quantité,Masse (kg)"
    xlsx = client.get("/console/statistics.xlsx?group_by=calibre&lang=en")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert rows[0] == ("Calibre", "Source", "Item rows", "Quantity", "Mass (kg)")
    assert ("7.62x39mm", "Declarations", 3, 3, 0) in rows
    assert ("7.62x39mm", "Manifests", 1, 1, 0) in rows
