"""Captions from a timeline: one cue per narration, at the times it is heard. Pure: text only.

A narration clip may hold several sentences, and only the clip's start and end are known,
so each narration is one cue; long text is broken into lines for display, never into
timings that were not measured. Drafts are narration too, and get their cues.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from player.common.audio_format import SAMPLE_RATE
from player.common.characters import WORD_JOINER
from player.session.timeline import EventKind, Timeline

CAPTION_FORMATS = ("vtt", "srt", "lrc")
LINE_WIDTH = 42  # characters a caption line holds, as broadcasters' guidelines suggest


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str  # the narration's words, whitespace made single spaces


def caption_cues(timeline: Timeline, start: int = 0) -> tuple[Cue, ...]:
    """A cue for each narration with text, in time order, for a file that begins at frame
    `start`: cues are shifted to match and those before it left out."""
    cues = []
    for event in timeline.events:
        if event.kind is not EventKind.NARRATION or not event.text or not event.text.strip():
            continue
        if event.end <= start:
            continue
        begin = max(event.start - start, 0)
        cues.append(Cue(_ms(begin), _ms(event.end - start), " ".join(event.text.split())))
    return tuple(cues)


def display_lines(text: str, width: int = LINE_WIDTH) -> list[str]:
    """The text broken at spaces into lines of at most `width` characters (a longer word
    stays whole)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def captions_text(
    fmt: str,
    cues: Iterable[Cue],
    *,
    title: str = "",
    artist: str = "",
    language: str | None = None,
) -> str:
    """The cues as a WebVTT, SubRip or LRC file; WebVTT and LRC say their `language` (BCP 47)
    when it is given, SubRip has nowhere to."""
    if fmt == "vtt":
        return webvtt(cues, language)
    if fmt == "srt":
        return subrip(cues)
    if fmt == "lrc":
        return lrc(cues, title=title, artist=artist, language=language)
    raise ValueError(f"unknown caption format {fmt!r}")


def webvtt(cues: Iterable[Cue], language: str | None = None) -> str:
    """A WebVTT file: the cue text escaped, so no '<', '&' or '-->' can end or mark it up;
    its language, when given, in the header (`Language: es`, as YouTube's files have it)."""
    blocks = [f"WEBVTT\nLanguage: {language}\n" if language else "WEBVTT\n"]
    for number, cue in enumerate(cues, start=1):
        lines = [_vtt_escape(line) for line in display_lines(cue.text)]
        timing = f"{_clock(cue.start_ms, '.')} --> {_clock(cue.end_ms, '.')}"
        blocks.append("\n".join([str(number), timing, *lines]) + "\n")
    return "\n".join(blocks)


def subrip(cues: Iterable[Cue]) -> str:
    """A SubRip file. SubRip has no escapes, and a reader takes a line holding '-->' for a
    cue's timing (ffmpeg drops the text then): an invisible WORD JOINER (U+2060) is put
    between the hyphens of an arrow in the text, which no reader takes for one."""
    blocks = []
    for number, cue in enumerate(cues, start=1):
        timing = f"{_clock(cue.start_ms, ',')} --> {_clock(cue.end_ms, ',')}"
        lines = [line.replace("-->", f"-{WORD_JOINER}->") for line in display_lines(cue.text)]
        blocks.append("\n".join([str(number), timing, *lines]) + "\n")
    return "\n".join(blocks)


def lrc(
    cues: Iterable[Cue], *, title: str = "", artist: str = "", language: str | None = None
) -> str:
    """An LRC file: a line at each cue's start, and an empty one where the voice stops
    before the next, so a lyrics display clears during the silences."""
    lines = [f"[ti:{_one_line(title)}]"] if title else []
    if artist:
        lines.append(f"[ar:{_one_line(artist)}]")
    if language:
        lines.append(f"[la:{_one_line(language)}]")
    lines.append("[re:meditate]")
    for time_ms, text in synced_lines(cues):
        lines.append(f"[{_lrc_time(time_ms)}]{text}")
    return "\n".join(lines) + "\n"


def synced_lines(cues: Iterable[Cue]) -> list[tuple[int, str]]:
    """(time in ms, text) for synchronised lyrics: each cue at its start, and an empty line
    at its end when silence follows."""
    ordered = list(cues)
    lines: list[tuple[int, str]] = []
    for index, cue in enumerate(ordered):
        lines.append((cue.start_ms, cue.text))
        following = ordered[index + 1].start_ms if index + 1 < len(ordered) else None
        if following is None or following > cue.end_ms:
            lines.append((cue.end_ms, ""))
    return lines


def _ms(frames: int) -> int:
    return round(frames * 1000 / SAMPLE_RATE)


def _clock(ms: int, separator: str) -> str:
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def _lrc_time(ms: int) -> str:
    centis = round(ms / 10)
    seconds, hundredths = divmod(centis, 100)
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes:02d}:{seconds:02d}.{hundredths:02d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("]", ")")
