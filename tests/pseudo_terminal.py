"""A child process on a real pseudo-terminal, for the tests of live displays and keys."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import struct
import termios
import time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    """A child process on a pseudo-terminal: type keys, read what it shows."""

    def __init__(self, args: list[str], env: dict[str, str], columns: int = 80) -> None:
        env = {**env, "COLUMNS": str(columns), "LINES": "24"}
        pid, fd = pty.fork()
        if pid == 0:  # the child
            os.execvpe(args[0], args, env)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
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

    def shown(self) -> str:
        """Everything shown so far, without the terminal's control sequences."""
        return ANSI.sub(b"", self.raw).decode("utf-8", "replace")
