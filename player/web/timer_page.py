"""The timer's page: an unguided sitting as `meditate timer` makes it (interval bells, a
warm-up, ambience), its form and its player. Pure: HTML from data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from player.session.catalog import BELL_SECONDS, SYNTHS
from player.web.choice import VOLUME_RANGE, Problem, TimerChoice
from player.web.html import add, described, field_problem, html_text, page
from player.web.player_section import Stage, player_section


def timer_html(
    choice: TimerChoice, problems: Sequence[Problem], stage: Stage | None, query: str
) -> str:
    """`stage` is None until the form is sent; `query` is the sent form, to name the file."""
    document, main = page("Timer", "/timer")
    add(main, "h1", "Timer")
    add(
        main,
        "p",
        "Sit unguided, with bells to mark the time. The first bell rings after the warm-up, "
        "then every interval; the end is the bell struck three times.",
    )
    if stage is not None and not problems:
        player_section(main, stage, "timer.mp3")
    _form(main, choice, problems)
    return html_text(document)


def _form(main: ET.Element, choice: TimerChoice, problems: Sequence[Problem]) -> None:
    by_field = {problem.field: problem.message for problem in problems}
    section = add(main, "section", attributes={"aria-labelledby": "timer-title"})
    add(section, "h2", "Your sitting", {"id": "timer-title"})
    form = add(section, "form", attributes={"method": "get", "action": "/timer"})
    low, high = VOLUME_RANGE
    _number(form, "minutes", "Length (minutes)", f"{choice.minutes:g}", by_field, required=True)
    interval = "" if choice.interval is None else f"{choice.interval:g}"
    _number(form, "interval", "A bell every (minutes; empty for none)", interval, by_field)
    _number(form, "warmup", "Warm-up before the first bell (seconds)", f"{choice.warmup:g}",
            by_field)  # fmt: skip
    _select(form, "bell", "Bell", list(BELL_SECONDS), choice.bell, by_field)
    _select(form, "ambience", "Ambience", ["none", *SYNTHS], choice.ambience or "none", by_field)
    field = add(form, "div", attributes={"class": "field"})
    add(field, "label", "Ambience volume (dB)", {"for": "volume"})
    problem = field_problem(field, "volume", by_field.get("volume"))
    attributes = {"id": "volume", "name": "volume", "type": "number", "min": f"{low:g}",
                  "max": f"{high:g}", "step": "1", "value": f"{choice.volume:g}"}  # fmt: skip
    add(field, "input", attributes=described(attributes, problem))
    add(form, "button", "Sit", {"type": "submit"})


def _number(
    form: ET.Element,
    name: str,
    label: str,
    value: str,
    problems: dict[str, str],
    *,
    required: bool = False,
) -> None:
    field = add(form, "div", attributes={"class": "field"})
    add(field, "label", label, {"for": name})
    problem = field_problem(field, name, problems.get(name))
    attributes = {"id": name, "name": name, "type": "text", "inputmode": "decimal",
                  "value": value, "size": "6", "autocomplete": "off"}  # fmt: skip
    if required:
        attributes["required"] = ""
    add(field, "input", attributes=described(attributes, problem))


def _select(
    form: ET.Element,
    name: str,
    label: str,
    values: list[str],
    chosen: str,
    problems: dict[str, str],
) -> None:
    field = add(form, "div", attributes={"class": "field"})
    add(field, "label", label, {"for": name})
    problem = field_problem(field, name, problems.get(name))
    select = add(field, "select", attributes=described({"id": name, "name": name}, problem))
    for value in values:
        attributes = {"value": value}
        if value == chosen:
            attributes["selected"] = ""
        add(select, "option", value.replace("-", " "), attributes)
