"""Compiles a prepared session into events placed on one sample clock. Pure: no I/O, no audio."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from player.common.audio_format import SAMPLE_RATE, seconds_to_frames
from player.session.model import AmbientBed, Location, Session

OPENING = "Opening"  # the title of what plays before a session's first chapter


class EventKind(str, Enum):
    NARRATION = "narration"
    SILENCE = "silence"
    BELL = "bell"


@dataclass(frozen=True)
class Event:
    """One sound (or silence) at its place on the clock, in frames of the master rate."""

    kind: EventKind
    start: int
    length: int
    clip: Path | None  # the file to play; None for silence and built-in bells
    bell: str | None  # built-in bell name
    gain_db: float
    fade_in: int
    fade_out: int
    text: str | None
    chapter: int  # index into Timeline.chapters; -1 in a session without chapters
    where: Location
    strikes: int = 1  # a bell struck this many times

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class ChapterMark:
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class BedSpan:
    """An ambient bed placed between two frames, with its fades and ducking in frames."""

    bed: AmbientBed
    start: int
    end: int
    gain_db: float
    fade_in: int
    fade_out: int
    duck_db: float
    end_known: bool = True  # False in a timeline still being placed: `end` is the least it can be
    number: int = 0  # its place among the session's beds: what seeds a synthesised one


@dataclass(frozen=True)
class Timeline:
    session: Session
    length: int
    events: tuple[Event, ...]  # one after another: every sound and silence of the steps
    chapters: tuple[ChapterMark, ...]
    beds: tuple[BedSpan, ...]
    rings: tuple[Event, ...] = ()  # interval bells, rung over silences, in time order
    # While a narrator has yet to speak a clip (see layout.py), the timeline is placed only up
    # to the frame where that clip begins: `frontier`. `length` is then the length expected,
    # and the chapters from `placed_chapters` on are where they may be, not yet where they are.
    frontier: int | None = None
    placed_chapters: int | None = None

    @functools.cached_property
    def starts(self) -> list[int]:
        """Where each event starts, in order (worked out once: asked often while playing)."""
        return [event.start for event in self.events]

    @property
    def complete(self) -> bool:
        return self.frontier is None

    @property
    def known_until(self) -> int:
        """Where what is placed ends: the frontier, or the end."""
        return self.length if self.frontier is None else self.frontier

    @property
    def seconds(self) -> float:
        return self.length / SAMPLE_RATE

    def chapter_at(self, frame: int) -> int:
        """Index of the chapter playing at a frame; -1 when the session has no chapters.

        Chapters tile the session: when the first one starts later, an Opening comes first.
        """
        current = -1
        for index, mark in enumerate(self.chapters):
            if mark.start <= frame:
                current = index
        return current


def compile_timeline(
    session: Session,
    length_seconds: float | None = None,
    spoken: Mapping[Path, float] | None = None,
) -> Timeline:
    """Lay every step of a prepared session end to end, repeats expanded, on the master clock.

    With `length_seconds`, flexible silences stretch or shrink so the whole lasts that long.
    Narration a narrator has yet to speak (see layout.py) lasts as long as `spoken` says,
    or as long as it is estimated to: that timeline is the session's plan.
    """
    from player.session.layout import Layout

    layout = Layout(session, length_seconds, spoken, estimate_unknown=True)
    layout.advance()
    return layout.timeline()


def locate(timeline: Timeline, reference: str) -> int:
    """The frame a listener means by a chapter title (or its start) or a time like 4m30s."""
    from player.common.errors import MeditateError
    from player.session.units import format_clock, parse_duration

    try:
        seconds = parse_duration(reference)
    except ValueError:
        pass
    else:
        frame = seconds_to_frames(seconds)
        if frame >= timeline.length:
            raise MeditateError(
                f"--from {reference}: the session is only {format_clock(timeline.seconds)} long"
            )
        return frame
    wanted = reference.strip().casefold()
    for mark in timeline.chapters:
        if mark.title.casefold() == wanted:
            return mark.start
    starting = [m for m in timeline.chapters if m.title.casefold().startswith(wanted)]
    if len(starting) == 1:
        return starting[0].start
    titles = ", ".join(f"'{m.title}'" for m in timeline.chapters) or "none"
    raise MeditateError(
        f"--from {reference}: no chapter of that name and not a time (chapters: {titles})"
    )


def resume_frame(timeline: Timeline, frame: int) -> int:
    """Where to go on after stopping at `frame`: the start of the narration speaking there
    (never mid-word), else `frame` itself."""
    for event in timeline.events:
        if event.kind is EventKind.NARRATION and event.start <= frame < event.end:
            return event.start
    return frame
