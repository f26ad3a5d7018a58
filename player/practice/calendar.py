"""The practice as a calendar of days, like a contributions graph: weeks left to right, the
days of the week top to bottom, each day a shade by the minutes sat. Shades are characters,
so it reads without colour; plain ASCII where the terminal cannot show more."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterable

from player.practice.history import Sitting

# a day's shade: none, under 10 minutes, then from each of these on
STEPS = (10.0, 20.0, 40.0)
SHADES = "·░▒▓█"
ASCII_SHADES = ".-+*#"
_DAY_NAMES = ("Mon", "", "Wed", "", "Fri", "", "Sun")
_LABEL = 4  # columns taken by the day names


def minutes_by_day(sittings: Iterable[Sitting]) -> dict[datetime.date, float]:
    days: dict[datetime.date, float] = defaultdict(float)
    for sitting in sittings:
        days[sitting.started.date()] += sitting.seconds / 60.0
    return dict(days)


def calendar_lines(
    sittings: Iterable[Sitting], today: datetime.date, weeks: int = 26, *, unicode: bool = True
) -> list[str]:
    """The last `weeks` weeks up to `today`, with month names above and a legend below."""
    shades = SHADES if unicode else ASCII_SHADES
    minutes = minutes_by_day(sittings)
    first = today - datetime.timedelta(days=today.weekday() + 7 * (weeks - 1))  # a Monday
    rows = [[" "] * weeks for _ in range(7)]
    months = [" "] * (2 * weeks + 3)
    for week in range(weeks):
        monday = first + datetime.timedelta(weeks=week)
        # the week of a month's first Monday names it; this month's, before that Monday, now
        this_month_so_far = week == weeks - 1 and monday.month != today.month
        if monday.day <= 7 or this_month_so_far:
            name = (today if this_month_so_far else monday).strftime("%b")
            months[2 * week : 2 * week + 3] = list(name)
        for weekday in range(7):
            day = monday + datetime.timedelta(days=weekday)
            if day <= today:
                rows[weekday][week] = shades[day_level(minutes.get(day, 0.0))]
    lines = [" " * _LABEL + "".join(months).rstrip()]
    for weekday, row in enumerate(rows):
        lines.append(f"{_DAY_NAMES[weekday]:<{_LABEL}}" + " ".join(row).rstrip())
    lines.append(legend(unicode=unicode))
    return lines


def legend(*, unicode: bool = True) -> str:
    shades = SHADES if unicode else ASCII_SHADES
    spans = [
        "none",
        f"under {STEPS[0]:g}",
        *(f"{low:g}-{high - 1:g}" for low, high in itertools.pairwise(STEPS)),
        f"{STEPS[-1]:g}+",
    ]
    parts = [f"{shade} {span}" for shade, span in zip(shades, spans, strict=True)]
    return " " * _LABEL + "  ".join(parts) + " minutes a day"


def day_level(minutes: float) -> int:
    """A day's shade as a number: 0 for none, 1 for under STEPS[0] minutes, then one more
    from each of STEPS on (what both calendars colour by)."""
    if minutes <= 0:
        return 0
    return 1 + sum(minutes >= low for low in STEPS)
