"""The tags an exported file carries, whatever its format (see tags.py)."""

from __future__ import annotations

from dataclasses import dataclass

NARRATOR = "NARRATOR"  # ID3's TXXX description and the Vorbis comment that name the narrator


@dataclass(frozen=True)
class ChapterTag:
    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class TrackTags:
    title: str
    artist: str | None = None
    album: str | None = None
    genre: str = "Meditation"
    year: int | None = None
    comment: str | None = None
    lyrics: str | None = None  # the narration text, one line per clip
    cover: bytes | None = None  # image bytes
    cover_mime: str = "image/png"
    chapters: tuple[ChapterTag, ...] = ()
    synced_lyrics: tuple[tuple[int, str], ...] = ()  # (ms, text): a line from its time on (ID3)
    language: str | None = None  # BCP 47 (es, en-GB): ID3's TLAN takes its ISO 639-2 code
    narrator: str | None = None  # the synthetic voice that speaks it, when one was chosen
