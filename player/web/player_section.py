"""The player on a session's or a timer's page: the render's progress until its audio is
ready, then the audio with play/pause and chapter buttons, the words as they are spoken, the
chapters and the transcript. Pure: HTML from data; player.js brings it to life."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from player.common.audio_format import SAMPLE_RATE
from player.output.captions import Cue
from player.session.timeline import ChapterMark
from player.session.units import format_clock
from player.web.html import add, data_script
from player.web.renders import Job, Render


@dataclass(frozen=True)
class Stage:
    """Where the audio of a page is: ready (`render`), being made (`job`), or failed."""

    render: Render | None = None
    job: Job | None = None
    error: str | None = None
    chapters: tuple[ChapterMark, ...] = ()  # known before the audio is, when it is
    cues: tuple[Cue, ...] = ()


def audio_href(render: Render) -> str:
    return f"/audio/{quote(render.key)}.mp3"


def player_section(main: ET.Element, stage: Stage, download: str) -> None:
    """The player, and under it the chapters and transcript. `download` names the file a
    listener saves."""
    section = add(main, "section", attributes={"class": "player", "aria-label": "Player"})
    render = stage.render
    if stage.error:
        add(section, "p", stage.error, {"class": "problem", "role": "alert"})
    elif render is None and stage.job is not None:
        _progress(section, stage.job)
    if render is not None:
        _controls(section, render, download)
    chapters = render.chapters if render else stage.chapters
    cues = render.cues if render else stage.cues
    ready = render is not None
    _chapters(main, chapters, ready)
    _transcript(main, cues, ready)
    data_script(
        main,
        "timeline",
        {
            "chapters": [[_seconds(m.start), _seconds(m.end), m.title] for m in chapters],
            "cues": [[c.start_ms / 1000, c.end_ms / 1000, c.text] for c in cues],
        },
    )


def _progress(section: ET.Element, job: Job) -> None:
    box = add(section, "div", attributes={"id": "progress-box", "data-job": job.id})
    share = job.share
    label = job.stage + (f": {share:.0%}" if share is not None else "…")
    add(box, "p", label, {"id": "stage", "role": "status"})
    attributes = {"id": "progress", "max": "1", "aria-labelledby": "stage"}
    if share is not None:
        attributes["value"] = f"{share:.3f}"
    add(box, "progress", "", attributes)
    add(
        box,
        "p",
        "The audio is made once for these choices and kept, so it starts at once next time.",
        {"class": "hint"},
    )


def _controls(section: ET.Element, render: Render, download: str) -> None:
    href = audio_href(render)
    add(
        section,
        "audio",
        "",
        {"id": "audio", "src": href, "preload": "auto", "controls": "",
         "data-render": render.key, "aria-label": f"Audio of {render.title}"},
    )  # fmt: skip
    buttons = add(section, "div", attributes={"class": "controls"})
    add(buttons, "button", "Previous", {"type": "button", "id": "back",
                                        "aria-label": "Previous chapter"})  # fmt: skip
    add(buttons, "button", "Play", {"type": "button", "id": "play", "class": "main"})
    add(buttons, "button", "Next", {"type": "button", "id": "next", "aria-label": "Next chapter"})
    add(section, "p", "", {"id": "chapter-now", "class": "chapter-now"})
    add(section, "p", "", {"id": "words", "class": "words", "lang": "en"})
    add(section, "p", "", {"id": "logged", "role": "status", "class": "hint"})
    size = render.path.stat().st_size / 1e6
    link = add(section, "p", attributes={"class": "hint"})
    add(link, "a", f"Save the MP3 ({size:.1f} MB)", {"href": href, "download": download})


def _chapters(main: ET.Element, chapters: Sequence[ChapterMark], ready: bool) -> None:
    if not chapters:
        return
    listing = _titled_list(main, "Chapters", "chapters")
    for mark in chapters:
        item = add(listing, "li")
        button = _seek_button(item, _seconds(mark.start), ready)
        add(button, "span", format_clock(_seconds(mark.start)), {"class": "time"}, tail=" ")
        add(button, "span", mark.title)


def _transcript(main: ET.Element, cues: Sequence[Cue], ready: bool) -> None:
    if not cues:
        return
    listing = _titled_list(main, "Transcript", "transcript")
    for cue in cues:
        item = add(listing, "li")
        start = cue.start_ms / 1000
        button = _seek_button(item, start, ready)
        button.text = format_clock(start)
        button.set("aria-label", f"Play from {format_clock(start)}")
        button.tail = " "
        add(item, "span", cue.text)


def _seek_button(parent: ET.Element, seconds: float, ready: bool) -> ET.Element:
    attributes = {"type": "button", "class": "seek", "data-seek": f"{seconds:.3f}"}
    if not ready:
        attributes["disabled"] = ""
    return add(parent, "button", attributes=attributes)


def _seconds(frames: int) -> float:
    return round(frames / SAMPLE_RATE, 3)


def _titled_list(main: ET.Element, title: str, name: str) -> ET.Element:
    """A section headed `title` holding an ordered list of class `name`: the list."""
    section = add(main, "section", attributes={"aria-labelledby": f"{name}-title"})
    add(section, "h2", title, {"id": f"{name}-title"})
    return add(section, "ol", attributes={"class": name})
