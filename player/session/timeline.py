"""Compiles a prepared session into events placed on one sample clock. Pure: no I/O, no audio."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from player.common.audio_format import SAMPLE_RATE, seconds_to_frames
from player.session.flex import flex_durations
from player.session.model import (
    AmbientBed,
    Bell,
    Chapter,
    Location,
    Narration,
    Repeat,
    Session,
    Silence,
    Step,
    flatten,
    step_seconds,
)

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


@dataclass(frozen=True)
class Timeline:
    session: Session
    length: int
    events: tuple[Event, ...]  # one after another: every sound and silence of the steps
    chapters: tuple[ChapterMark, ...]
    beds: tuple[BedSpan, ...]
    rings: tuple[Event, ...] = ()  # interval bells, rung over silences, in time order

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


def compile_timeline(session: Session, length_seconds: float | None = None) -> Timeline:
    """Lay every step of a prepared session end to end, repeats expanded, on the master clock.

    With `length_seconds`, flexible silences stretch or shrink so the whole lasts that long.
    """
    flexed = {} if length_seconds is None else flex_durations(session, length_seconds)
    placed: list[Event] = []
    rings: list[Event] = []
    titles: list[tuple[str, int]] = []
    if _opens_before_a_chapter(session.steps):
        # what plays before the first chapter is a chapter too, so chapters tile the session
        titles.append((OPENING, 0))
    clock = 0
    for step in _expanded(session.steps):
        if isinstance(step, Chapter):
            titles.append((step.title, clock))
            continue
        seconds = (
            flexed.get(step, step.seconds) if isinstance(step, Silence) else step_seconds(step)
        )
        length = seconds_to_frames(seconds)
        placed.append(_event(step, clock, length, len(titles) - 1))
        if isinstance(step, Silence) and step.bells is not None:
            rings.extend(_rings(step, clock, seconds, len(titles) - 1))
        clock += length
    length = clock
    chapters = tuple(
        ChapterMark(title, start, titles[i + 1][1] if i + 1 < len(titles) else length)
        for i, (title, start) in enumerate(titles)
    )
    beds = tuple(_bed_span(bed, chapters, length) for bed in session.ambient)
    rung = tuple(_until(ring, length) for ring in rings if ring.start < length)
    return Timeline(session, length, tuple(placed), chapters, tuple(b for b in beds if b), rung)


def _rings(silence: Silence, start: int, seconds: float, chapter: int) -> Iterator[Event]:
    """The interval bells of a silence placed at `start`, lasting `seconds` as stretched."""
    assert silence.bells is not None
    bell = silence.bells.bell
    for offset in silence.bells.offsets(silence.seconds, seconds):
        yield Event(
            EventKind.BELL, start + seconds_to_frames(offset), seconds_to_frames(bell.seconds),
            bell.file.found if bell.file else None, bell.name, bell.volume_db, 0, 0, None,
            chapter, silence.bells.where,
        )  # fmt: skip


def _until(ring: Event, length: int) -> Event:
    """A bell rung near the end of the session, cut at its end (the renderer fades it)."""
    if ring.end <= length:
        return ring
    return dataclasses.replace(ring, length=length - ring.start)


def _opens_before_a_chapter(steps: tuple[Step, ...]) -> bool:
    """Whether something sounds before the first chapter of a session that has chapters."""
    sounded = False
    for step in flatten(steps):
        if isinstance(step, Chapter):
            return sounded
        sounded = True
    return False


def _expanded(steps: tuple[Step, ...]) -> Iterator[Step]:
    for step in steps:
        if isinstance(step, Repeat):
            for _ in range(step.count):
                yield from _expanded(step.steps)
        else:
            yield step


def _event(step: Step, start: int, length: int, chapter: int) -> Event:
    if isinstance(step, Narration):
        assert step.clip is not None
        return Event(
            EventKind.NARRATION,
            start,
            length,
            step.clip.found,
            None,
            step.volume_db,
            seconds_to_frames(step.fade_in),
            seconds_to_frames(step.fade_out),
            step.text,
            chapter,
            step.where,
        )
    if isinstance(step, Bell):
        return Event(
            EventKind.BELL, start, length, step.file.found if step.file else None, step.name,
            step.volume_db, 0, 0, None, chapter, step.where, step.strikes,
        )  # fmt: skip
    assert isinstance(step, Silence)
    return Event(EventKind.SILENCE, start, length, None, None, 0.0, 0, 0, None, chapter, step.where)


def _bed_span(bed: AmbientBed, chapters: tuple[ChapterMark, ...], length: int) -> BedSpan | None:
    by_title = {mark.title: mark for mark in reversed(chapters)}
    start = by_title[bed.from_chapter].start if bed.from_chapter else 0
    end = by_title[bed.until_chapter].end if bed.until_chapter else length
    span = end - start
    if span <= 0:
        return None
    fade_in = seconds_to_frames(bed.fade_in)
    fade_out = seconds_to_frames(bed.fade_out)
    if fade_in + fade_out > span:
        scale = span / (fade_in + fade_out)
        fade_in, fade_out = int(fade_in * scale), int(fade_out * scale)
    return BedSpan(bed, start, end, bed.volume_db, fade_in, fade_out, bed.duck_db)


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
