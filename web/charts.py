"""Server-rendered SVG charts: incidents per month, stacked by a category (no JavaScript)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

# Colour-blind-safe palette (Okabe-Ito, darkened where needed for 3:1 contrast on white).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00", "#56B4E9", "#444444", "#E69F00")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 260, 36, 40, 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Chart:
    """Bars, axis labels, a legend and the same numbers as a table for screen readers."""

    bars: list[Bar]
    months: list[tuple[float, str, str]]
    ticks: list[tuple[float, int]]
    legend: list[tuple[str, str]]
    table_head: list[str]
    table_rows: list[tuple[str, list[int]]]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def empty(self) -> bool:
        return not self.bars


def last_months(today: date, count: int = 12) -> list[date]:
    """The first days of the last count months, oldest first."""
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        found.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(found))


def from_counts(
    found: Mapping[tuple[date, str], int],
    *,
    today: date,
    label: Callable[[str], str],
    month_label: Callable[[date], str],
    short_month: Callable[[date], str] = lambda m: m.strftime("%m"),
    top: int = 6,
    other: str = "",
) -> Chart:
    """The chart of counts per (first day of month, category), e.g. the API's monthly figures."""
    months = last_months(today)
    index = {m: i for i, m in enumerate(months)}
    counts: dict[tuple[int, str], int] = Counter()
    totals: Counter[str] = Counter()
    for (month, category), n in found.items():
        slot = index.get(month)
        if slot is None or not n:
            continue
        counts[(slot, category)] += n
        totals[category] += n
    keep = [c for c, _ in totals.most_common(top)]
    rest = [c for c in totals if c not in keep]
    series = [(c, label(c)) for c in keep] + ([("__other", other)] if rest else [])

    def value(slot: int, key: str) -> int:
        if key == "__other":
            return sum(counts[(slot, c)] for c in rest)
        return counts[(slot, key)]

    heights = [sum(value(i, k) for k, _ in series) for i in range(len(months))]
    peak = max(heights, default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    step = plot_w / len(months)
    bars = []
    for i, month in enumerate(months):
        y: float = TOP + plot_h
        for n, (key, name) in enumerate(series):
            v = value(i, key)
            if not v:
                continue
            h = plot_h * v / peak
            y -= h
            bars.append(
                Bar(
                    x=round(LEFT + i * step + step * 0.15, 1),
                    y=round(y, 1),
                    width=round(step * 0.7, 1),
                    height=round(h, 1),
                    colour=PALETTE[n % len(PALETTE)],
                    title=f"{month_label(month)}: {name} {v}",
                )
            )
    tick_values = sorted({0, peak, round(peak / 2)})
    ticks = [(round(TOP + plot_h - plot_h * t / peak, 1), t) for t in tick_values]
    return Chart(
        bars=bars,
        months=[
            (
                round(LEFT + i * step + step / 2, 1),
                short_month(m),
                str(m.year) if i == 0 or m.month == 1 else "",
            )
            for i, m in enumerate(months)
        ],
        ticks=ticks,
        legend=[(PALETTE[n % len(PALETTE)], name) for n, (_, name) in enumerate(series)],
        table_head=[month_label(m) for m in months],
        table_rows=[(name, [value(i, key) for i in range(len(months))]) for key, name in series],
    )
