"""Signals belong to the command line: library code never installs a handler."""

from __future__ import annotations

import signal
from types import FrameType


def sigterm_as_keyboard_interrupt() -> None:
    """Make SIGTERM raise KeyboardInterrupt in the main thread, so cleanup code runs."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"received {signal.Signals(signum).name}")

    signal.signal(signal.SIGTERM, interrupt)


def stop_worker_once() -> None:
    """For an export worker: the first SIGINT or SIGTERM stops its work with KeyboardInterrupt,
    so the partial file is removed; later ones are ignored, so they cannot cut that short
    (Ctrl-C reaches the worker, then the parent stops it with SIGTERM). A worker between
    tasks has nothing to clean up and leaves quietly."""

    def stop(signum: int, frame: FrameType | None) -> None:
        from player.output.batch import worker_busy

        # a handler that does nothing rather than SIG_IGN: a signal already on its way when
        # SIG_IGN is set makes Python print a warning
        signal.signal(signal.SIGINT, _ignore)
        signal.signal(signal.SIGTERM, _ignore)
        if not worker_busy():
            raise SystemExit(130)
        raise KeyboardInterrupt(f"received {signal.Signals(signum).name}")

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def _ignore(signum: int, frame: FrameType | None) -> None:
    pass
