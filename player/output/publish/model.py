"""What a publication holds: the podcast (channel) and its episodes, as the documents show them."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote

from player.output.captions import Cue
from player.output.tags import ChapterTag

FEED_FILE = "feed.xml"
PAGE_FILE = "index.html"
AUDIO_MIME = "audio/mpeg"
CHAPTERS_MIME = "application/json+chapters"  # as the Podcasting 2.0 chapters format asks
TRANSCRIPT_MIME = "text/vtt"


@dataclass(frozen=True)
class Channel:
    """The podcast as a whole."""

    base_url: str  # http(s), ending in '/': where the folder is served
    title: str
    description: str
    language: str
    explicit: bool
    image: str  # file name of the square cover in the folder
    podcast_guid: str  # Podcasting 2.0 podcast:guid, kept for good once made
    author: str | None = None
    owner_name: str | None = None  # itunes:owner, which directories write to
    owner_email: str | None = None

    def url(self, file_name: str) -> str:
        """The address of a file of the folder."""
        return self.base_url + quote(file_name)

    @property
    def feed_url(self) -> str:
        return self.url(FEED_FILE)


@dataclass(frozen=True)
class Episode:
    """One published session: what the feed and the page say of it, and its files."""

    name: str  # the session's name, also the page's anchor
    guid: str  # never changes once published
    published: datetime.datetime  # first published (aware); never changes either
    digest: str  # of everything that decides the audio (fingerprint.py)
    title: str
    description: str | None
    author: str | None
    seconds: float
    audio: str  # file names in the folder
    audio_bytes: int
    chapters_file: str | None  # None when the session has no chapters
    transcript_file: str | None  # None when nothing is spoken with text
    image: str | None  # the session's own square cover, if it has one
    chapters: tuple[ChapterTag, ...] = ()
    cues: tuple[Cue, ...] = ()
    language: str | None = None  # the session's language: (BCP 47), when it says one
    narrator: str | None = None  # the synthetic voice that speaks it, when one was chosen

    def language_in(self, channel: Channel) -> str:
        """The language it is spoken in: its own, else the podcast's."""
        return self.language or channel.language

    @property
    def anchor(self) -> str:
        """Its id on the page (no spaces, which an HTML id cannot hold)."""
        return re.sub(r"\s+", "-", self.name)

    @property
    def files(self) -> tuple[str, ...]:
        named = (self.audio, self.chapters_file, self.transcript_file, self.image)
        return tuple(name for name in named if name)


def newest_first(episodes: list[Episode] | tuple[Episode, ...]) -> list[Episode]:
    """Episodes as podcast apps list them: the latest first, then by name."""
    by_name = sorted(episodes, key=lambda episode: episode.name)
    return sorted(by_name, key=lambda episode: episode.published, reverse=True)
