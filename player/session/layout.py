"""Lays a prepared session's steps on the sample clock, as far as the lengths of its clips are
known. Pure: no I/O, no audio.

Narration spoken by a narrator chosen with --voice (`Narration.narrated`) is planned with an
estimate of its length, a pure function of its words and the voice; its real length is known
only once it is spoken. So that playback can begin before that, and still equal the export
sample for sample, placing is causal: where an event starts depends only on the real lengths
of the clips before it, never on how fast they were made. Each flexible silence absorbs
(within its min and max) the difference between the estimated and real lengths of the clips
before it, so what follows keeps its planned place, and the session its planned length,
wherever a flexible silence can take it. A session without narrated steps is laid out
exactly as written.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator, Mapping
from pathlib import Path

from player.common.audio_format import frames_to_seconds, seconds_to_frames
from player.session.flex import flex_durations
from player.session.model import (
    AmbientBed,
    Bell,
    Chapter,
    Narration,
    Repeat,
    Session,
    Silence,
    Step,
    flatten,
    step_seconds,
)
from player.session.timeline import (
    OPENING,
    BedSpan,
    ChapterMark,
    Event,
    EventKind,
    Timeline,
)


class Layout:
    """Places the steps of a prepared session one after another while their lengths are known.

    The real length of a narrated clip is learned (`learn`) once it is spoken; until then,
    placing stops at that step (`pending`), or, with `estimate_unknown`, uses its estimate.
    """

    def __init__(
        self,
        session: Session,
        length_seconds: float | None = None,
        spoken: Mapping[Path, float] | None = None,
        *,
        estimate_unknown: bool = False,
    ) -> None:
        self.session = session
        self.flexed = {} if length_seconds is None else flex_durations(session, length_seconds)
        self.spoken: dict[Path, float] = dict(spoken or {})
        self.estimate_unknown = estimate_unknown
        self.steps = list(_expanded(session.steps))
        self.index = 0  # the next step to place
        self.clock = 0  # where it starts
        self.debt = 0  # frames the clips placed ran over their estimates, not yet absorbed
        self.events: list[Event] = []
        self.rings: list[Event] = []
        self.titles: list[tuple[str, int]] = []
        self.title_steps: list[int | None] = []  # each title's index in `steps` (Opening: none)
        if _opens_before_a_chapter(session.steps):
            # what plays before the first chapter is a chapter too, so chapters tile the session
            self.titles.append((OPENING, 0))
            self.title_steps.append(None)
        self.chapter_steps = [i for i, step in enumerate(self.steps) if isinstance(step, Chapter)]
        self.planned_length = sum(self._planned_frames(step) for step in self.steps)
        self._last_flex = max(
            (i for i, s in enumerate(self.steps) if isinstance(s, Silence) and s.flex), default=-1
        )
        self._floor: list[int] | None = None  # least frames of steps[:i], made when needed

    # -- placing

    def learn(self, clip: Path, seconds: float) -> None:
        """The real length of a narrated clip, now that it is spoken."""
        self.spoken[clip] = seconds

    def advance(self) -> bool:
        """Place every step whose length is known, in order; whether any was placed."""
        start = self.index
        while self.index < len(self.steps):
            step = self.steps[self.index]
            if isinstance(step, Chapter):
                self.titles.append((step.title, self.clock))
                self.title_steps.append(self.index)
            else:
                length = self._length(step)
                if length is None:
                    break
                chapter = len(self.titles) - 1
                self.events.append(_event(step, self.clock, length, chapter))
                if isinstance(step, Silence) and step.bells is not None:
                    lasting = self._lasting(step, length)
                    self.rings.extend(_rings(step, self.clock, lasting, chapter))
                self.clock += length
            self.index += 1
        return self.index > start

    @property
    def complete(self) -> bool:
        return self.index >= len(self.steps)

    @property
    def pending(self) -> Narration | None:
        """The narrated step that placing waits for, its real length not known yet."""
        if self.complete:
            return None
        step = self.steps[self.index]
        assert isinstance(step, Narration) and step.narrated
        return step

    def _length(self, step: Step) -> int | None:
        if isinstance(step, Narration) and step.narrated:
            assert step.clip is not None
            estimate = seconds_to_frames(step.clip.length)
            seconds = self.spoken.get(step.clip.found)
            if seconds is None:
                if not self.estimate_unknown:
                    return None
                return estimate
            real = seconds_to_frames(seconds)
            self.debt += real - estimate
            return real
        if isinstance(step, Silence):
            planned = self._planned_frames(step)
            if not step.flex or not self.debt:
                return planned
            top = seconds_to_frames(step.max_seconds) if step.max_seconds is not None else None
            absorbed = max(planned - self.debt, seconds_to_frames(step.min_seconds))
            absorbed = absorbed if top is None else min(absorbed, top)
            self.debt -= planned - absorbed
            return absorbed
        return seconds_to_frames(step_seconds(step))

    def _planned_frames(self, step: Step) -> int:
        if isinstance(step, Silence):
            return seconds_to_frames(self.flexed.get(step, step.seconds))
        return seconds_to_frames(step_seconds(step))

    def _lasting(self, silence: Silence, length: int) -> float:
        """How long a silence lasts, in seconds, for placing its bells: as --length made it,
        or as it was left after absorbing clips' differences."""
        seconds = self.flexed.get(silence, silence.seconds)
        return seconds if length == seconds_to_frames(seconds) else frames_to_seconds(length)

    # -- what is placed, as a timeline

    def timeline(self) -> Timeline:
        """The timeline placed so far: the whole, or, while a narrated clip is awaited, its
        placed part, with the chapters still to come where they are expected."""
        if self.complete:
            return self._whole()
        return self._part()

    def _whole(self) -> Timeline:
        length = self.clock
        chapters = _chapters(self.titles, length)
        beds = (
            _bed_span(bed, chapters, length, number)
            for number, bed in enumerate(self.session.ambient)
        )
        rung = tuple(_until(ring, length) for ring in self.rings if ring.start < length)
        return Timeline(self.session, length, tuple(self.events), chapters,
                        tuple(b for b in beds if b), rung)  # fmt: skip

    def _part(self) -> Timeline:
        frontier = self.clock
        expected = self.planned_length + (0 if self.index <= self._last_flex else self.debt)
        expected = max(expected, frontier)
        placed = len(self.titles)
        ahead = [
            (step.title, min(expected, frontier + self._least(self.index, i)))
            for i, step in enumerate(self.steps[self.index :], self.index)
            if isinstance(step, Chapter)
        ]
        chapters = _chapters([*self.titles, *ahead], expected)
        beds = []
        for number, bed in enumerate(self.session.ambient):
            span = self._bed_part(bed, number, chapters[:placed], frontier)
            if span is not None:
                beds.append(span)
        return Timeline(
            self.session, expected, tuple(self.events), chapters, tuple(beds), tuple(self.rings),
            frontier=frontier, placed_chapters=placed,
        )  # fmt: skip

    def _bed_part(
        self, bed: AmbientBed, number: int, placed: tuple[ChapterMark, ...], frontier: int
    ) -> BedSpan | None:
        """A bed as far as it is known: not at all when its first chapter is not placed yet;
        with the least its end can be when that end is not known."""
        by_title = {mark.title: index for index, mark in reversed(list(enumerate(placed)))}
        if bed.from_chapter is not None and bed.from_chapter not in by_title:
            return None
        start = placed[by_title[bed.from_chapter]].start if bed.from_chapter else 0
        if bed.until_chapter is None:
            end = frontier + self._least(self.index, len(self.steps))
            known = False
        else:
            index = by_title.get(bed.until_chapter)
            if index is not None and index + 1 < len(placed):
                end, known = placed[index + 1].start, True
            else:
                end, known = frontier + self._least(self.index, self._chapter_after(bed)), False
        span = _bed_span(bed, (), end, number, start=start)
        return dataclasses.replace(span, end_known=known) if span else None

    def _chapter_after(self, bed: AmbientBed) -> int:
        """The index in `steps` of the chapter that follows the one a bed plays until (the
        first of that title), or the end of the steps."""
        titles = [self.steps[i].title for i in self.chapter_steps]  # type: ignore[union-attr]
        at = titles.index(bed.until_chapter) if bed.until_chapter in titles else len(titles) - 1
        return self.chapter_steps[at + 1] if at + 1 < len(titles) else len(self.steps)

    def _least(self, first: int, last: int) -> int:
        """The fewest frames steps[first:last] can take: narrated clips nothing, flexible
        silences their min, everything else its length."""
        if self._floor is None:
            self._floor = [0, *itertools.accumulate(_least_frames(s) for s in self.steps)]
        return self._floor[last] - self._floor[first]


def _least_frames(step: Step) -> int:
    if isinstance(step, Narration) and step.narrated:
        return 0
    if isinstance(step, Silence) and step.flex:
        return seconds_to_frames(step.min_seconds)
    return seconds_to_frames(step_seconds(step))


def _chapters(titles: list[tuple[str, int]], length: int) -> tuple[ChapterMark, ...]:
    return tuple(
        ChapterMark(title, start, titles[i + 1][1] if i + 1 < len(titles) else length)
        for i, (title, start) in enumerate(titles)
    )


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


def _bed_span(
    bed: AmbientBed,
    chapters: tuple[ChapterMark, ...],
    length: int,
    number: int,
    *,
    start: int | None = None,
) -> BedSpan | None:
    """A bed placed between its chapters (or from `start` to `length`), its fades shortened
    in proportion when they are longer together than it is."""
    by_title = {mark.title: mark for mark in reversed(chapters)}
    if start is None:
        start = by_title[bed.from_chapter].start if bed.from_chapter else 0
        end = by_title[bed.until_chapter].end if bed.until_chapter else length
    else:
        end = length
    span = end - start
    if span <= 0:
        return None
    fade_in = seconds_to_frames(bed.fade_in)
    fade_out = seconds_to_frames(bed.fade_out)
    if fade_in + fade_out > span:
        scale = span / (fade_in + fade_out)
        fade_in, fade_out = int(fade_in * scale), int(fade_out * scale)
    return BedSpan(bed, start, end, bed.volume_db, fade_in, fade_out, bed.duck_db, number=number)
