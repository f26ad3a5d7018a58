"""The feed and the page as readers nobody here wrote read them: lxml, feedparser, gPodder's
podcastparser, podcast-partytime (what Podcast Index apps use) and the Nu HTML checker. Built
from data alone, so it is quick."""

from __future__ import annotations

import dataclasses
import datetime
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from readers import lxml_errors, nu_messages, partytime_view, podcastparser_view

from player.common.characters import WORD_JOINER
from player.output.captions import Cue
from player.output.publish.feed import feed_xml
from player.output.publish.model import Channel, Episode
from player.output.publish.page import index_html
from player.output.tags import ChapterTag

PLAIN = "Rest & restore: <10 minutes a day, AT&T's quiet room > the office."
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> &lt;b&gt;bold&lt;/b&gt;'
CONTROLS = "Notes in C:\audio\breath \x01\x00\ufffe\x7f end"


def channel(description: str, title: str = "Calm & Still") -> Channel:
    return Channel(
        base_url="https://example.org/calm/", title=title, description=description,
        language="en", explicit=False, image="cover-0123abcd.jpg",
        podcast_guid="917393e3-1b1e-5cef-ace4-edaa54e1f810", author="A & B",
    )  # fmt: skip


def episode(name: str, title: str, description: str) -> Episode:
    return Episode(
        name=name, guid=f"guid-{name}",
        published=datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.timezone.utc),
        digest="0" * 64, title=title, description=description, author=None, seconds=60.0,
        audio=f"{name}-00000000.mp3", audio_bytes=1000, chapters_file=None,
        transcript_file=None, image=None,
    )  # fmt: skip


class Markup(HTMLParser):
    """What an app that shows a text as HTML would make of it: its elements, and its words."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []
        self.words: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(tag)

    def handle_comment(self, data: str) -> None:
        self.elements.append("!--")

    def handle_data(self, data: str) -> None:
        self.words.append(data)

    @property
    def text(self) -> str:
        return "".join(self.words).replace(WORD_JOINER, "")


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("feed") / "feed.xml"
    episodes = [episode("plain", "Calm & <quiet>", PLAIN), episode("hostile", HOSTILE, HOSTILE)]
    path.write_bytes(feed_xml(channel(PLAIN), episodes))
    return path


def test_libxml2_and_feedparser_read_the_feed_cleanly(feed) -> None:
    assert lxml_errors(feed) == []
    parsed = feedparser.parse(feed.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    descriptions = {entry.id: Markup(entry.summary) for entry in parsed.entries}
    assert descriptions["guid-plain"].text == PLAIN
    assert descriptions["guid-hostile"].text == HOSTILE
    assert descriptions["guid-hostile"].elements == []
    assert Markup(parsed.feed.subtitle).text == PLAIN


def test_gpodder_shows_the_words_as_written_and_gets_no_markup(feed) -> None:
    parsed = podcastparser_view(feed)
    assert parsed["description"].replace(WORD_JOINER, "") == PLAIN
    by_guid = {e["guid"]: e for e in parsed["episodes"]}
    assert by_guid["guid-plain"]["description"].replace(WORD_JOINER, "") == PLAIN
    assert by_guid["guid-plain"]["title"].replace(WORD_JOINER, "") == "Calm & <quiet>"
    hostile = by_guid["guid-hostile"]
    assert hostile["description"].replace(WORD_JOINER, "") == HOSTILE
    assert "description_html" not in hostile  # nothing it takes for HTML


def test_partytime_decoding_twice_shows_the_words_and_is_handed_no_markup(feed) -> None:
    parsed = partytime_view(feed)
    assert parsed is not None
    assert Markup(parsed["description"]).text == PLAIN
    items = {item["guid"]: item for item in parsed["items"]}
    assert Markup(items["guid-plain"]["description"]).text == PLAIN
    for text in (items["guid-hostile"]["description"], items["guid-hostile"]["title"]):
        shown = Markup(text)
        assert shown.elements == []  # as HTML, no element at all: words only
        assert shown.text == HOSTILE  # even its '&lt;', undone by no one


def test_characters_xml_cannot_hold_never_reach_the_feed(tmp_path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(
        feed_xml(channel(CONTROLS, title=CONTROLS), [episode("notes", CONTROLS, CONTROLS)])
    )
    assert lxml_errors(path) == []
    assert not feedparser.parse(path.read_bytes()).bozo
    assert [e["title"] for e in podcastparser_view(path)["episodes"]] == [
        "Notes in C:udioreath end"  # and the spaces made one
    ]
    parsed = partytime_view(path)
    assert parsed is not None and len(parsed["items"]) == 1


def test_the_nu_checker_finds_no_error_in_a_page_of_hostile_and_control_texts(tmp_path) -> None:
    notes = episode("notes", CONTROLS, f"{CONTROLS} {HOSTILE}")
    notes = dataclasses.replace(
        notes, chapters=(ChapterTag(CONTROLS, 0, 60_000),), cues=(Cue(0, 900, CONTROLS),)
    )
    page = tmp_path / "index.html"
    page.write_text(index_html(channel(CONTROLS, title=HOSTILE), [notes]), encoding="utf-8")
    assert nu_messages(page) == []
