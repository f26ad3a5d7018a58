"""The practice page: totals and streak, a calendar of the last months (a shade a day) and the
recent sittings, from the same log `meditate history` reads. Pure: HTML from data."""

from __future__ import annotations

import datetime
import itertools
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from player.practice.calendar import STEPS, day_level, minutes_by_day
from player.practice.history import Sitting
from player.practice.streaks import Practice
from player.session.units import format_clock
from player.web.html import add, html_text, page

WEEKS = 26
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def practice_html(sittings: Sequence[Sitting], practice: Practice, today: datetime.date) -> str:
    document, main = page("Practice", "/history")
    add(main, "h1", "Your practice")
    if not practice.sittings:
        add(main, "p", "No sittings yet. Choose a session in the library, or sit with the timer.")
        return html_text(document)
    minutes = round(practice.minutes)
    add(
        main,
        "p",
        f"{_count(minutes, 'minute')} in {_count(practice.sittings, 'sitting')}, "
        f"{practice.completed} completed. Streak: {_count(practice.current_streak, 'day')} "
        f"(longest {practice.longest_streak}).",
        {"class": "totals"},
    )
    _calendar(main, sittings, today)
    _recent(main, practice.recent)
    return html_text(document)


def _calendar(main: ET.Element, sittings: Sequence[Sitting], today: datetime.date) -> None:
    section = add(main, "section", attributes={"aria-labelledby": "calendar-title"})
    add(section, "h2", "The last six months", {"id": "calendar-title"})
    minutes = minutes_by_day(sittings)
    first = today - datetime.timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    wrapper = add(section, "div", attributes={"class": "calendar-wrap"})
    table = add(wrapper, "table", attributes={"class": "calendar"})
    add(table, "caption", "Minutes sat each day, a column a week, the newest on the right")
    body = add(table, "tbody")
    for weekday, name in enumerate(_DAY_NAMES):
        row = add(body, "tr")
        add(row, "th", name, {"scope": "row"})
        for week in range(WEEKS):
            day = first + datetime.timedelta(weeks=week, days=weekday)
            if day > today:
                add(row, "td", attributes={"class": "future"})
                continue
            sat = minutes.get(day, 0.0)
            label = f"{day:%a %d %b}: {round(sat)} minutes" if sat else f"{day:%a %d %b}: none"
            cell = add(row, "td", attributes={"class": f"level{day_level(sat)}", "title": label})
            add(cell, "span", label, {"class": "visually-hidden"})
    spans = ["none", f"under {STEPS[0]:g}"]
    spans += [f"{low:g} to {high - 1:g}" for low, high in itertools.pairwise(STEPS)]
    spans.append(f"{STEPS[-1]:g} or more")
    legend = add(section, "p", attributes={"class": "hint legend"})
    legend.text = "From lightest to darkest: " + ", ".join(spans) + " minutes a day. "
    for level in range(len(spans)):
        add(legend, "span", "", {"class": f"swatch level{level}", "aria-hidden": "true"})


def _recent(main: ET.Element, recent: Sequence[Sitting]) -> None:
    section = add(main, "section", attributes={"aria-labelledby": "recent-title"})
    add(section, "h2", "Recent sittings", {"id": "recent-title"})
    table = add(section, "table", attributes={"class": "recent"})
    head = add(add(table, "thead"), "tr")
    for label in ("When", "What", "Heard", ""):
        add(head, "th", label, {"scope": "col"})
    body = add(table, "tbody")
    for sitting in recent:
        row = add(body, "tr")
        add(row, "td", sitting.started.strftime("%Y-%m-%d %H:%M"))
        add(row, "td", sitting.title)
        add(row, "td", format_clock(sitting.seconds))
        add(row, "td", "completed" if sitting.completed else "stopped")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
