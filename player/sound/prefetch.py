"""Sounds made in a background thread before the renderer needs them.

A clip is decoded by an ffmpeg process; while one decodes, the renderer can go on mixing
what comes before it instead of waiting, and the encoder of an export or the device of a
playback is not left without sound. What a job raises is raised where its sound is taken.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")


class Prefetch(Generic[T]):
    """Runs jobs one at a time, in order, in a daemon thread (it never holds up an exit)."""

    def __init__(self, limit: int = 4) -> None:
        self.limit = limit  # jobs waiting or done, not yet taken
        self._futures: dict[object, Future[T]] = {}
        self._jobs: queue.SimpleQueue[tuple[Future[T], Callable[[], T]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def ask(self, key: object, make: Callable[[], T]) -> None:
        """Start making the value for `key`, unless it is asked for already or too many are
        being made; values made but never taken (the listener skipped them) make way."""
        if key in self._futures:
            return
        if len(self._futures) >= self.limit:
            done = next((old for old, future in self._futures.items() if future.done()), None)
            if done is None:
                return
            del self._futures[done]
        future: Future[T] = Future()
        self._futures[key] = future
        self._jobs.put((future, make))
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, daemon=True)
            self._thread.start()

    def take(self, key: object, make: Callable[[], T]) -> T:
        """The value for `key`: waited for if asked for, else made here and now."""
        future = self._futures.pop(key, None)
        return make() if future is None else future.result()

    def _work(self) -> None:
        while True:
            future, make = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(make())
            except BaseException as error:  # handed over by take()
                future.set_exception(error)
