"""Signals belong to the command line: library code never installs a handler."""

from __future__ import annotations

import signal
from types import FrameType


def sigterm_as_keyboard_interrupt() -> None:
    """Make SIGTERM raise KeyboardInterrupt in the main thread, so cleanup code runs."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"received {signal.Signals(signum).name}")

    signal.signal(signal.SIGTERM, interrupt)
