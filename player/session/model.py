"""The typed model of one session script, as the loader validates it.

Files are named as the script writes them (`FileRef`); preparation (player.prepare) finds
each one and reads how long it plays, and only a prepared session can be timed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from player.session.catalog import BELL_SECONDS, DEFAULT_ENGINE, SYNTH_PREFIX
from player.session.format import STRIKE_SECONDS


@dataclass(frozen=True)
class Location:
    """Where something was written: 1-based line and column in a session file."""

    file: Path
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class NotPrepared(Exception):
    """A session was timed before its files were found and measured: a bug, not a user error."""


@dataclass(frozen=True)
class FileRef:
    """A file as the script names it, and once prepared, where it is and how long it plays."""

    written: str  # as the script gives it
    where: Location  # where the script gives it
    path: Path | None = None  # the file found, once prepared
    seconds: float | None = None  # how long it plays, once prepared (sound files only)

    @property
    def found(self) -> Path:
        if self.path is None:
            raise NotPrepared(f"{self.where}: '{self.written}' has not been looked up")
        return self.path

    @property
    def length(self) -> float:
        if self.seconds is None:
            raise NotPrepared(f"{self.where}: '{self.written}' has not been measured")
        return self.seconds


@dataclass(frozen=True)
class VoiceSettings:
    """How narration written only as text is spoken (see player.sound.speech): an engine, one
    of its voices (None: the engine's default) or a voice file, a pace in words a minute with
    the pauses, and for espeak-ng a pitch (None: its default)."""

    engine: str = DEFAULT_ENGINE
    name: str | None = None
    model: FileRef | None = None
    rate_wpm: int = 120
    pitch: int | None = None
    where: Location | None = None  # where the script gives its `voice:`


@dataclass(frozen=True)
class Narration:
    clip: FileRef | None  # None for a draft until preparation has spoken it
    text: str | None
    volume_db: float
    fade_in: float
    fade_out: float
    where: Location
    draft: bool = False  # spoken from `text`; once prepared, `clip` is the cached speech
    # spoken from `text` by the narrator chosen with --voice: `clip` is where its speech is
    # kept, and `clip.seconds` an estimate until it is spoken (see player.session.layout)
    narrated: bool = False

    @property
    def seconds(self) -> float:
        if self.clip is None:
            raise NotPrepared(f"{self.where}: the draft has not been spoken")
        return self.clip.length


@dataclass(frozen=True)
class Bell:
    """A built-in bell (`name`) or a sound file (`file`); it rings out in full."""

    name: str | None
    file: FileRef | None
    volume_db: float
    where: Location

    @property
    def label(self) -> str:
        return self.name if self.name else Path(self.file.written).name if self.file else "?"

    strikes: int = 1  # struck this many times, STRIKE_SECONDS apart; the last rings out

    @property
    def rings_for(self) -> float:
        """How long one strike rings: the built-in bell's length, or its file's."""
        if self.name is not None:
            return BELL_SECONDS[self.name]
        assert self.file is not None
        return self.file.length

    @property
    def seconds(self) -> float:
        return (self.strikes - 1) * STRIKE_SECONDS + self.rings_for


@dataclass(frozen=True)
class IntervalBells:
    """Bells rung during a silence: every so often, or at given times from its start."""

    bell: Bell
    every: float | None
    at: tuple[float, ...]
    where: Location

    def offsets(self, written: float, lasting: float) -> tuple[float, ...]:
        """When they ring, in seconds from the start of a silence written `written` long and
        lasting `lasting` (stretched or shrunk by --length): `every` keeps its spacing, `at`
        stretches with the silence."""
        if self.every is not None:
            count = math.ceil(lasting / self.every) - 1
            return tuple(self.every * k for k in range(1, count + 1))
        scale = lasting / written if written else 1.0
        return tuple(offset * scale for offset in self.at)


@dataclass(frozen=True)
class Silence:
    seconds: float
    flex: bool
    min_seconds: float
    max_seconds: float | None
    where: Location
    bells: IntervalBells | None = None


@dataclass(frozen=True)
class Chapter:
    title: str
    where: Location


@dataclass(frozen=True)
class Repeat:
    count: int
    steps: tuple[Step, ...]
    where: Location


Step = Narration | Silence | Bell | Chapter | Repeat


@dataclass(frozen=True)
class AmbientBed:
    """A bed under the whole session, or between two chapters: a looped file or a synth."""

    synth: str | None
    file: FileRef | None
    volume_db: float
    fade_in: float
    fade_out: float
    duck_db: float
    from_chapter: str | None
    until_chapter: str | None
    pitch_hz: float | None
    beat_hz: float | None
    where: Location

    @property
    def label(self) -> str:
        if self.synth:
            return f"{SYNTH_PREFIX}{self.synth}"
        return Path(self.file.written).name if self.file else "?"


@dataclass(frozen=True)
class Session:
    path: Path
    title: str
    description: str | None
    author: str | None
    tags: tuple[str, ...]
    cover: FileRef | None
    ambient: tuple[AmbientBed, ...]
    steps: tuple[Step, ...]
    voice: VoiceSettings | None = None
    language: str | None = None  # BCP 47, as the script gives it (checked); None: unsaid

    @property
    def name(self) -> str:
        return self.path.stem


def flatten(steps: tuple[Step, ...]) -> Iterator[Step]:
    """Every step once, repeats opened but not multiplied: the steps as written."""
    for step in steps:
        if isinstance(step, Repeat):
            yield from flatten(step.steps)
        else:
            yield step


def weighted(steps: tuple[Step, ...], weight: int = 1) -> Iterator[tuple[Step, int]]:
    """Every step as written, with how many times it plays once repeats are counted."""
    for step in steps:
        if isinstance(step, Repeat):
            yield from weighted(step.steps, weight * step.count)
        else:
            yield step, weight


def step_seconds(step: Step) -> float:
    """How long one step lasts as written (a chapter takes no time). Needs a prepared session."""
    if isinstance(step, (Narration, Silence, Bell)):
        return step.seconds
    return 0.0
