"""The map of recoveries and losses: the API's GeoJSON points drawn as SVG on Natural
Earth's 1:110m country borders (vendored in ``borders/``), on the server, with nothing
fetched from outside the register. Each point links to its record and carries its year;
the console's script clusters nearby points (splitting them as one zooms) and redraws
one year at a time with the time slider (``?year=`` does the same without the script)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

BORDERS = Path(__file__).resolve().parent / "borders" / "countries-110m.json"
WIDTH = 800
# West and Central Africa and the Sahel, when there is no point to frame.
DEFAULT_VIEW = (-20.0, -10.0, 35.0, 28.0)
MIN_SPAN = 30.0

Ring = list[tuple[float, float]]
# Each kind of record its own mark, readable without colour (the page's legend draws the
# same): a seizure a circle, a collection a triangle, a destruction a diamond, a loss a
# square. Path data about (0, 0), placed and scaled with ``transform``.
MARKS: dict[str, str] = {
    "collection": "M0,-7.5 L7,5.5 L-7,5.5 Z",
    "destruction": "M0,-8 L8,0 L0,8 L-8,0 Z",
}


@dataclass(frozen=True)
class Named:
    """One declaration of an incident's point, and its page."""

    declaration_id: str
    kind: str
    country: str
    date: str
    items: int
    href: str


@dataclass(frozen=True)
class Point:
    """One record's place, projected (``x``, ``y``), with what its tooltip and list say."""

    x: float
    y: float
    record: str
    kind: str
    country: str
    place: str
    date: str
    items: int
    lon: float
    lat: float
    href: str = ""
    incident: str = ""
    declarations: tuple[Named, ...] = ()

    @property
    def mark(self) -> str:
        """The mark's shape: ``circle``, ``square`` or a key of ``MARKS``."""
        if self.record == "loss":
            return "square"
        return self.kind if self.kind in MARKS else "circle"

    @property
    def path(self) -> str:
        """The mark's path data about (0, 0) ("" for a circle or a square)."""
        return MARKS.get(self.mark, "")

    @property
    def year(self) -> str:
        """The year of the event (``""`` when undated)."""
        return self.date[:4] if self.date[:4].isdigit() else ""


@dataclass(frozen=True)
class Drawing:
    """The SVG's size, country outlines (path data) and points."""

    width: int
    height: int
    countries: list[str]
    points: list[Point]

    @property
    def years(self) -> list[int]:
        """The years the points are of, oldest first (the time slider's range)."""
        return sorted({int(p.year) for p in self.points if p.year})

    def of_year(self, year: int | None) -> Drawing:
        """The same frame with only the points of ``year`` (None: every point)."""
        if year is None:
            return self
        kept = [p for p in self.points if p.year == str(year)]
        return Drawing(self.width, self.height, self.countries, kept)


def record_href(properties: dict[str, Any]) -> str:
    """The console page of the record a point stands for ("" when it names none)."""
    if properties.get("record") == "loss" and properties.get("loss_report_id"):
        return f"/console/losses/{quote(str(properties['loss_report_id']), safe='')}"
    if properties.get("declaration_id"):
        return f"/console/declarations/{quote(str(properties['declaration_id']), safe='')}"
    return ""


def _named(declarations: object) -> tuple[Named, ...]:
    """An incident's declarations, each with its page."""
    if not isinstance(declarations, list):
        return ()
    return tuple(
        Named(
            declaration_id=str(d["declaration_id"]),
            kind=str(d.get("type") or ""),
            country=str(d.get("declaring_country") or ""),
            date=str(d.get("event_date") or ""),
            items=int(d.get("item_count") or 0),
            href=record_href({"declaration_id": d["declaration_id"]}),
        )
        for d in declarations
        if isinstance(d, dict) and d.get("declaration_id")
    )


@cache
def _rings() -> tuple[tuple[Ring, ...], ...]:
    """Every country's rings in degrees, decoded from the quantized, delta-coded arcs."""
    topology = json.loads(BORDERS.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        x = y = 0
        decoded: Ring = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            decoded.append((x * sx + tx, y * sy + ty))
        arcs.append(decoded)

    def ring(indexes: list[int]) -> Ring:
        points: Ring = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc[1:] if points else arc)
        return points

    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        countries.append(tuple(ring(r) for polygon in polygons for r in polygon))
    return tuple(countries)


@cache
def _boxes() -> tuple[tuple[float, float, float, float], ...]:
    """Each country's bounding box (west, south, east, north), as ``_rings`` orders them."""
    boxes = []
    for rings in _rings():
        lons = [lon for ring in rings for lon, _ in ring]
        lats = [lat for ring in rings for _, lat in ring]
        boxes.append((min(lons), min(lats), max(lons), max(lats)))
    return tuple(boxes)


def _view(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """The frame (west, south, east, north) around the points, padded, at least MIN_SPAN."""
    if not points:
        return DEFAULT_VIEW
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    cx, cy = (west + east) / 2, (south + north) / 2
    half_w = max((east - west) * 0.6, MIN_SPAN / 2)
    half_h = max((north - south) * 0.6, MIN_SPAN / 2)
    return (cx - half_w, max(cy - half_h, -85.0), cx + half_w, min(cy + half_h, 85.0))


def drawing(collection: dict[str, Any]) -> Drawing:
    """The map of a FeatureCollection of points (equirectangular, framed on them)."""
    found = []
    for feature in collection.get("features") or []:
        coordinates = (feature.get("geometry") or {}).get("coordinates") or []
        if len(coordinates) == 2 and all(isinstance(c, int | float) for c in coordinates):
            found.append((float(coordinates[0]), float(coordinates[1]), feature))
    west, south, east, north = _view([(lon, lat) for lon, lat, _ in found])
    scale = WIDTH / (east - west)
    height = round((north - south) * scale)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - west) * scale, 1), round((north - lat) * scale, 1)

    outlines = []
    for rings, (box_w, box_s, box_e, box_n) in zip(_rings(), _boxes(), strict=True):
        # Most countries are far from the frame: their box says so without their points.
        if box_e < west - 5 or box_w > east + 5 or box_n < south - 5 or box_s > north + 5:
            continue
        if not any(
            west - 5 <= lon <= east + 5 and south - 5 <= lat <= north + 5
            for ring in rings
            for lon, lat in ring
        ):
            continue
        outlines.append(
            " ".join(
                "M" + " L".join(f"{x},{y}" for x, y in (project(*p) for p in ring)) + " Z"
                for ring in rings
            )
        )
    points = []
    for lon, lat, feature in found:
        properties = feature.get("properties") or {}
        x, y = project(lon, lat)
        points.append(
            Point(
                x=x,
                y=y,
                record=str(properties.get("record") or ""),
                kind=str(properties.get("loss_type") or properties.get("type") or ""),
                country=str(
                    properties.get("country") or properties.get("contributing_country") or ""
                ),
                place=str(properties.get("place") or ""),
                date=str(properties.get("event_date") or ""),
                items=int(properties.get("item_count") or 0),
                lon=lon,
                lat=lat,
                href=record_href(properties),
                incident=str(properties.get("incident_id") or ""),
                declarations=_named(properties.get("declarations")),
            )
        )
    return Drawing(width=WIDTH, height=height, countries=outlines, points=points)


@cache
def picker_svg(label: str) -> str:
    """West and Central Africa and the Sahel without points, as the SVG document the forms'
    place pickers fetch, with what their script needs to turn a click back into degrees
    (``lon = west + x / scale``, ``lat = north - y / scale``); ``label`` is its accessible
    name in the reader's language (one document per language, built once)."""
    west, _, east, north = DEFAULT_VIEW
    scale = WIDTH / (east - west)
    empty = drawing({"features": []})
    paths = "".join(f'<path class="map__country" d="{d}"/>' for d in empty.countries)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map__svg place-picker__svg"'
        f' viewBox="0 0 {empty.width} {empty.height}" role="img"'
        f' aria-label="{escape(label, quote=True)}" data-west="{west}" data-north="{north}"'
        f' data-scale="{scale}">'
        f'<rect class="map__sea" width="{empty.width}" height="{empty.height}"/>'
        f'{paths}<circle class="place-picker__mark" r="6" cx="-20" cy="-20"/></svg>'
    )
