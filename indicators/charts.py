"""Server-rendered SVG bar charts: geometry computed here, drawn by
templates/indicators/_chart.html. No JavaScript, no outside resource.

A masked figure gets no bar height (its value is unknown to the page): it is
drawn as a hatched stub labelled "< 5"."""

from dataclasses import dataclass

from indicators.report import display
from indicators.suppression import Figure

COLUMN_WIDTH, COLUMN_GAP, PLOT_HEIGHT, TOP, BOTTOM = 34, 10, 140, 22, 44
ROW_HEIGHT, ROW_GAP, LABEL_WIDTH, PLOT_WIDTH = 22, 8, 230, 360
STUB = 6  # height (or width) of a masked figure's stub


@dataclass(frozen=True)
class Bar:
    label: str
    display: str
    masked: bool
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class BarChart:
    title: str
    orientation: str  # "columns" | "rows"
    width: int
    height: int
    bars: list[Bar]
    axis_y: float  # the baseline (columns) or the axis x (rows)


def _scale(items: list[tuple[str, Figure]]) -> float:
    return max([f.value for _, f in items if not f.suppressed and f.value] or [1])


def column_chart(title: str, items: list[tuple[str, Figure]]) -> BarChart:
    """Vertical bars, e.g. a monthly series."""
    top = _scale(items)
    baseline = TOP + PLOT_HEIGHT
    bars = []
    for i, (label, figure) in enumerate(items):
        x = COLUMN_GAP + i * (COLUMN_WIDTH + COLUMN_GAP)
        height = STUB if figure.suppressed else PLOT_HEIGHT * (figure.value or 0) / top
        bars.append(
            Bar(
                label=label,
                display=display(figure),
                masked=figure.suppressed,
                x=x,
                y=baseline - height,
                width=COLUMN_WIDTH,
                height=height,
                text_x=x + COLUMN_WIDTH / 2,
                text_y=baseline - height - 5,
                label_x=x + COLUMN_WIDTH / 2,
                label_y=baseline + 16,
            )
        )
    width = COLUMN_GAP + len(items) * (COLUMN_WIDTH + COLUMN_GAP)
    return BarChart(title, "columns", width, baseline + BOTTOM - 16, bars, baseline)


def row_chart(title: str, items: list[tuple[str, Figure]]) -> BarChart:
    """Horizontal bars, e.g. a breakdown by profil."""
    top = _scale(items)
    bars = []
    for i, (label, figure) in enumerate(items):
        y = ROW_GAP + i * (ROW_HEIGHT + ROW_GAP)
        width = STUB if figure.suppressed else PLOT_WIDTH * (figure.value or 0) / top
        bars.append(
            Bar(
                label=label,
                display=display(figure),
                masked=figure.suppressed,
                x=LABEL_WIDTH,
                y=y,
                width=width,
                height=ROW_HEIGHT,
                text_x=LABEL_WIDTH + width + 6,
                text_y=y + ROW_HEIGHT / 2 + 4,
                label_x=LABEL_WIDTH - 8,
                label_y=y + ROW_HEIGHT / 2 + 4,
            )
        )
    height = ROW_GAP + len(items) * (ROW_HEIGHT + ROW_GAP)
    return BarChart(title, "rows", LABEL_WIDTH + PLOT_WIDTH + 60, height, bars, LABEL_WIDTH)
