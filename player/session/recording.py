"""What `meditate record` records: the lines of a script, each said once, and their clip names.

A line is one recording. Narration steps that name the same clip (the shared breath cues, in
a repeat or written twice) or, as drafts, say the same words, are one line: recorded once,
and every step that says it points at the one take. Pure: nothing here reads audio or files.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePosixPath

from player.session.model import Chapter, Location, Narration, Repeat, Session, Step

VOICE_FOLDER = "voice"
CLIP_SUFFIX = ".flac"
_SLUG_WORDS = 4
_SLUG_CHARACTERS = 32


@dataclass(frozen=True)
class Line:
    """One recording: the words, the clip said now, and the steps that say it."""

    number: int  # 1-based, as `record --list` shows it and --only/--from name it
    text: str | None
    clip: str | None  # the clip as the script writes it now; None for a draft
    ordinals: tuple[int, ...]  # the narration steps saying it, counted in written order
    plays: int  # how often it is heard, repeats counted
    where: Location  # its first step
    chapter: str  # the chapter its first step is in ('' before any)
    file_name: str  # NN-slug.flac, the name its take is saved as

    @property
    def draft(self) -> bool:
        return self.clip is None


class Status(str, Enum):
    """Where a line's sound comes from today."""

    RECORDED = "recorded"  # a clip of yours
    BUNDLED = "bundled"  # a clip shipped with meditate
    DRAFT = "draft"  # text only, spoken by espeak-ng
    MISSING = "not found"  # a clip the script names that is not there

    @property
    def needs_recording(self) -> bool:
        """What --missing records: everything but your own clips."""
        return self is not Status.RECORDED


def narration_steps(steps: tuple[Step, ...]) -> list[tuple[Narration, int, str]]:
    """Every narration step in written order, with how often it plays and its chapter.

    The order is the one `player.session.edit` counts steps in: repeats opened, not multiplied.
    """
    found: list[tuple[Narration, int, str]] = []
    chapter = ""

    def walk(items: tuple[Step, ...], weight: int) -> None:
        nonlocal chapter
        for step in items:
            if isinstance(step, Repeat):
                walk(step.steps, weight * step.count)
            elif isinstance(step, Chapter):
                chapter = step.title
            elif isinstance(step, Narration):
                found.append((step, weight, chapter))

    walk(steps, 1)
    return found


def lines_of(session: Session) -> tuple[Line, ...]:
    """The lines to record, in the order they are first heard, each said once."""
    groups: dict[tuple[str, str], list[tuple[int, Narration, int, str]]] = {}
    for ordinal, (step, weight, chapter) in enumerate(narration_steps(session.steps)):
        groups.setdefault(_said(step), []).append((ordinal, step, weight, chapter))
    width = max(2, len(str(len(groups))))
    lines: list[Line] = []
    taken = {step.clip.written for step, _, _ in narration_steps(session.steps) if step.clip}
    for number, members in enumerate(groups.values(), start=1):
        _, first, _, chapter = members[0]
        clip = first.clip.written if first.clip else None
        name = _free_name(number, width, slug_for(clip, first.text), session.name, clip, taken)
        lines.append(
            Line(
                number=number,
                text=first.text,
                clip=clip,
                ordinals=tuple(ordinal for ordinal, _, _, _ in members),
                plays=sum(weight for _, _, weight, _ in members),
                where=first.where,
                chapter=chapter,
                file_name=name,
            )
        )
    return tuple(lines)


def _said(step: Narration) -> tuple[str, str]:
    """What makes two steps one line: the same clip, or as drafts the same words."""
    if step.clip is not None:
        return ("clip", step.clip.written)
    return ("text", " ".join((step.text or "").split()))


def slug_for(clip: str | None, text: str | None) -> str:
    """A short name for a line: its clip's name without the number (01-arrive.ogg: arrive),
    or the first words of its text."""
    if clip:
        stem = PurePosixPath(clip.replace("\\", "/")).stem
        slug = slugify(re.sub(r"^\d+[-_. ]*", "", stem))
        if slug:
            return slug
    words = slugify(text or "").split("-")[:_SLUG_WORDS]
    return "-".join(words)[:_SLUG_CHARACTERS].strip("-") or "line"


def slugify(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:_SLUG_CHARACTERS].strip("-")


def clip_written(session_name: str, file_name: str) -> str:
    """How the session names a take: relative to the session file's folder."""
    return f"{session_name}/{VOICE_FOLDER}/{file_name}"


def _free_name(
    number: int, width: int, slug: str, session: str, own: str | None, taken: set[str]
) -> str:
    """NN-slug.flac, unless another line of the script already uses that clip."""
    for attempt in range(1, 100):
        suffix = "" if attempt == 1 else f"-{attempt}"
        name = f"{number:0{width}d}-{slug}{suffix}{CLIP_SUFFIX}"
        written = clip_written(session, name)
        if written == own or written not in taken:
            return name
    raise AssertionError("no free clip name")  # 99 lines cannot all name one file


class SelectionError(ValueError):
    """--only or --from names a line the script does not have."""


def select(
    lines: Sequence[Line],
    statuses: dict[int, Status],
    *,
    only: Iterable[int] = (),
    start: int | None = None,
    missing: bool = False,
) -> list[Line]:
    """The lines to record: --only N (any number of times), --from N, --missing, combined."""
    chosen = list(lines)
    wanted = sorted(set(only))
    for number in [*wanted, *([start] if start is not None else [])]:
        if not 1 <= number <= len(lines):
            raise SelectionError(
                f"there is no line {number}: the lines are numbered 1 to {len(lines)}"
            )
    if wanted:
        chosen = [line for line in chosen if line.number in wanted]
    if start is not None:
        chosen = [line for line in chosen if line.number >= start]
    if missing:
        chosen = [line for line in chosen if statuses[line.number].needs_recording]
    return chosen
