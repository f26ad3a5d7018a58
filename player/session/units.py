"""Parsing and formatting of the quantities a session is written in: durations and decibels."""

from __future__ import annotations

import math
import re

_UNIT_SECONDS = {
    "ms": 0.001,
    "msec": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "m": 60.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hrs": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
}
_NUMBER = r"\d+(?:\.\d*)?|\.\d+"
_PART = re.compile(rf"\s*({_NUMBER})\s*([a-z]+)\s*")
_CLOCK = re.compile(r"(?:(\d+):)?(\d+):(\d{2}(?:\.\d*)?)")
_DECIBELS = re.compile(rf"([+-]?(?:{_NUMBER}))\s*(?:db)?", re.IGNORECASE)

DURATION_HELP = "a duration such as 20s, 2m, 1m30s, 1h, 500ms, 1:30 or 1.5 (seconds)"
DECIBELS_HELP = "a level in decibels such as -24 dB, +3 dB or -24"


def parse_duration(text: str | float | int) -> float:
    """Seconds from `20s`, `2m`, `1m30s`, `1h`, `500ms`, `1:30`, `1:02:03`, `1.5` or a number.

    Raises ValueError for anything else, including negative and non-finite values.
    """
    if isinstance(text, bool):
        raise ValueError(f"expected {DURATION_HELP}")
    if isinstance(text, (int, float)):
        return _finite(float(text))
    value = text.strip().lower()
    if value.startswith("-"):
        raise ValueError(f"a duration cannot be negative (got {text.strip()})")
    if re.fullmatch(_NUMBER, value):
        return _finite(float(value))
    clock = _CLOCK.fullmatch(value)
    if clock:
        hours, minutes, seconds = clock.groups()
        if hours is not None and int(minutes) >= 60:
            raise ValueError(f"expected {DURATION_HELP}")
        return int(hours or 0) * 3600.0 + int(minutes) * 60.0 + float(seconds)
    return _finite(_sum_of_parts(value))


def parse_minutes(text: str) -> float:
    """Seconds from a duration as a timer takes it: as `parse_duration`, but a bare number is
    minutes (`10` is ten minutes; `10s` is ten seconds). Raises ValueError likewise."""
    value = text.strip().lower()
    if re.fullmatch(_NUMBER, value):
        return _finite(float(value) * 60.0)
    return parse_duration(text)


def _sum_of_parts(value: str) -> float:
    total = 0.0
    position = 0
    seen_units: set[float] = set()
    while position < len(value):
        part = _PART.match(value, position)
        if not part or part.group(2) not in _UNIT_SECONDS:
            raise ValueError(f"expected {DURATION_HELP}")
        scale = _UNIT_SECONDS[part.group(2)]
        if seen_units and scale >= min(seen_units):
            raise ValueError(f"expected {DURATION_HELP}, largest unit first")
        seen_units.add(scale)
        total += float(part.group(1)) * scale
        position = part.end()
    if not seen_units:
        raise ValueError(f"expected {DURATION_HELP}")
    return total


def _finite(seconds: float) -> float:
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative (got {seconds:g})")
    if not math.isfinite(seconds):
        raise ValueError(f"expected {DURATION_HELP}")
    return seconds


def parse_decibels(text: str | float | int) -> float:
    """Decibels from `-24 dB`, `-24dB`, `+3 dB`, `-24` or a number. Raises ValueError otherwise."""
    if isinstance(text, bool):
        raise ValueError(f"expected {DECIBELS_HELP}")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        match = _DECIBELS.fullmatch(text.strip())
        if not match:
            raise ValueError(f"expected {DECIBELS_HELP}")
        value = float(match.group(1))
    if not math.isfinite(value):
        raise ValueError(f"expected {DECIBELS_HELP}")
    return value


def format_clock(seconds: float) -> str:
    """`m:ss` below an hour, `h:mm:ss` from an hour on; rounded to the nearest second."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def format_duration(seconds: float) -> str:
    """The shortest readable form a session would use: `20s`, `2m`, `1m30s`, `1.5s`, `500ms`."""
    if seconds < 1 and seconds > 0:
        return f"{seconds * 1000:g}ms"
    whole_minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(int(whole_minutes), 60)
    parts = []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if secs or not parts:
        parts.append(f"{round(secs, 3):g}s")
    return "".join(parts)
