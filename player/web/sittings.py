"""A sitting in the browser, logged in the practice log by the rules of the command line: what
was heard (the parts played, each once, as the browser's own player reports them), whether
that completes the session, and nothing stopped within its first minute."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from player.common.audio_format import SAMPLE_RATE
from player.common.clock import now
from player.practice.history import Sitting, record, worth_logging
from player.practice.listening import judge
from player.session.units import format_clock
from player.web.renders import Render

MAX_SPANS = 1000  # a browser merges what was played: a real report holds a handful
MAX_ELAPSED = 2 * 24 * 3600.0


class BadReport(ValueError):
    """A report the page's script would never send."""


@dataclass(frozen=True)
class Report:
    """What the page says of a sitting: the parts played, in seconds of the audio; whether it
    played to the end; and the seconds since it began."""

    spans: tuple[tuple[float, float], ...]
    ended: bool
    elapsed: float


def read_report(data: Any) -> Report:
    """The report in a page's JSON. Raises BadReport."""
    if not isinstance(data, dict):
        raise BadReport("expected an object")
    spans = data.get("spans")
    if not isinstance(spans, list) or len(spans) > MAX_SPANS:
        raise BadReport("spans: expected a list of [start, end]")
    pairs = []
    for span in spans:
        if not (isinstance(span, list) and len(span) == 2 and all(_number(v) for v in span)):
            raise BadReport("spans: expected a list of [start, end]")
        pairs.append((float(span[0]), float(span[1])))
    ended, elapsed = data.get("ended"), data.get("elapsed", 0.0)
    if not isinstance(ended, bool) or not _number(elapsed):
        raise BadReport("ended and elapsed: expected true or false and seconds")
    return Report(tuple(pairs), ended, min(max(float(elapsed), 0.0), MAX_ELAPSED))


def log_sitting(render: Render, report: Report, log: Path) -> str:
    """Record the sitting if it counts as practice; what to tell the listener. Raises
    MeditateError when the log cannot be written."""
    frames = [(round(a * SAMPLE_RATE), round(b * SAMPLE_RATE)) for a, b in report.spans]
    ends_at = render.ends_at  # a timer is over at its end bell, as at the terminal
    heard = judge(
        frames,
        length=render.frames,
        chapters=render.chapters,
        reached_end=report.ended or (ends_at is not None and _reached(frames, ends_at)),
        ends_at=ends_at,
    )
    seconds = heard.frames / SAMPLE_RATE
    if not worth_logging(seconds, heard.completed):
        return f"Not logged: {format_clock(seconds)} heard, under a minute."
    began = now() - datetime.timedelta(seconds=report.elapsed)
    sitting = Sitting(
        began,
        render.name,
        render.title,
        seconds,
        heard.completed,
        heard.chapters,
        render.frames / SAMPLE_RATE,
    )
    record(log, sitting)
    state = "completed" if heard.completed else "stopped"
    return f"Logged in your practice: {format_clock(seconds)} of {render.title}, {state}."


def _reached(spans: list[tuple[int, int]], frame: int) -> bool:
    return any(end >= frame for _, end in spans)


def _number(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) < 1e9
    )
