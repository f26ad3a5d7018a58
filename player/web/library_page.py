"""The library page (every session on the search path, searched and filtered) and the page
for a session that is not there. Pure: HTML from data."""

from __future__ import annotations

import difflib
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from player.prepare.summary import SessionSummary
from player.session.flex import LengthRange
from player.session.units import format_clock
from player.web.choice import range_text
from player.web.html import add, html_text, page


@dataclass(frozen=True)
class Shelf:
    """One session as the library lists it."""

    name: str
    summary: SessionSummary

    def matches(self, words: str, tag: str) -> bool:
        summary = self.summary
        if tag and tag not in summary.tags:
            return False
        text = " ".join([self.name, summary.title, summary.description or "", *summary.tags])
        return all(word in text.casefold() for word in words.casefold().split())


def session_href(name: str, query: str = "") -> str:
    return f"/sessions/{quote(name, safe='')}" + (f"?{query}" if query else "")


def library_html(shelves: Sequence[Shelf], words: str, tag: str) -> str:
    document, main = page("Library", "/")
    add(main, "h1", "Library")
    tags = sorted({t for shelf in shelves for t in shelf.summary.tags})
    _search_form(main, words, tag, tags)
    shown = [shelf for shelf in shelves if shelf.matches(words, tag)]
    count = f"{len(shown)} of {len(shelves)} sessions" if words or tag else f"{len(shown)} sessions"
    add(main, "p", count, {"class": "count", "role": "status"})
    listing = add(main, "ul", attributes={"class": "library"})
    for shelf in shown:
        _shelf(add(listing, "li"), shelf)
    if not shown:
        add(main, "p", "No session matches. Try fewer words, or all tags.")
    return html_text(document)


def _search_form(main: ET.Element, words: str, tag: str, tags: list[str]) -> None:
    form = add(main, "form", attributes={"method": "get", "action": "/", "class": "search"})
    field = add(form, "div", attributes={"class": "field"})
    add(field, "label", "Search", {"for": "q"})
    add(field, "input", attributes={"id": "q", "name": "q", "type": "search", "value": words})
    field = add(form, "div", attributes={"class": "field"})
    add(field, "label", "Tag", {"for": "tag"})
    select = add(field, "select", attributes={"id": "tag", "name": "tag"})
    add(select, "option", "All tags", {"value": ""})
    for name in tags:
        attributes = {"value": name}
        if name == tag:
            attributes["selected"] = ""
        add(select, "option", name, attributes)
    add(form, "button", "Search", {"type": "submit"})


def _shelf(item: ET.Element, shelf: Shelf) -> None:
    summary = shelf.summary
    article = add(item, "article", attributes={"class": "shelf"})
    heading = add(article, "h2")
    add(heading, "a", summary.title or shelf.name, {"href": session_href(shelf.name)})
    if not summary.valid:
        add(article, "p", f"Cannot be played: {summary.problem}", {"class": "problem"})
        return
    length = format_clock(summary.seconds)
    flexible = LengthRange(summary.seconds, summary.shortest, summary.longest).flexible
    span = f" · any length {range_text(summary.shortest, summary.longest)}" if flexible else ""
    add(article, "p", f"{length}{span} · {summary.chapters} chapters", {"class": "meta"})
    if summary.description:
        add(article, "p", summary.description)
    if summary.tags:
        tags = add(article, "ul", attributes={"class": "tags", "aria-label": "Tags"})
        for name in summary.tags:
            add(add(tags, "li"), "a", name, {"href": "/?" + urlencode({"tag": name})})


def not_found_html(name: str, known: Sequence[str]) -> str:
    """The page for a session name that is not on the search path, with a did-you-mean."""
    document, main = page("No such session", "/")
    add(main, "h1", "No such session")
    shown = name if name.isprintable() else repr(name)
    paragraph = add(main, "p", f"There is no session named '{shown}'.")
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
    if close:
        paragraph.text = f"There is no session named '{shown}'. Did you mean "
        add(paragraph, "a", close[0], {"href": session_href(close[0])}, tail="?")
    add(add(main, "p"), "a", "See every session in the library", {"href": "/"})
    return html_text(document)


def missing_page_html() -> str:
    document, main = page("Not found")
    add(main, "h1", "Not found")
    add(
        add(main, "p", "There is nothing at this address. "),
        "a",
        "Go to the library",
        {"href": "/"},
    )
    return html_text(document)
