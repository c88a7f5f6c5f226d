"""Statistics read daily counts kept by the item inserts: the answers are those of a GROUP
BY over every item row, for every grouping, caller and date range.

Manifests go in through the API (two on one day: the upsert adds to existing counts),
declarations through the index feed, one replaced by a newer version (its counts move,
even to another day) and one disposed (its counts go). The expected answers are
computed here, in Python, from the item rows themselves, with the membership periods the
test set: an ECCAS secretariat whose periods start and end inside the days recorded.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from services.registry.models.daily_counts import (
    ATTRIBUTES,
    declared_item_daily_attributes,
    declared_item_daily_counts,
    declared_item_daily_totals,
    manifest_item_daily_attributes,
    manifest_item_daily_counts,
    manifest_item_daily_totals,
)
from services.registry.models.handles import declared_items, manifest_items
from services.registry.statistics.schemas import GroupBy
from tests.registry.factories import (
    INDEX,
    MANIFESTS,
    ammunition,
    declared_weapon,
    delivery,
    manifest,
    weapon,
)
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

STATS = "/registry/v1/statistics"
COMMUNITIES = "/auth/v1/communities"
GROUPINGS: tuple[str, ...] = GroupBy.__args__
MORTAR_BOMBS = {
    "kind": "ordnance",
    "ordnance_type": "mortar_bomb",
    "calibre": "81 mm",
    "lot_number": "HG-18-3",
    "quantity": 48,
}
PLASTIC_KG = {"kind": "explosive", "explosive_type": "bulk_explosive", "quantity": 25}
TNT_G = {"kind": "explosive", "explosive_type": "bulk_explosive", "quantity": 750}
DETONATORS = {"kind": "explosive", "explosive_type": "detonator", "quantity": 100}
# ECCAS reads TCD and CMR throughout (seeded), SEN from 5 to 19 March 2024 (it "left" on
# the 20th) and NER from 11 May 2024: each cut falls between two recorded days.
PERIODS = {
    "TCD": (date(1983, 10, 18), None),
    "CMR": (date(1983, 10, 18), None),
    "SEN": (date(2024, 3, 5), date(2024, 3, 20)),
    "NER": (date(2024, 5, 11), None),
}


def _post_manifests(client: TestClient, auth_api: AuthApi) -> None:
    sen, tcd = auth_api.member_state_headers("SEN"), auth_api.member_state_headers("TCD")
    bodies = [
        (
            sen,
            manifest(
                [
                    weapon("S-1", year_of_manufacture=2011),
                    # Two spellings of one maker and of one calibre: counted together.
                    weapon(
                        "S-2",
                        category="revolver_pistol",
                        manufacturer="Izhmash",
                        calibre="7,62 x 39 mm",
                    ),
                ],
                crossing_date="2024-03-04",
            ),
        ),
        (sen, manifest([ammunition("L-1", 500), MORTAR_BOMBS], crossing_date="2024-03-05")),
        # The same day and contingent again: the counts of 5 March grow.
        (
            sen,
            manifest(
                [
                    weapon("S-3", manufacturer="Some Arms Ltd", year_of_manufacture=1998),
                    ammunition("L-2", 20),
                    {**PLASTIC_KG, "quantity_unit": "kg"},
                ],
                crossing_date="2024-03-05",
            ),
        ),
        (sen, manifest([{**TNT_G, "quantity_unit": "g"}, DETONATORS], crossing_date="2024-03-19")),
        (
            sen,
            manifest(
                [weapon("S-1"), ammunition("L-1", 200)], direction="out", crossing_date="2024-03-20"
            ),
        ),
        (
            tcd,
            manifest(
                [weapon("T-1"), weapon("T-2")],
                country="TCD",
                mission="MINUSMA",
                crossing_date="2023-12-31",
            ),
        ),
        (
            tcd,
            manifest(
                [weapon("T-3", category="shotgun")], country="TCD", crossing_date="2024-01-01"
            ),
        ),
    ]
    for headers, body in bodies:
        assert_status(client.post(MANIFESTS, json=body, headers=headers))


def _deliver(client: TestClient, relay: dict[str, str], body: dict[str, Any]) -> None:
    answer = assert_status(client.post(INDEX, json=body, headers=relay), 200)
    assert answer["status"] in ("indexed", "disposed"), answer


def _deliver_declarations(client: TestClient, auth_api: AuthApi) -> None:
    relay = auth_api.operator_headers(("index:write",))
    explosive_kg = {**PLASTIC_KG, "item_index": 4, "quantity_unit": "kg"}
    seizure = [
        declared_weapon(0, "N-1"),
        declared_weapon(
            1, "N-2", serial_status="present", manufacturer="Izhmash", year_of_manufacture=1987
        ),
        declared_weapon(2, "4471", serial_status="partial"),
        declared_weapon(3, None, serial_status="obliterated"),
        explosive_kg,
    ]
    _deliver(
        client,
        relay,
        delivery(
            seizure, declaration_id="d-seizure", event_date="2024-05-10", presumed_user="JNIM"
        ),
    )
    collection = [
        declared_weapon(0, "C-1", category=None),
        {**TNT_G, "item_index": 1, "quantity_unit": "g"},
        {**DETONATORS, "item_index": 2},
    ]
    _deliver(
        client,
        relay,
        delivery(
            collection,
            declaration_id="d-collection",
            type_="collection",
            mission=None,
            event_date="2024-05-11",
            presumed_user_kind="government_forces",
        ),
    )
    destruction = [{**MORTAR_BOMBS, "item_index": 0}, declared_weapon(1, "M-1")]
    _deliver(
        client,
        relay,
        delivery(
            destruction,
            declaration_id="d-destruction",
            type_="destruction",
            country="CMR",
            event_date="2024-06-01",
        ),
    )
    _deliver(client, relay, delivery(seizure[:2], declaration_id="d-gone", event_date="2024-05-12"))
    # A newer version: fewer items, and on another day (its counts move from the 10th).
    _deliver(
        client,
        relay,
        delivery(
            [
                {**item, "item_index": n}
                for n, item in enumerate((seizure[0], seizure[2], explosive_kg))
            ],
            declaration_id="d-seizure",
            version=2,
            event_date="2024-05-13",
            # The new version's presumed user is another one: its counts move too.
            presumed_user="Katiba Macina",
        ),
    )
    _deliver(
        client,
        relay,
        delivery([], declaration_id="d-gone", action="dispose", version=1, location=None),
    )


def _join_eccas(client: TestClient, auth_api: AuthApi) -> None:
    admin = auth_api.admin_headers()
    for country in ("SEN", "NER"):
        joined, left = PERIODS[country]
        body = {"country": country, "joined": joined.isoformat()}
        if left is not None:
            body["left"] = left.isoformat()
        assert_status(client.post(f"{COMMUNITIES}/ECCAS/memberships", json=body, headers=admin))


# What statistics report, computed from the item rows ----------------------------------


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _manifest_keys(row: Any) -> dict[str, str | None]:
    return {
        "country": row.contributing_country,
        "mission": row.mission_code,
        "category": row.category,
        "kind": row.kind,
        "item_type": row.ordnance_type or row.explosive_type,
        "serial_status": "present" if row.kind == "weapon" else None,
        "year": str(_as_date(row.crossing_date).year),
        "type": "manifest_in" if row.direction == "in" else "manifest_out",
        "circumstance": None,
        **_attribute_keys(row),
        "presumed_user": None,
    }


def _attribute_keys(row: Any) -> dict[str, str | None]:
    year = row.year_of_manufacture
    return {
        "calibre": row.calibre_key or None,
        "manufacturer": row.manufacturer_key or None,
        "year_of_manufacture": None if year is None else str(year),
    }


def _declared_keys(row: Any) -> dict[str, str | None]:
    return {
        "country": row.declaring_country,
        "mission": row.mission_code,
        "category": row.category,
        "kind": row.kind,
        "item_type": row.ordnance_type or row.explosive_type,
        "serial_status": (row.serial_status or "present") if row.kind == "weapon" else None,
        "year": str(_as_date(row.event_date).year),
        "type": row.declaration_type,
        "circumstance": None,
        **_attribute_keys(row),
        "presumed_user": row.armed_group or row.presumed_user_kind,
    }


Item = tuple[str, str, date, dict[str, str | None], int, str | None]


def _items(engine: Engine) -> list[Item]:
    """(source, country, date, keys per grouping, quantity, unit) of every item row."""
    with engine.connect() as connection:
        manifested = connection.execute(select(manifest_items)).all()
        declared = connection.execute(select(declared_items)).all()
    return [
        (
            "manifests",
            r.contributing_country,
            _as_date(r.crossing_date),
            _manifest_keys(r),
            r.quantity,
            r.quantity_unit,
        )
        for r in manifested
    ] + [
        (
            "declarations",
            r.declaring_country,
            _as_date(r.event_date),
            _declared_keys(r),
            r.quantity,
            r.quantity_unit,
        )
        for r in declared
    ]


def _expected(
    items: list[Item],
    group_by: str,
    readable: Callable[[str, date], bool],
    date_from: date | None,
    date_to: date | None,
) -> list[tuple[Any, ...]]:
    groups: dict[tuple[str, str | None], list[int]] = defaultdict(lambda: [0, 0, 0])
    for source, country, day, keys, quantity, unit in items:
        if group_by == "circumstance" or not readable(country, day):
            continue
        # Only a declaration names a presumed user.
        if group_by == "presumed_user" and source == "manifests":
            continue
        if (date_from and day < date_from) or (date_to and day > date_to):
            continue
        sums = groups[(source, keys[group_by])]
        sums[0] += 1
        if unit == "kg":
            sums[2] += quantity * 1000
        elif unit == "g":
            sums[2] += quantity
        else:
            sums[1] += quantity
    return sorted(
        ((source, key, *sums[:2], sums[2] / 1000) for (source, key), sums in groups.items()),
        key=repr,
    )


def _answered(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            (i["source"], i["key"], i["records"], i["quantity"], i["mass_kg"])
            for i in body["items"]
            if i["source"] != "loss_reports"
        ),
        key=repr,
    )


def _eccas_reads(country: str, day: date) -> bool:
    if country not in PERIODS:
        return False
    joined, left = PERIODS[country]
    return day >= joined and (left is None or day < left)


RANGES = [
    (None, None),
    (date(2024, 1, 1), None),
    (date(2024, 3, 5), date(2024, 3, 19)),
    (None, date(2024, 5, 11)),
    # Whole months in the middle (the monthly attribute counts) and days at both ends.
    (date(2024, 2, 10), date(2024, 5, 31)),
]


def test_statistics_from_daily_counts_equal_a_group_by_over_the_items(
    client: TestClient, auth_api: AuthApi
) -> None:
    _post_manifests(client, auth_api)
    _deliver_declarations(client, auth_api)
    _join_eccas(client, auth_api)
    engine: Engine = client.app.registry.state.engine  # type: ignore[attr-defined]
    items = _items(engine)
    assert {source for source, *_ in items} == {"manifests", "declarations"}
    callers: list[tuple[dict[str, str], Callable[[str, date], bool]]] = [
        (auth_api.secretariat_headers("ECCAS"), _eccas_reads),
        (auth_api.member_state_headers("SEN"), lambda country, _day: country == "SEN"),
        (auth_api.operator_headers(), lambda _country, _day: True),
    ]
    for (headers, readable), (date_from, date_to), group_by in itertools.product(
        callers, RANGES, GROUPINGS
    ):
        params: dict[str, str] = {"group_by": group_by}
        if date_from:
            params["from"] = date_from.isoformat()
        if date_to:
            params["to"] = date_to.isoformat()
        answer = client.get(STATS, params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        expected = _expected(items, group_by, readable, date_from, date_to)
        assert _answered(answer.json()) == expected, params
    # The secretariat's cuts matter: it sees SEN's 5 and 19 March, not the 4th or 20th.
    eccas_countries = client.get(
        STATS, params={"group_by": "country"}, headers=auth_api.secretariat_headers("ECCAS")
    ).json()["items"]
    sen = [i for i in eccas_countries if i["key"] == "SEN"]
    assert [(i["source"], i["records"]) for i in sen] == [("manifests", 7)]


def _full_key_counts(
    items: list[Item], source: str, width: int | None = None
) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """Sums per key of the daily counts (``width=4``: of the daily totals)."""
    counts: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    for item_source, country, day, keys, quantity, unit in items:
        if item_source != source:
            continue
        key = (
            country,
            day,
            keys["mission"] or "",
            keys["type"],
            keys["kind"],
            keys["category"] or "",
            keys["item_type"] or "",
        )
        if source == "declarations":
            key += (keys["serial_status"] or "",)
        sums = counts[key[:width]]
        sums[0] += 1
        sums[1] += 0 if unit in ("kg", "g") else quantity
        sums[2] += quantity * 1000 if unit == "kg" else quantity if unit == "g" else 0
    return {key: tuple(sums) for key, sums in counts.items()}


def test_the_daily_counts_and_totals_hold_exactly_the_items_and_no_emptied_row(
    client: TestClient, auth_api: AuthApi
) -> None:
    _post_manifests(client, auth_api)
    _deliver_declarations(client, auth_api)
    engine: Engine = client.app.registry.state.engine  # type: ignore[attr-defined]
    items = _items(engine)
    mc, dc = manifest_item_daily_counts, declared_item_daily_counts
    with engine.connect() as connection:
        manifest_rows = connection.execute(select(mc)).all()
        declared_rows = connection.execute(select(dc)).all()
    direction = {"in": "manifest_in", "out": "manifest_out"}
    stored_manifests = {
        (
            r.contributing_country,
            _as_date(r.crossing_date),
            r.mission_code,
            direction[r.direction],
            r.kind,
            r.category,
            r.item_type,
        ): (r.records, r.quantity, r.mass_grams)
        for r in manifest_rows
    }
    stored_declared = {
        (
            r.declaring_country,
            _as_date(r.event_date),
            r.mission_code,
            r.declaration_type,
            r.kind,
            r.category,
            r.item_type,
            r.serial_status,
        ): (r.records, r.quantity, r.mass_grams)
        for r in declared_rows
    }
    assert stored_manifests == _full_key_counts(items, "manifests")
    assert stored_declared == _full_key_counts(items, "declarations")
    # The replaced version's day and the disposed declaration's left no row behind.
    assert {day for (_, day, *_) in stored_declared} == {
        date(2024, 5, 11),
        date(2024, 5, 13),
        date(2024, 6, 1),
    }
    mt, dt = manifest_item_daily_totals, declared_item_daily_totals
    with engine.connect() as connection:
        manifest_totals = {
            (r[0], _as_date(r[1]), r[2], direction[r[3]]): tuple(r[4:])
            for r in connection.execute(select(mt)).all()
        }
        declared_totals = {
            (r[0], _as_date(r[1]), *r[2:4]): tuple(r[4:])
            for r in connection.execute(select(dt)).all()
        }
    assert manifest_totals == _full_key_counts(items, "manifests", width=4)
    assert declared_totals == _full_key_counts(items, "declarations", width=4)
    assert {day for (_, day, *_) in declared_totals} == {day for (_, day, *_) in stored_declared}


def _attribute_counts(items: list[Item], source: str) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """Sums per attribute, totals' key and value, as the daily attributes hold them."""
    counts: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    for item_source, country, day, keys, quantity, unit in items:
        if item_source != source:
            continue
        for attribute in ATTRIBUTES:
            if attribute == "presumed_user" and source == "manifests":
                continue
            value = keys[attribute] or ""
            sums = counts[(attribute, country, day, keys["mission"] or "", keys["type"], value)]
            sums[0] += 1
            sums[1] += 0 if unit in ("kg", "g") else quantity
            sums[2] += quantity * 1000 if unit == "kg" else quantity if unit == "g" else 0
    return {key: tuple(sums) for key, sums in counts.items()}


def test_the_daily_attributes_hold_exactly_the_items_and_no_emptied_row(
    client: TestClient, auth_api: AuthApi
) -> None:
    _post_manifests(client, auth_api)
    _deliver_declarations(client, auth_api)
    engine: Engine = client.app.registry.state.engine  # type: ignore[attr-defined]
    items = _items(engine)
    ma, da = manifest_item_daily_attributes, declared_item_daily_attributes
    direction = {"in": "manifest_in", "out": "manifest_out"}
    with engine.connect() as connection:
        manifest_rows = connection.execute(select(ma)).all()
        declared_rows = connection.execute(select(da)).all()
    # Summed over the spellings (each its own row): what the items hold per value.
    stored_manifests = _summed(
        (
            r.attribute,
            r.contributing_country,
            _as_date(r.crossing_date),
            r.mission_code,
            direction[r.direction],
            r.value,
            r.records,
            r.quantity,
            r.mass_grams,
        )
        for r in manifest_rows
    )
    stored_declared = _summed(
        (
            r.attribute,
            r.declaring_country,
            _as_date(r.event_date),
            r.mission_code,
            r.declaration_type,
            r.value,
            r.records,
            r.quantity,
            r.mass_grams,
        )
        for r in declared_rows
    )
    assert all(r.records > 0 for r in [*manifest_rows, *declared_rows])
    # Each spelling of a maker its own row: Izhmash's under Kalashnikov Concern's key.
    assert ("manufacturer", "Kalashnikov Concern", "Izhmash") in {
        (r.attribute, r.value, r.label) for r in manifest_rows
    }
    assert stored_manifests == _attribute_counts(items, "manifests")
    assert stored_declared == _attribute_counts(items, "declarations")
    assert "Izhmash" not in {key[5] for key in stored_manifests}
    # The replaced version's presumed user (JNIM) and day left no row behind.
    assert {key[5] for key in stored_declared if key[0] == "presumed_user"} == {
        "KATIBAT_MACINA",
        "government_forces",
        "",
    }
    assert {day for (_, _, day, *_) in stored_declared} == {
        date(2024, 5, 11),
        date(2024, 5, 13),
        date(2024, 6, 1),
    }


def _summed(rows: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[int, ...]]:
    sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        for n, value in enumerate(row[-3:]):
            sums[row[:-3]][n] += value
    return {key: tuple(values) for key, values in sums.items()}
