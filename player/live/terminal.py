"""The terminal edge: keys in cbreak mode, a redrawn block of lines, and always a clean exit."""

from __future__ import annotations

import contextlib
import os
import select
import sys
from collections.abc import Iterator, Mapping
from enum import Enum
from typing import TextIO, TypeVar


class Key(Enum):
    PAUSE = "pause"
    NEXT = "next"
    BACK = "back"
    QUIT = "quit"


_SEQUENCES = {
    b" ": Key.PAUSE,
    b"n": Key.NEXT,
    b"N": Key.NEXT,
    b"\x1b[C": Key.NEXT,
    b"\x1bOC": Key.NEXT,
    b"p": Key.BACK,
    b"P": Key.BACK,
    b"\x1b[D": Key.BACK,
    b"\x1bOD": Key.BACK,
    b"q": Key.QUIT,
    b"Q": Key.QUIT,
}


K = TypeVar("K")


def parse_keys(data: bytes) -> list[Key]:
    """The keys in what the terminal sent; anything else is ignored."""
    return parse_with(data, _SEQUENCES)


def parse_with(data: bytes, table: Mapping[bytes, K]) -> list[K]:
    """The keys in what the terminal sent, as `table` names them; anything else is ignored."""
    keys: list[K] = []
    position = 0
    while position < len(data):
        for length in (3, 1):
            chunk = data[position : position + length]
            if chunk in table:
                keys.append(table[chunk])
                position += length
                break
        else:
            position += 1
    return keys


@contextlib.contextmanager
def cbreak(fd: int) -> Iterator[None]:
    """Keys arrive one by one without echo; Ctrl-C still interrupts. Always restored."""
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSAFLUSH, saved)


def read_keys(fd: int, timeout: float) -> list[Key]:
    return read_with(fd, timeout, _SEQUENCES)


def read_with(fd: int, timeout: float, table: Mapping[bytes, K]) -> list[K]:
    """The keys typed within `timeout` seconds, as `table` names them."""
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return []
    data = os.read(fd, 64)
    return parse_with(data, table)


class LiveArea:
    """A block of lines at the bottom of the terminal, redrawn in place."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.drawn = 0

    def __enter__(self) -> LiveArea:
        self.out.write("\x1b[?25l")  # hide the cursor
        return self

    def draw(self, lines: list[str]) -> None:
        parts = []
        if self.drawn:
            parts.append(f"\x1b[{self.drawn}F")
        for line in lines:
            parts.append("\x1b[2K" + line + "\n")
        self.out.write("".join(parts))
        self.out.flush()
        self.drawn = len(lines)

    def __exit__(self, *exc: object) -> None:
        self.out.write("\x1b[?25h")
        self.out.flush()


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def stdin_fd() -> int | None:
    try:
        return sys.stdin.fileno() if sys.stdin.isatty() else None
    except (AttributeError, ValueError, OSError):
        return None


def supports_unicode(stream: TextIO) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower()
    return "utf" in encoding
