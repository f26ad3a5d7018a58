"""A session's page: what it is, how it is to sound (length, ambience, bells, narrator), and
its player. Pure: HTML from data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from player.session.flex import LengthRange
from player.session.units import format_clock
from player.web.choice import VOLUME_RANGE, Problem, SessionChoice, range_text
from player.web.html import add, described, field_problem, html_text, page
from player.web.library_page import session_href
from player.web.narrator import NarratorOption
from player.web.player_section import Stage, player_section


@dataclass(frozen=True)
class About:
    """What the page says of the session, and which choices it offers."""

    name: str
    title: str
    description: str | None
    tags: tuple[str, ...]
    seconds: float  # as written
    shortest: float
    longest: float | None
    has_ambient: bool
    has_bells: bool
    narrators: tuple[NarratorOption, ...]  # empty when a narrator would change nothing
    own_voice: str  # how the session's own narration is called in the list

    @property
    def flexible(self) -> bool:
        return LengthRange(self.seconds, self.shortest, self.longest).flexible


def session_html(
    about: About, choice: SessionChoice, problems: Sequence[Problem], stage: Stage
) -> str:
    document, main = page(about.title, "/")
    add(main, "h1", about.title)
    meta = format_clock(choice.length if choice.length is not None else about.seconds)
    if about.flexible:
        meta += f" · any length {range_text(about.shortest, about.longest)}"
    if about.tags:
        meta += " · " + ", ".join(about.tags)
    add(main, "p", meta, {"class": "meta"})
    if about.description:
        add(main, "p", about.description)
    player_section(main, stage, f"{about.name}.mp3")
    _choices(main, about, choice, problems)
    return html_text(document)


def _choices(
    main: ET.Element, about: About, choice: SessionChoice, problems: Sequence[Problem]
) -> None:
    by_field = {problem.field: problem.message for problem in problems}
    section = add(main, "section", attributes={"aria-labelledby": "choices-title"})
    add(section, "h2", "How it sounds", {"id": "choices-title"})
    form = add(
        section,
        "form",
        attributes={"method": "get", "action": session_href(about.name), "class": "choices"},
    )
    add(form, "input", attributes={"type": "hidden", "name": "set", "value": "1"})
    if about.flexible:
        field = add(form, "div", attributes={"class": "field"})
        add(field, "label", "Length", {"for": "length"})
        hint = f"Any length {range_text(about.shortest, about.longest)}, such as 12:00 or 12m."
        problem = field_problem(field, "length", by_field.get("length"))
        add(field, "p", hint, {"class": "hint", "id": "length-hint"})
        value = format_clock(choice.length if choice.length is not None else about.seconds)
        attributes = {"id": "length", "name": "length", "type": "text", "value": value,
                      "autocomplete": "off", "size": "8"}  # fmt: skip
        add(field, "input", attributes=described(attributes, "length-hint", problem))
    if about.has_ambient:
        _checkbox(form, "ambient", "Ambient sound", choice.ambient)
        field = add(form, "div", attributes={"class": "field"})
        add(field, "label", "Ambient volume (dB, 0 as written)", {"for": "volume"})
        problem = field_problem(field, "volume", by_field.get("volume"))
        low, high = VOLUME_RANGE
        attributes = {"id": "volume", "name": "volume", "type": "number", "min": f"{low:g}",
                      "max": f"{high:g}", "step": "1", "value": f"{choice.volume:g}"}  # fmt: skip
        add(field, "input", attributes=described(attributes, problem))
    if about.has_bells:
        _checkbox(form, "bells", "Bells", choice.bells)
    if about.narrators or by_field.get("voice"):
        field = add(form, "div", attributes={"class": "field"})
        add(field, "label", "Narrator", {"for": "voice"})
        problem = field_problem(field, "voice", by_field.get("voice"))
        select = add(field, "select", attributes=described({"id": "voice", "name": "voice"},
                                                           problem))  # fmt: skip
        add(select, "option", about.own_voice, {"value": ""})
        for option in about.narrators:
            attributes = {"value": option.narrator.value}
            if choice.narrator == option.narrator:
                attributes["selected"] = ""
            add(select, "option", option.label, attributes)
    add(form, "button", "Apply", {"type": "submit"})


def _checkbox(form: ET.Element, name: str, label: str, checked: bool) -> None:
    field = add(form, "div", attributes={"class": "field check"})
    attributes = {"id": name, "name": name, "type": "checkbox", "value": "on"}
    if checked:
        attributes["checked"] = ""
    add(field, "input", attributes=attributes)
    add(field, "label", label, {"for": name})


def session_problems_html(name: str, title: str, lines: Sequence[str]) -> str:
    """A session that cannot be played: its problems, each at its place in the script."""
    document, main = page(title, "/")
    add(main, "h1", title)
    add(main, "p", f"The session '{name}' cannot be played until its script is fixed:")
    listing = add(main, "ul", attributes={"class": "problems"})
    for line in lines:
        add(listing, "li", line, {"class": "problem"})
    add(add(main, "p"), "a", "Back to the library", {"href": "/"})
    return html_text(document)
