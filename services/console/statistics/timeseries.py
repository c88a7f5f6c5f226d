"""The statistics page's time series: the quantity per year of each register (manifests,
declarations, loss reports) as lines drawn on the server, each with its own marker shape
and dash, so the chart reads without colour; the table below it holds every figure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from services.console.i18n import Gettext
from services.console.statistics.service import SOURCES

WIDTH: Final = 640
HEIGHT: Final = 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 12, 28
# One marker shape and dash per register (the legend repeats them).
SHAPES: Final = {"manifests": "circle", "declarations": "square", "loss_reports": "triangle"}
MAX_YEAR_LABELS: Final = 12


@dataclass(frozen=True)
class Series:
    """One register's line: its label, shape (``circle``, ``square``, ``triangle``), the
    polyline's points and its markers' centres."""

    source: str
    label: str
    shape: str
    points: str
    markers: list[tuple[float, float]]


@dataclass(frozen=True)
class Chart:
    """Everything the template draws: the plot area, the lines and both axes' ticks."""

    width: int
    height: int
    left: int
    bottom: int
    right: int
    top: int
    series: list[Series]
    years: list[tuple[float, str]]
    values: list[tuple[float, int]]


def chart(found: dict[str, Any], _: Gettext) -> Chart | None:
    """The chart of the API's statistics grouped by year (``None``: fewer than two years,
    nothing to draw a line through)."""
    quantities: dict[str, dict[int, int]] = {}
    for item in found.get("items") or []:
        key, source = item.get("key"), str(item.get("source"))
        if key is None or not str(key).isdigit() or source not in SHAPES:
            continue
        per_year = quantities.setdefault(source, {})
        per_year[int(key)] = per_year.get(int(key), 0) + int(item.get("quantity") or 0)
    every = {year for per_year in quantities.values() for year in per_year}
    if len(every) < 2:
        return None
    first, last = min(every), max(every)
    top = max((q for per_year in quantities.values() for q in per_year.values()), default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        return round(LEFT + plot_w * (year - first) / (last - first), 1)

    def y(quantity: int) -> float:
        return round(TOP + plot_h * (1 - quantity / top), 1)

    series = []
    for source, shape in SHAPES.items():
        if source not in quantities:
            continue
        markers = [(x(year), y(quantities[source].get(year, 0))) for year in range(first, last + 1)]
        series.append(
            Series(
                source=source,
                label=_(SOURCES[source]),
                shape=shape,
                points=" ".join(f"{px},{py}" for px, py in markers),
                markers=markers,
            )
        )
    step = max(1, -(-(last - first + 1) // MAX_YEAR_LABELS))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        bottom=HEIGHT - BOTTOM,
        right=WIDTH - RIGHT,
        top=TOP,
        series=series,
        years=[(x(year), str(year)) for year in range(first, last + 1, step)],
        values=[(y(v), v) for v in (0, top // 2, top)],
    )
