"""The typed model of one session script, as the loader validates it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where something was written: 1-based line and column in a session file."""

    file: Path
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Narration:
    clip: Path
    clip_seconds: float
    text: str | None
    volume_db: float
    fade_in: float
    fade_out: float
    where: Location
    draft: bool = False  # spoken by espeak-ng from `text`: `clip` is the cached speech


@dataclass(frozen=True)
class Silence:
    seconds: float
    flex: bool
    min_seconds: float
    max_seconds: float | None
    where: Location


@dataclass(frozen=True)
class Bell:
    """A built-in bell (`name`) or a sound file (`file`), ringing for `seconds`."""

    name: str | None
    file: Path | None
    seconds: float
    volume_db: float
    where: Location

    @property
    def label(self) -> str:
        return self.name if self.name else self.file.name if self.file else "?"


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
    file: Path | None
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
        return f"synth:{self.synth}" if self.synth else self.file.name if self.file else "?"


@dataclass(frozen=True)
class Session:
    path: Path
    title: str
    description: str | None
    author: str | None
    tags: tuple[str, ...]
    cover: Path | None
    ambient: tuple[AmbientBed, ...]
    steps: tuple[Step, ...]

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
    """How long one step lasts as written (a chapter takes no time)."""
    if isinstance(step, Narration):
        return step.clip_seconds
    if isinstance(step, (Silence, Bell)):
        return step.seconds
    return 0.0
