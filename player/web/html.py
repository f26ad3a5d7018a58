"""The pages' common frame and the helpers that build them. Pages are ElementTree elements
written as HTML, so every text and attribute from a session is escaped by construction."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

NAVIGATION = (("/", "Library"), ("/timer", "Timer"), ("/history", "Practice"))
STYLE = "/static/style.css"
SCRIPT = "/static/player.js"
ICON = "/static/icon.svg"


def add(
    parent: ET.Element,
    tag: str,
    text: str | None = None,
    attributes: Mapping[str, str] | None = None,
    *,
    tail: str | None = None,
) -> ET.Element:
    """A child element of `parent` holding `text`."""
    element = ET.SubElement(parent, tag, dict(attributes or {}))
    element.text = text
    element.tail = tail
    return element


def page(title: str, current: str | None = None) -> tuple[ET.Element, ET.Element]:
    """A page's frame: the document and its <main> to fill. `current` is the address of the
    navigation entry it belongs to."""
    document = ET.Element("html", {"lang": "en"})
    head = add(document, "head")
    add(head, "meta", attributes={"charset": "utf-8"})
    viewport = {"name": "viewport", "content": "width=device-width, initial-scale=1"}
    add(head, "meta", attributes=viewport)
    add(head, "meta", attributes={"name": "color-scheme", "content": "light dark"})
    add(head, "title", f"{title} · meditate")
    add(head, "link", attributes={"rel": "stylesheet", "href": STYLE})
    add(head, "link", attributes={"rel": "icon", "href": ICON, "type": "image/svg+xml"})
    add(head, "script", "", {"src": SCRIPT, "defer": ""})
    body = add(document, "body")
    add(body, "a", "Skip to the content", {"class": "skip", "href": "#main"})
    header = add(body, "header", attributes={"class": "site"})
    nav = add(header, "nav", attributes={"aria-label": "meditate"})
    links = add(nav, "ul")
    for href, label in NAVIGATION:
        attributes = {"href": href}
        if href == current:
            attributes["aria-current"] = "page"
        add(add(links, "li"), "a", label, attributes)
    main = add(body, "main", attributes={"id": "main"})
    return document, main


def html_text(document: ET.Element) -> str:
    return "<!DOCTYPE html>\n" + ET.tostring(document, encoding="unicode", method="html") + "\n"


def data_script(parent: ET.Element, element_id: str, data: Any) -> ET.Element:
    """Data for the page's script, as JSON that cannot end its <script> element."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return add(parent, "script", text, {"type": "application/json", "id": element_id})


def field_problem(parent: ET.Element, field: str, message: str | None) -> str | None:
    """A field's problem shown under it; returns the id to describe the field by, if any."""
    if not message:
        return None
    problem_id = f"{field}-problem"
    add(parent, "p", message, {"class": "problem", "id": problem_id})
    return problem_id


def described(attributes: dict[str, str], *ids: str | None) -> dict[str, str]:
    """`attributes` with aria-describedby naming the given ids (and aria-invalid for a
    problem's)."""
    present = [i for i in ids if i]
    if present:
        attributes["aria-describedby"] = " ".join(present)
    if any(i.endswith("-problem") for i in present):
        attributes["aria-invalid"] = "true"
    return attributes


def plain_page(title: str, message: str) -> str:
    """A page that asks for nothing else from the server: for a request refused before any
    page may be served (no token)."""
    document = ET.Element("html", {"lang": "en"})
    head = add(document, "head")
    add(head, "meta", attributes={"charset": "utf-8"})
    viewport = {"name": "viewport", "content": "width=device-width, initial-scale=1"}
    add(head, "meta", attributes=viewport)
    add(head, "title", title)
    body = add(document, "body")
    add(body, "h1", title)
    add(body, "p", message)
    return html_text(document)
