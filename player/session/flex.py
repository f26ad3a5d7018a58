"""One script, any length: flexible silences stretch or shrink in proportion. Pure."""

from __future__ import annotations

import math
from dataclasses import dataclass

from player.common.errors import MeditateError
from player.session.model import Session, Silence, Step, step_seconds, weighted
from player.session.units import format_clock

TOLERANCE_SECONDS = 0.5


@dataclass(frozen=True)
class LengthRange:
    """The shortest and longest a session can be made; longest None when it has no limit."""

    natural: float
    shortest: float
    longest: float | None

    @property
    def flexible(self) -> bool:
        return self.longest is None or self.longest - self.shortest > TOLERANCE_SECONDS

    def describe(self) -> str:
        if not self.flexible:
            return format_clock(self.natural)
        top = format_clock(self.longest) if self.longest is not None else "any"
        return f"{format_clock(self.shortest)}-{top}"


def _fixed_seconds(step: Step) -> float:
    return 0.0 if isinstance(step, Silence) and step.flex else step_seconds(step)


def length_range(session: Session) -> LengthRange:
    fixed = natural = low = 0.0
    high: float | None = 0.0
    for step, weight in weighted(session.steps):
        fixed += weight * _fixed_seconds(step)
        if isinstance(step, Silence) and step.flex:
            natural += weight * step.seconds
            low += weight * step.min_seconds
            high = (
                None
                if high is None or step.max_seconds is None
                else high + weight * step.max_seconds
            )
    return LengthRange(fixed + natural, fixed + low, None if high is None else fixed + high)


def flex_durations(session: Session, target: float) -> dict[Silence, float]:
    """How long each flexible silence lasts so that the session lasts `target` seconds.

    Every flexible silence is scaled by one factor, each kept within its min and max.
    Raises MeditateError with the shortest and longest possible when `target` is out of reach.
    """
    span = length_range(session)
    flexes = {
        step: 0 for step, _ in weighted(session.steps) if isinstance(step, Silence) and step.flex
    }
    for step, weight in weighted(session.steps):
        if step in flexes:
            flexes[step] += weight
    out_of_reach = target < span.shortest - TOLERANCE_SECONDS or (
        span.longest is not None and target > span.longest + TOLERANCE_SECONDS
    )
    if not flexes or out_of_reach:
        if not flexes and abs(target - span.natural) <= TOLERANCE_SECONDS:
            return {}
        if not flexes:
            reason = "it has no flexible silences to stretch (mark some with flex: true)"
        else:
            top = format_clock(span.longest) if span.longest is not None else "any length"
            reason = f"it can last from {format_clock(span.shortest)} to {top}"
        raise MeditateError(f"--length {format_clock(target)} is out of reach: {reason}")
    wanted = target - (span.natural - sum(s.seconds * w for s, w in flexes.items()))

    def total(scale: float) -> float:
        return sum(w * _clamped(s, scale * s.seconds) for s, w in flexes.items())

    low, high = 0.0, 1.0
    while total(high) < wanted and high < 1e9:
        high *= 2
    for _ in range(100):
        middle = (low + high) / 2
        if total(middle) < wanted:
            low = middle
        else:
            high = middle
    return {silence: _clamped(silence, high * silence.seconds) for silence in flexes}


def _clamped(silence: Silence, seconds: float) -> float:
    top = silence.max_seconds if silence.max_seconds is not None else math.inf
    return min(max(seconds, silence.min_seconds), top)
