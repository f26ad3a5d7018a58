"""The podcast feed: RSS 2.0 with the iTunes and Podcasting 2.0 namespaces. Pure: bytes from data.

Built with ElementTree, so every text is escaped once, as XML requires. A session's words are
plain text, and apps differ in how they read a description: as text (gPodder), as HTML
(feedparser, Apple, which allows a little markup in it), or as text with HTML's escapes
undone once more (podcast-partytime). So each is written as text that reads the same all
three ways: a '<' that would open a tag and a '&' that would start an escape are followed by
an invisible WORD JOINER (U+2060), which no reader takes for markup; other text is as written.
Characters XML cannot hold (controls, U+FFFE) are left out.

The feed says nothing that changes from one run to the next by itself (no build time), so
publishing again with nothing changed gives the same bytes. itunes:explicit is true or false,
as Apple's specification now asks (feedparser still knows only the older yes and clean).
"""

from __future__ import annotations

import email.utils
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from urllib.parse import quote

from player import __version__
from player.common.characters import WORD_JOINER, writable
from player.output.publish.model import (
    AUDIO_MIME,
    CHAPTERS_MIME,
    TRANSCRIPT_MIME,
    Channel,
    Episode,
    newest_first,
)

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
# Apple's category list: meditation sits under Health & Fitness
CATEGORY = ("Health & Fitness", "Mental Health")
_OPENS_MARKUP = re.compile(r"(?<=<)(?=[A-Za-z/!?])|(?<=&)(?=[A-Za-z0-9#])")

for _prefix, _uri in (("itunes", ITUNES), ("podcast", PODCAST), ("atom", ATOM)):
    ET.register_namespace(_prefix, _uri)


def feed_xml(channel: Channel, episodes: Sequence[Episode]) -> bytes:
    """The feed document, UTF-8, items newest first."""
    rss = ET.Element("rss", {"version": "2.0"})
    head = ET.SubElement(rss, "channel")
    _prose(head, "title", channel.title)
    _text(head, "link", channel.base_url)
    _prose(head, "description", channel.description)
    _text(head, "language", channel.language)
    _text(head, "generator", f"meditate {__version__}")
    ET.SubElement(
        head,
        f"{{{ATOM}}}link",
        {"href": channel.feed_url, "rel": "self", "type": "application/rss+xml"},
    )
    image = ET.SubElement(head, "image")
    _text(image, "url", channel.url(channel.image))
    _prose(image, "title", channel.title)
    _text(image, "link", channel.base_url)
    ET.SubElement(head, f"{{{ITUNES}}}image", {"href": channel.url(channel.image)})
    if channel.author:
        _prose(head, f"{{{ITUNES}}}author", channel.author)
    if channel.owner_name or channel.owner_email:
        owner = ET.SubElement(head, f"{{{ITUNES}}}owner")
        if channel.owner_name:
            _prose(owner, f"{{{ITUNES}}}name", channel.owner_name)
        if channel.owner_email:
            _text(owner, f"{{{ITUNES}}}email", channel.owner_email)
    category = ET.SubElement(head, f"{{{ITUNES}}}category", {"text": CATEGORY[0]})
    ET.SubElement(category, f"{{{ITUNES}}}category", {"text": CATEGORY[1]})
    _text(head, f"{{{ITUNES}}}explicit", "true" if channel.explicit else "false")
    _text(head, f"{{{ITUNES}}}type", "episodic")
    _text(head, f"{{{PODCAST}}}guid", channel.podcast_guid)
    for episode in newest_first(episodes):
        _item(head, channel, episode)
    ET.indent(rss)
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True) + b"\n"


def _item(parent: ET.Element, channel: Channel, episode: Episode) -> None:
    item = ET.SubElement(parent, "item")
    _prose(item, "title", episode.title)
    _text(item, "link", f"{channel.base_url}#{quote(episode.anchor)}")
    _prose(item, "description", episode.description or episode.title)
    guid = _text(item, "guid", episode.guid)
    guid.set("isPermaLink", "false")
    _text(item, "pubDate", email.utils.format_datetime(episode.published))
    ET.SubElement(
        item,
        "enclosure",
        {"url": channel.url(episode.audio), "length": str(episode.audio_bytes), "type": AUDIO_MIME},
    )
    _text(item, f"{{{ITUNES}}}duration", str(round(episode.seconds)))
    _text(item, f"{{{ITUNES}}}episodeType", "full")
    if episode.author:
        _prose(item, f"{{{ITUNES}}}author", episode.author)
    if episode.image:
        ET.SubElement(item, f"{{{ITUNES}}}image", {"href": channel.url(episode.image)})
    if episode.chapters_file:
        ET.SubElement(
            item,
            f"{{{PODCAST}}}chapters",
            {"url": channel.url(episode.chapters_file), "type": CHAPTERS_MIME},
        )
    if episode.transcript_file:
        ET.SubElement(
            item,
            f"{{{PODCAST}}}transcript",
            {
                "url": channel.url(episode.transcript_file),
                "type": TRANSCRIPT_MIME,
                "language": episode.language_in(channel),
                "rel": "captions",  # timed to the audio, cue by cue
            },
        )


def prose(text: str) -> str:
    """A session's or a podcast's words as the feed writes them: see the module's notes."""
    return _OPENS_MARKUP.sub(WORD_JOINER, writable(text))


def _prose(parent: ET.Element, tag: str, text: str) -> ET.Element:
    return _text(parent, tag, prose(text))


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = writable(text)
    return element
