"""`meditate timer`: an unguided sitting, made as a session so everything else (the live
display, keys, export, the practice log) works as for any other. Pure: it checks the choices
and builds the model."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from player.common.errors import MeditateError
from player.session.catalog import BELL_SECONDS, SYNTH_PREFIX, SYNTHS
from player.session.format import MAX_SESSION_SECONDS
from player.session.model import (
    AmbientBed,
    Bell,
    Chapter,
    FileRef,
    IntervalBells,
    Location,
    Session,
    Silence,
    Step,
)
from player.session.timeline import OPENING, ChapterMark, Timeline
from player.session.units import format_clock

END_STRIKES = 3  # the end bell differs from the others: struck three times
TIMER_NAME = "timer"  # the name a timer's sittings are logged under
END_CHAPTER = "End"  # from the end bell's first strike: the sitting is over, the bell rings out
DEFAULT_TIMER_BELL = "singing-bowl"
TIMER_BELL_VOLUME_DB = 0.0  # in a timer the bells are the sound to listen for
TIMER_AMBIENT_VOLUME_DB = -8.0  # and the bed is heard on its own, so not far under them
OPEN_ENDED_SECONDS = MAX_SESSION_SECONDS - 60.0  # until q: as long as a session may last
_HERE = Location(Path("timer"), 1, 1)


@dataclass(frozen=True)
class TimerPlan:
    """What the sitter asked for, checked."""

    length: float | None  # seconds of sitting; None until q
    bells: tuple[float, ...]  # when bells ring, in seconds from the start of the sitting
    bell: str  # a built-in bell, or a sound file's path
    warmup: float  # seconds before the sitting (and its first bell) begins
    ambient: str | None  # a synth name, a sound file's path, or None
    ambient_volume: float  # dB, against the bells

    @property
    def open_ended(self) -> bool:
        return self.length is None


def plan_timer(
    length: float | None,
    *,
    interval: float | None = None,
    schedule: tuple[float, ...] = (),
    warmup: float = 0.0,
    bell: str = DEFAULT_TIMER_BELL,
    ambient: str | None = None,
    ambient_volume: float = 0.0,
) -> TimerPlan:
    """Check a timer's choices. Raises MeditateError, one line, for any that cannot be."""
    if length is not None and not 0 < length <= MAX_SESSION_SECONDS - warmup - 60:
        raise MeditateError(
            f"LENGTH {format_clock(length)}: a timer lasts more than 0 and at most 23:59:00"
        )
    if warmup < 0:
        raise MeditateError("--warmup cannot be negative")
    if interval is not None and schedule:
        raise MeditateError("--interval and --bells each say when bells ring: give one")
    sitting = length if length is not None else OPEN_ENDED_SECONDS
    if interval is not None:
        if interval <= 0:
            raise MeditateError(f"--interval {format_clock(interval)}: must be longer than zero")
        if length is not None and interval >= length:
            raise MeditateError(
                f"--interval {format_clock(interval)} is not shorter than the sitting "
                f"({format_clock(length)}): no bell would ring between start and end"
            )
        count = math.ceil(sitting / interval)
        bells = tuple(interval * k for k in range(count))
    elif schedule:
        if list(schedule) != sorted(set(schedule)):
            raise MeditateError("--bells: the times must rise, each once, as in 0,25m,30m,55m")
        if length is not None and schedule[-1] >= length:
            raise MeditateError(
                f"--bells: {format_clock(schedule[-1])} is not before the end of the sitting "
                f"({format_clock(length)}); the end has its own bell"
            )
        bells = schedule
    else:
        bells = (0.0,)
    if ambient is not None and ambient.startswith(SYNTH_PREFIX):
        ambient = ambient.removeprefix(SYNTH_PREFIX)
    return TimerPlan(length, bells, bell, warmup, ambient, ambient_volume)


def timer_session(plan: TimerPlan, folder: Path) -> Session:
    """The sitting as a session. File names in `plan` are relative to `folder`."""
    steps: list[Step] = []
    if plan.warmup:
        steps.append(Silence(plan.warmup, False, 0.0, None, _HERE))
    sitting = plan.length if plan.length is not None else OPEN_ENDED_SECONDS
    bounds = [*plan.bells, sitting]
    if plan.bells[0] > 0:
        steps.append(Chapter("Settling", _HERE))
        steps.append(Silence(plan.bells[0], False, 0.0, None, _HERE))
    for number, (start, end) in enumerate(itertools.pairwise(bounds), start=1):
        ring = IntervalBells(_bell(plan.bell, folder), None, (0.0,), _HERE)
        steps.append(Chapter(f"Bell {number}", _HERE))
        steps.append(Silence(end - start, False, 0.0, None, _HERE, ring))
    if not plan.open_ended:
        steps.append(Chapter(END_CHAPTER, _HERE))
        steps.append(_bell(plan.bell, folder, END_STRIKES))
    title = "Open sitting" if plan.open_ended else f"Timer {format_clock(sitting)}"
    return Session(
        path=folder / TIMER_NAME,
        title=title,
        description="An unguided sitting, timed by bells.",
        author=None,
        tags=("timer",),
        cover=None,
        ambient=_ambient(plan, folder),
        steps=tuple(steps),
    )


def ring_out_in(chapters: Sequence[ChapterMark]) -> int | None:
    """The frame where a timer's sitting ends, as long as it was asked to last (with its
    warmup), from its chapters: what follows is its end bell ringing out. None for an open
    sitting."""
    ends = [mark.start for mark in chapters if mark.title == END_CHAPTER]
    return ends[-1] if ends else None


def warmup_until(timeline: Timeline) -> int:
    """The frame where a timer's warmup ends (0 without one): the warmup is its Opening."""
    first = timeline.chapters[0] if timeline.chapters else None
    return first.end if first is not None and first.title == OPENING else 0


def is_builtin_bell(bell: str) -> bool:
    return bell in BELL_SECONDS


def is_builtin_ambient(ambient: str) -> bool:
    return ambient.removeprefix(SYNTH_PREFIX) in SYNTHS


def _bell(bell: str, folder: Path, strikes: int = 1) -> Bell:
    if is_builtin_bell(bell):
        return Bell(bell, None, TIMER_BELL_VOLUME_DB, _HERE, strikes)
    return Bell(None, FileRef(str(folder / bell), _HERE), TIMER_BELL_VOLUME_DB, _HERE, strikes)


def _ambient(plan: TimerPlan, folder: Path) -> tuple[AmbientBed, ...]:
    if plan.ambient is None:
        return ()
    synth = plan.ambient if is_builtin_ambient(plan.ambient) else None
    file = None if synth else FileRef(str(folder / plan.ambient), _HERE)
    volume = TIMER_AMBIENT_VOLUME_DB + plan.ambient_volume
    bed = AmbientBed(synth, file, volume, 10.0, 10.0, 0.0, None, None, None, None, _HERE)
    return (bed,)
