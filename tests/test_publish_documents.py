"""The feed, page and chapters builders, from data alone: escaping, order and addresses."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
import pytest

from player.output.captions import Cue
from player.output.publish.chapters import chapters_json
from player.output.publish.feed import ITUNES, PODCAST, WORD_JOINER, feed_xml
from player.output.publish.model import Channel, Episode
from player.output.publish.page import index_html
from player.output.publish.settings import base_url, bitrate, language
from player.output.tags import ChapterTag

UTC = datetime.timezone.utc
CHANNEL = Channel(
    base_url=base_url("https://example.org/my meditations"),
    title='Calm <b>"Quiet"</b> & Still',
    description="Sessions <script>alert(1)</script> & more.",
    language="en",
    explicit=False,
    image="cover-0123abcd.jpg",
    podcast_guid="917393e3-1b1e-5cef-ace4-edaa54e1f810",
    author="A & B",
)


def episode(name: str, day: int, **changes: object) -> Episode:
    values: dict[str, object] = {
        "name": name,
        "guid": f"guid-{name}",
        "published": datetime.datetime(2026, 3, day, 9, 0, tzinfo=UTC),
        "digest": "0" * 64,
        "title": f"Session {name} </title>",
        "description": None,
        "author": None,
        "seconds": 90.4,
        "audio": f"{name}-00000000.mp3",
        "audio_bytes": 1234,
        "chapters_file": f"{name}-00000000.chapters.json",
        "transcript_file": f"{name}-00000000.vtt",
        "image": None,
        "chapters": (ChapterTag("Opening", 0, 5000), ChapterTag("Breath & <body>", 5000, 90400)),
        "cues": (Cue(5000, 9000, "Breathe <in> & out."),),
    }
    values.update(changes)
    return Episode(**values)  # type: ignore[arg-type]


EPISODES = [episode("first", 1), episode("my session", 3), episode("second", 2)]


def test_the_feed_is_well_formed_and_says_every_text_as_given() -> None:
    parsed = feedparser.parse(feed_xml(CHANNEL, EPISODES))
    assert not parsed.bozo
    # plain text, escaped once for XML; a '<' that would open a tag is followed by a joiner
    assert parsed.feed.title.replace(WORD_JOINER, "") == CHANNEL.title
    assert [e.id for e in parsed.entries] == ["guid-my session", "guid-second", "guid-first"]
    assert parsed.entries[0].title.replace(WORD_JOINER, "") == "Session my session </title>"
    assert parsed.entries[0].link == "https://example.org/my%20meditations/#my-session"
    enclosure = parsed.entries[0].enclosures[0]
    assert enclosure.href == "https://example.org/my%20meditations/my%20session-00000000.mp3"
    assert parsed.entries[0].itunes_duration == "90"


def test_the_feed_says_the_same_bytes_for_the_same_publication() -> None:
    assert feed_xml(CHANNEL, EPISODES) == feed_xml(CHANNEL, list(reversed(EPISODES)))


def test_an_episode_without_chapters_or_words_has_no_such_tags() -> None:
    bare = episode("bare", 4, chapters_file=None, transcript_file=None, chapters=(), cues=())
    item = ET.fromstring(feed_xml(CHANNEL, [bare])).find("channel/item")
    assert item is not None
    assert item.find(f"{{{PODCAST}}}chapters") is None
    assert item.find(f"{{{PODCAST}}}transcript") is None
    assert item.find(f"{{{ITUNES}}}image") is None


class Page(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_page_escapes_every_text_so_nothing_in_a_title_becomes_markup() -> None:
    page = Page(index_html(CHANNEL, EPISODES))
    assert [t for t, _ in page.tags].count("script") == 1  # ours, not the description's
    assert [t for t, _ in page.tags].count("b") == 0
    text = "".join(page.text)
    assert CHANNEL.title in text and "Breathe <in> & out." in text


def test_the_page_gives_ids_without_spaces_and_links_that_seek() -> None:
    page = Page(index_html(CHANNEL, EPISODES))
    ids = [a["id"] for t, a in page.tags if t == "article"]
    assert ids == ["my-session", "second", "first"]  # newest first, as in the feed
    seeks = [a for t, a in page.tags if t == "a" and "data-seek" in a]
    assert seeks[1]["href"] == "my%20session-00000000.mp3#t=5"
    assert seeks[1]["data-player"] == "my-session-player"


def test_chapters_json_gives_seconds_and_titles_in_order() -> None:
    document = json.loads(chapters_json(EPISODES[0]))
    assert document["version"] == "1.2.0"
    assert document["chapters"] == [
        {"startTime": 0.0, "endTime": 5.0, "title": "Opening"},
        {"startTime": 5.0, "endTime": 90.4, "title": "Breath & <body>"},
    ]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://example.org/calm", "https://example.org/calm/"),
        ("http://example.org", "http://example.org/"),
        ("https://example.org/a/b/", "https://example.org/a/b/"),
        ("https://example.org/my calm", "https://example.org/my%20calm/"),
    ],
)
def test_a_base_url_is_kept_as_the_address_of_a_folder(given: str, expected: str) -> None:
    assert base_url(given) == expected


@pytest.mark.parametrize(
    "given", ["ftp://example.org/", "example.org", "//example.org/", "https://x.org/?a=1"]
)
def test_other_addresses_are_refused_saying_why(given: str) -> None:
    with pytest.raises(ValueError, match=r"http|'\?'"):
        base_url(given)


def test_language_and_bitrate_are_checked_as_in_the_options() -> None:
    assert language("en-GB") == "en-GB" and bitrate("96") == "96k"
    with pytest.raises(ValueError):
        language("English")
    with pytest.raises(ValueError):
        bitrate("1000k")
