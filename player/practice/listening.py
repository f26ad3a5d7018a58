"""What a sitting heard, by one rule wherever it was played (at the terminal or in a browser):
the parts played, each once, and whether that completes the session. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from player.common.spans import merge_spans

COMPLETE_SHARE = 0.9  # of the session from where it began: skipping through is not completing


class Marked(Protocol):
    """A chapter on the session's clock, in frames (player.session.timeline.ChapterMark)."""

    @property
    def title(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@dataclass(frozen=True)
class Heard:
    frames: int  # how much of the session was played, each part once
    completed: bool  # played to the end with nearly all of it heard
    chapters: tuple[str, ...]  # the chapters heard, at least in part, in order


def judge(
    spans: Iterable[tuple[int, int]],
    *,
    length: int,
    chapters: Sequence[Marked],
    reached_end: bool,
    start: int = 0,
    ends_at: int | None = None,
) -> Heard:
    """What was heard of a session `length` frames long, begun at frame `start`, from the
    spans played (in any order, overlapping or not: each part counts once). Where the
    practice `ends_at` a frame before the sound does (a timer's end bell, then its ring-out),
    what follows it neither counts as time sat nor is needed to complete."""
    merged = merge_spans((max(begin, 0), min(end, length)) for begin, end in spans)
    end = length if ends_at is None else min(ends_at, length)
    heard = sum(min(last, end) - first for first, last in merged if first < end)
    completed = reached_end and heard >= COMPLETE_SHARE * max(end - start, 0)
    reached = tuple(
        mark.title
        for mark in chapters
        if any(begin < mark.end and end > mark.start for begin, end in merged)
    )
    return Heard(heard, completed, reached)
