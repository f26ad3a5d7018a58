"""What the live display shows, as plain lines: pure functions of the timeline and position."""

from __future__ import annotations

import bisect
import math
import textwrap
from dataclasses import dataclass

from player.common.audio_format import SAMPLE_RATE
from player.session.model import Narration, flatten
from player.session.timeline import Event, EventKind, Timeline
from player.session.units import format_clock

KEYS_HELP = "space pause   n/→ next chapter   p/← back   q quit"
FADING_HELP = "q again stops at once"
FIXED_ROWS = 4  # title, chapter, time and keys: the caption has the rest of the terminal


@dataclass(frozen=True)
class Moment:
    """Where the listener is: what the display needs to draw one picture."""

    position: int
    paused: bool
    fading: bool = False  # q was pressed: the sound is fading out before it stops
    waiting: bool = False  # for the narrator to speak what comes next


@dataclass(frozen=True)
class Layout:
    """How the display is drawn: its size and characters, and the kind of sitting it shows."""

    width: int = 80
    rows: int = 24
    unicode: bool = True
    open_ended: bool = False  # a sitting until q: the time sat, nothing counted down
    ends_at: int | None = None  # a timer's end (a frame): after it the end bell rings out


def narration_at(timeline: Timeline, frame: int) -> Event | None:
    index = bisect.bisect_right(timeline.starts, frame) - 1
    if index < 0:
        return None
    event = timeline.events[index]
    if event.kind is EventKind.NARRATION and event.start <= frame < event.end:
        return event
    return None


def chapter_title(timeline: Timeline, frame: int) -> str:
    """The title of the chapter playing at `frame`; empty in a session without chapters."""
    index = timeline.chapter_at(frame)
    return timeline.chapters[index].title if index >= 0 else ""


def progress_bar(fraction: float, width: int, unicode: bool) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    if unicode:
        return "━" * filled + "─" * (width - filled)
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def elapsed_clock(frames: int) -> str:
    """Time gone by as a clock shows it: a second is shown once it has passed."""
    return format_clock(math.floor(frames / SAMPLE_RATE))


def remaining_clock(frames: int) -> str:
    """Time left as a countdown shows it: 0:00 only at the end."""
    return format_clock(math.ceil(frames / SAMPLE_RATE - 1e-9))


class LiveScreen:
    """The picture of the live display at each moment: title, chapter, the words being
    spoken (wrapped to the width, in as many rows as the longest words of the session take,
    so the picture keeps its height), the time with a bar, and the keys."""

    def __init__(self, timeline: Timeline, layout: Layout) -> None:
        self.timeline = timeline
        self.layout = layout
        self.width = max(layout.width, 30)
        self.caption_rows = self._caption_rows()

    def lines(self, moment: Moment, timeline: Timeline | None = None) -> list[str]:
        """The picture at `moment`, of `timeline` when it has grown since (a narrator
        placing what it has spoken)."""
        if timeline is not None:
            self.timeline = timeline
        layout, timeline = self.layout, self.timeline
        index = timeline.chapter_at(moment.position)
        count = len(timeline.chapters)
        chapter = chapter_title(timeline, moment.position)
        counted = index >= 0 and count and not layout.open_ended  # an open sitting's bells
        where = f"Chapter {index + 1}/{count}: {chapter}" if counted else chapter
        keys = FADING_HELP if moment.fading else KEYS_HELP
        if not layout.unicode:
            keys = keys.replace("→", "right").replace("←", "left")
        return [
            _fit(timeline.session.title, self.width),
            _fit(where, self.width),
            *self._caption(moment.position),
            self._time(moment),
            _fit(keys, self.width),
        ]

    def _time(self, moment: Moment) -> str:
        state = (
            "  fading out"
            if moment.fading
            else "  paused"
            if moment.paused
            else "  waiting for the voice"
            if moment.waiting
            else ""
        )
        position = moment.position
        if self.layout.open_ended:
            return f"{elapsed_clock(position)} sat, until you press q{state}"
        end = self.layout.ends_at if self.layout.ends_at is not None else self.timeline.length
        if position < end or end == self.timeline.length:
            elapsed, left = elapsed_clock(position), f"-{remaining_clock(end - position)}"
        else:  # a timer's time is up: what plays is its end bell ringing out
            elapsed, left = format_clock(end / SAMPLE_RATE), "+ ring-out"
        bar_width = max(self.width - len(elapsed) - len(left) - 4 - len(state), 10)
        fraction = position / end if end else 1.0
        return f"{elapsed} {progress_bar(fraction, bar_width, self.layout.unicode)} {left}{state}"

    def _caption(self, position: int) -> list[str]:
        narration = narration_at(self.timeline, position)
        text = self._quoted(narration.text) if narration and narration.text else ""
        wrapped = _wrap(text, self.width)
        rows = self.caption_rows
        if len(wrapped) > rows:  # only where the terminal is too low for all the words
            wrapped = [*wrapped[: rows - 1], _fit(" ".join(wrapped[rows - 1 :]), self.width)]
        return wrapped + [""] * (rows - len(wrapped))

    def _caption_rows(self) -> int:
        """Rows for the words: as many as the longest caption takes, within the terminal."""
        if self.layout.open_ended:
            return 1
        # from the script, not the timeline: a narrator places its lines only once spoken
        steps = flatten(self.timeline.session.steps)
        texts = {step.text for step in steps if isinstance(step, Narration) and step.text}
        tallest = max((len(_wrap(self._quoted(text), self.width)) for text in texts), default=1)
        return max(1, min(tallest, self.layout.rows - FIXED_ROWS - 1))

    def _quoted(self, text: str) -> str:
        return f"“{text}”" if self.layout.unicode else f'"{text}"'


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def chapter_line(timeline: Timeline, frame: int) -> str:
    """One plain line for a chapter starting, when the output is not a terminal."""
    return f"{format_clock(frame / SAMPLE_RATE)}  {chapter_title(timeline, frame)}"


def waiting_line(frame: int) -> str:
    """The plain line said the first time playback waits for the narrator."""
    return (
        f"{format_clock(frame / SAMPLE_RATE)}  waiting for the voice: it is still speaking "
        "what comes next"
    )
