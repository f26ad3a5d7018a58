"""What `meditate record` shows at a terminal, as plain lines: pure functions of a view."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from player.session.recording import Line

KEYS_HELP = "space start/stop   n/Enter keep   r redo   p play back   b back   q stop"
METER_FLOOR_DBFS = -60.0
TEXT_INDENT = 6
TEXT_WIDTH = 60
BOLD, PLAIN = "\x1b[1m", "\x1b[0m"


@dataclass(frozen=True)
class View:
    """Everything one picture shows."""

    title: str
    line: Line
    lines_in_script: int
    mode: str  # "calibrating", "waiting", "recording" or "review"
    silent: bool  # the take under review holds no voice
    level_dbfs: float  # the loudest 10 ms since the last picture
    seconds: float  # how long the take has run, or the finished take's length
    problems: tuple[str, ...]  # of the finished take
    message: str  # what just happened: "Kept line 1: ...", ...
    width: int
    unicode: bool
    text_height: int  # lines the text takes: the same for every line, so nothing jumps


def text_lines(text: str | None, width: int) -> list[str]:
    """The words to say, wrapped in a calm column."""
    column = max(20, min(TEXT_WIDTH, width - 2 * TEXT_INDENT))
    return textwrap.wrap(text or "(no text: say what this clip should say)", column)


def meter(level_dbfs: float, width: int, unicode: bool) -> str:
    """A bar from -60 dBFS to full scale, and the level in dB."""
    fraction = (level_dbfs - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS
    filled = round(max(0.0, min(1.0, fraction)) * width)
    full, empty = ("█", "░") if unicode else ("#", "-")
    shown = f"{level_dbfs:4.0f} dB" if level_dbfs > METER_FLOOR_DBFS else " -∞ dB"
    if not unicode:
        shown = shown.replace("∞", "inf")
    return f"{full * filled}{empty * (width - filled)} {shown}"


def picture(view: View) -> list[str]:
    """Title and line number, the words (bold), the meter, the state, the keys."""
    width = max(view.width, 40)
    line = view.line
    where = f"line {line.number} of {view.lines_in_script}"
    heard = f"heard {line.plays} times" if line.plays > 1 else ""
    head = "  ·  ".join(part for part in (view.title, where, line.chapter, heard) if part)
    words = text_lines(line.text, width)
    words += [""] * (view.text_height - len(words))
    indent = " " * TEXT_INDENT
    body = [f"{indent}{BOLD}{w}{PLAIN}" if w else "" for w in words]
    state = _state(view)
    note = view.message or (view.problems[0] if view.problems else "")
    keys = KEYS_HELP
    return [
        _fit(head, width),
        "",
        *body,
        "",
        "  " + meter(view.level_dbfs, min(40, width - 12), view.unicode),
        _fit("  " + state, width),
        _fit("  " + note, width),
        _fit(keys, width),
    ]


def _state(view: View) -> str:
    if view.mode == "calibrating":
        return "Listening to the room..."
    if view.mode == "waiting":
        return "Speak when you are ready (or press space to start)."
    dot = "●" if view.unicode else "*"
    if view.mode == "recording":
        return f"{dot} Recording {view.seconds:4.1f} s  (it ends after a pause; space ends it now)"
    if view.silent:
        return "Nothing to keep. r records it again."
    return f"Take of {view.seconds:.1f} s.  n keeps it, r records it again, p plays it back."


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
