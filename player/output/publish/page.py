"""The publication's web page: every session with a player, chapters, transcript and a way to
subscribe. Pure: HTML text from data, built with ElementTree so all text is escaped.

One plain page with its style inline and a few lines of script, no framework and nothing
fetched from elsewhere: every address in it is a file beside it. Chapter and transcript
links are media fragments (`x.mp3#t=65`) that work without script; the script makes them
seek the player on the page instead, and lets one player play at a time. Any text wraps,
however long its words, so a phone never scrolls sideways; characters HTML cannot carry
(controls, U+FFFE) are left out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from urllib.parse import quote

from player.common.characters import writable
from player.output.publish.model import FEED_FILE, Channel, Episode, newest_first
from player.session.units import format_clock

STYLE = """
:root { --fg: #1f1b2d; --bg: #fbf8f4; --muted: #57506b; --accent: #5a3d8a; --line: #d9d2e3; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #ece8f4; --bg: #1b1a26; --muted: #bdb6cf; --accent: #cdb8ff; --line: #3a3650; }
}
body { margin: 0 auto; max-width: 46rem; padding: 1.5rem; color: var(--fg);
  background: var(--bg); font: 1.05rem/1.55 system-ui, -apple-system, "Segoe UI", sans-serif;
  overflow-wrap: anywhere; }
@media (max-width: 30rem) { body { padding: 1rem; } }
header { display: flex; flex-wrap: wrap; gap: 1.25rem; align-items: flex-start; }
header img { width: 10rem; height: 10rem; border-radius: 0.5rem; }
header div { flex: 1 1 16rem; min-width: 0; }
h1 { margin: 0 0 0.25rem; line-height: 1.2; }
h2 { margin: 0 0 0.25rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.25rem; }
a { color: var(--accent); }
a:focus-visible, summary:focus-visible, audio:focus-visible {
  outline: 3px solid var(--accent); outline-offset: 2px; }
.meta, .by { color: var(--muted); margin: 0 0 0.5rem; }
.subscribe { padding: 0.75rem 1rem; border: 1px solid var(--line); border-radius: 0.5rem; }
.subscribe code { word-break: break-all; }
article { border-top: 1px solid var(--line); margin-top: 2rem; padding-top: 1.5rem; }
audio { width: 100%; margin: 0.5rem 0; }
ol { padding-left: 1.5rem; }
a[data-seek] { font-variant-numeric: tabular-nums; }
.transcript li { margin-bottom: 0.5rem; }
footer { color: var(--muted); margin-top: 3rem; font-size: 0.9rem; }
"""

# Chapter and transcript links seek the player on the page rather than open the file; a
# player that starts pauses the others (a play event does not bubble: caught on its way down).
SCRIPT = """
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-seek]");
  var player = link && document.getElementById(link.getAttribute("data-player"));
  if (!player) { return; }
  event.preventDefault();
  player.currentTime = parseFloat(link.getAttribute("data-seek"));
  player.play();
});
document.addEventListener("play", function (event) {
  document.querySelectorAll("audio").forEach(function (other) {
    if (other !== event.target) { other.pause(); }
  });
}, true);
"""


def index_html(channel: Channel, episodes: Sequence[Episode]) -> str:
    """The page, newest session first, as the feed lists them."""
    html = ET.Element("html", {"lang": channel.language})
    head = ET.SubElement(html, "head")
    ET.SubElement(head, "meta", {"charset": "utf-8"})
    ET.SubElement(
        head, "meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}
    )
    ET.SubElement(head, "meta", {"name": "color-scheme", "content": "light dark"})
    _text(head, "title", channel.title)
    ET.SubElement(head, "meta", {"name": "description", "content": writable(channel.description)})
    ET.SubElement(
        head,
        "link",
        {"rel": "alternate", "type": "application/rss+xml", "title": writable(channel.title),
         "href": FEED_FILE},
    )  # fmt: skip
    _text(head, "style", STYLE)
    body = ET.SubElement(html, "body")
    _header(body, channel)
    main = ET.SubElement(body, "main")
    for episode in newest_first(episodes):
        _article(main, channel, episode)
    if not episodes:
        _text(main, "p", "Nothing is published yet.")
    footer = ET.SubElement(body, "footer")
    _text(footer, "p", "Made with meditate.")
    _text(body, "script", SCRIPT)
    return "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html") + "\n"


def _header(body: ET.Element, channel: Channel) -> None:
    header = ET.SubElement(body, "header")
    # the title beside it says what it is: decorative for a screen reader
    ET.SubElement(
        header,
        "img",
        {"src": quote(channel.image), "alt": "", "width": "160", "height": "160"},
    )
    about = ET.SubElement(header, "div")
    _text(about, "h1", channel.title)
    if channel.author:
        _text(about, "p", f"by {channel.author}", {"class": "by"})
    _text(about, "p", channel.description)
    subscribe = ET.SubElement(about, "p", {"class": "subscribe"})
    _text(
        subscribe,
        "a",
        "Subscribe in your podcast app",
        {"href": channel.feed_url, "type": "application/rss+xml"},
    ).tail = ": add this address, "
    _text(subscribe, "code", channel.feed_url).tail = "."


def _article(main: ET.Element, channel: Channel, episode: Episode) -> None:
    attributes = {"id": episode.anchor, "aria-labelledby": f"{episode.anchor}-title"}
    if episode.language_in(channel) != channel.language:
        attributes["lang"] = episode.language_in(channel)  # read aloud in its own language
    article = ET.SubElement(main, "article", attributes)
    _text(article, "h2", episode.title, {"id": f"{episode.anchor}-title"})
    audio_href = quote(episode.audio)
    meta = _text(
        article,
        "p",
        f"{format_clock(episode.seconds)} · {_date(episode)} · ",
        {"class": "meta"},
    )
    _text(
        meta, "a", f"MP3, {episode.audio_bytes / 1e6:.1f} MB", {"href": audio_href, "download": ""}
    )
    if episode.description:
        _text(article, "p", episode.description)
    player_id = f"{episode.anchor}-player"
    audio = ET.SubElement(
        article,
        "audio",
        {"id": player_id, "controls": "", "preload": "none", "src": audio_href,
         "aria-label": writable(f"Play {episode.title}")},
    )  # fmt: skip
    if episode.transcript_file:
        ET.SubElement(
            audio,
            "track",
            {"kind": "captions", "src": quote(episode.transcript_file),
             "srclang": episode.language_in(channel), "label": "Narration"},
        )  # fmt: skip
    _text(audio, "a", "Download the MP3", {"href": audio_href})
    if episode.chapters:
        _text(article, "h3", "Chapters")
        chapters = ET.SubElement(article, "ol", {"class": "chapters"})
        for chapter in episode.chapters:
            link = _seek_link(ET.SubElement(chapters, "li"), audio_href, player_id,
                              chapter.start_ms)  # fmt: skip
            # one link to play from, easy to hit
            link.text = writable(f"{link.text} {chapter.title}")
    if episode.cues:
        details = ET.SubElement(article, "details")
        _text(details, "summary", "Transcript")
        transcript = ET.SubElement(details, "ol", {"class": "transcript"})
        for cue in episode.cues:
            link = _seek_link(ET.SubElement(transcript, "li"), audio_href, player_id,
                              cue.start_ms)  # fmt: skip
            link.set("aria-label", f"Play from {link.text}")
            link.tail = writable(f" {cue.text}")


def _seek_link(parent: ET.Element, audio_href: str, player_id: str, start_ms: int) -> ET.Element:
    seconds = f"{start_ms / 1000:g}"
    return _text(
        parent,
        "a",
        format_clock(start_ms / 1000),
        {"href": f"{audio_href}#t={seconds}", "data-seek": seconds, "data-player": player_id},
    )  # fmt: skip


def _date(episode: Episode) -> str:
    day = episode.published
    return f"{day.day} {day:%B %Y}"


def _text(
    parent: ET.Element, tag: str, text: str, attributes: dict[str, str] | None = None
) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: writable(v) for k, v in (attributes or {}).items()})
    element.text = writable(text)
    return element
