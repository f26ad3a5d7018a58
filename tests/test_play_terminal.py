"""The live display and keys, run under a real pseudo-terminal; the terminal is always restored.

Sound goes to MEDITATE_DEVICE=silent, a device that keeps real time without a sound card.
"""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import sys
import termios
import time
from pathlib import Path

import pytest

# First and Second outlast any test, so only a key can move on from them.
SESSION = """
title: Keys Test
steps:
  - chapter: First
  - silence: 10m
  - chapter: Second
  - silence: 10m
  - chapter: Third
  - silence: 6s
"""
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    """A child process on a pseudo-terminal: type keys, read what it shows."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child
            os.execvpe(args[0], args, env)
        self.pid, self.fd = pid, fd
        self.raw = b""
        self.since = 0  # read_until looks at what was shown from here on: after the last key
        self.initial = termios.tcgetattr(fd)

    def read_until(self, text: str | re.Pattern[str], timeout: float = 60.0) -> str:
        """What was shown since the last key, once it holds `text` (or matches it)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = ANSI.sub(b"", self.raw[self.since :]).decode("utf-8", "replace")
            if text in screen if isinstance(text, str) else text.search(screen):
                return screen
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    self.raw += os.read(self.fd, 65536)
                except OSError:
                    break
        raise AssertionError(f"{text!r} never appeared; screen was:\n{screen[-2000:]}")

    def type(self, keys: str | bytes) -> None:
        while select.select([self.fd], [], [], 0)[0]:  # what was shown before the key
            try:
                self.raw += os.read(self.fd, 65536)
            except OSError:
                break
        self.since = len(self.raw)
        os.write(self.fd, keys.encode() if isinstance(keys, str) else keys)

    def finish(self, timeout: float = 120.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                if select.select([self.fd], [], [], 0.1)[0]:
                    with contextlib.suppress(OSError):
                        self.raw += os.read(self.fd, 65536)
                return os.waitstatus_to_exitcode(status)
            try:
                if select.select([self.fd], [], [], 0.05)[0]:
                    self.raw += os.read(self.fd, 65536)
            except OSError:
                pass
        os.kill(self.pid, 9)
        raise AssertionError("the player did not exit")

    def restored(self) -> bool:
        lflag = termios.tcgetattr(self.fd)[3]
        was = self.initial[3]
        keys = termios.ICANON | termios.ECHO
        cursor_shown = self.raw.rfind(b"\x1b[?25h") > self.raw.rfind(b"\x1b[?25l")
        return (lflag & keys) == (was & keys) and cursor_shown


@pytest.fixture
def terminal(write_session, tmp_path: Path):
    session = write_session(SESSION)
    env = {**os.environ, "MEDITATE_DEVICE": "silent", "COLUMNS": "80", "LINES": "24"}
    args = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]
    return lambda *extra: Terminal([*args, "play", str(session), *extra], env)


def test_the_display_shows_title_chapter_and_time_and_keys_work(terminal) -> None:
    term = terminal()
    screen = term.read_until("Chapter 1/3: First")
    assert "Keys Test" in screen and "space pause" in screen
    term.type(" ")
    term.read_until("paused")
    term.type(" ")
    term.read_until(re.compile(r"-\d+:\d\d\r?\n"))  # the clock line without "paused"
    term.type("n")
    term.read_until("Chapter 2/3: Second")
    term.type("\x1b[C")  # right arrow
    term.read_until("Chapter 3/3: Third")
    term.type("p")  # just started: back to the previous chapter
    term.read_until("Chapter 2/3: Second")
    term.type("q")
    assert term.finish() == 0
    screen = ANSI.sub(b"", term.raw).decode()
    assert "Stopped in 'Second' at 10:0" in screen
    # played by its path, so the path is what plays it again
    assert re.search(r"To go on: meditate play /\S+/session\.yaml --from 10:0\d", screen)
    assert term.restored()


def test_ctrl_c_stops_restores_the_terminal_and_says_how_to_resume(terminal) -> None:
    term = terminal("--from", "Second")
    term.read_until("Chapter 2/3: Second")
    term.type(b"\x03")
    assert term.finish() == 130
    screen = ANSI.sub(b"", term.raw).decode()
    assert re.search(
        r"Stopped in 'Second' at 10:\d\d\. To go on: meditate play /\S+ --from 10:", screen
    )
    assert term.restored()


def test_it_plays_to_the_end_and_says_so(terminal) -> None:
    term = terminal("--from", "Third")
    assert term.finish() == 0
    assert "Finished Keys Test." in ANSI.sub(b"", term.raw).decode()
    assert term.restored()


def test_a_killed_player_still_restores_the_terminal(terminal) -> None:
    import signal

    term = terminal()
    term.read_until("Chapter 1/3: First")
    os.kill(term.pid, signal.SIGTERM)
    assert term.finish() == 130
    assert "Stopped in 'First'" in ANSI.sub(b"", term.raw).decode()
    assert term.restored()
