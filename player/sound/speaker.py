"""Speaks a session's narration in a background thread while it plays: the clips in the order
they are heard, the next first, each through the engine's own process and kept in the cache
whole, or not at all.

The first clip is spoken on its own, so that it is ready soonest; then batches of more and
more words, so that an engine that loads its voice for every run (Piper) loads it a few
times, not once a clip. `close` stops the engine's process at once (Ctrl-C, q): the clip it
was speaking is not kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from player.common.cache import Cache
from player.sound import pacing
from player.sound.engines.base import stop_engines
from player.sound.speech import Ready, make_clips

FIRST_WORDS = 12  # words in the second batch; each batch after has twice as many, up to
MOST_WORDS = 400


class Speaker:
    """Speaks `lines` (text and the file its clip is kept in, in the order they are heard)
    with `ready`, in a thread, calling `spoken(file)` as each clip is kept."""

    def __init__(
        self,
        ready: Ready,
        lines: Sequence[tuple[str, Path]],
        cache: Cache,
        spoken: Callable[[Path], None],
    ) -> None:
        self.ready = ready
        self.cache = cache
        self.spoken = spoken
        self.waiting = [(text, target) for text, target in lines if not target.is_file()]
        self.failure: BaseException | None = None  # what stopped it, raised where it is needed
        self.failed_on: Path | None = None  # the clip it was speaking when it failed
        self._stopping = threading.Event()
        self._started = False
        self._thread = threading.Thread(target=self._run, name="speaker", daemon=True)

    def start(self) -> None:
        """Start speaking (once; again does nothing)."""
        if self.waiting and not self._started:
            self._started = True
            self._thread.start()

    @property
    def busy(self) -> bool:
        return self._thread.is_alive()

    def close(self) -> None:
        """Stop speaking: the engine's process is ended, the thread waited for."""
        self._stopping.set()
        if self._thread.is_alive():
            stop_engines()
            self._thread.join(timeout=10.0)

    def _run(self) -> None:
        words = FIRST_WORDS
        batch_size = 1
        while self.waiting and not self._stopping.is_set():
            batch = self._next_batch(batch_size, words)
            try:
                self._speak(batch)
            except BaseException as error:
                if not self._stopping.is_set():
                    self.failure = error
                    self.failed_on = batch[0][1]
                    self.spoken(batch[0][1])  # so that whoever waits for it hears
                return
            del self.waiting[: len(batch)]
            batch_size = 0
            words = min(2 * words, MOST_WORDS)

    def _next_batch(self, count: int, words: int) -> list[tuple[str, Path]]:
        """The next `count` clips, or (count 0) the next clips up to `words` words."""
        batch: list[tuple[str, Path]] = []
        total = 0
        for text, target in self.waiting:
            full = len(batch) >= count if count else total >= words
            if batch and full:
                break
            batch.append((text, target))
            total += pacing.words(text)
        return batch

    def _speak(self, batch: list[tuple[str, Path]]) -> None:
        paced = [pacing.paced_phrases(text) for text, _ in batch]
        targets = [target for _, target in batch]
        make_clips(self.ready, paced, targets, self.cache)
        for target in targets:
            if self._stopping.is_set():
                return
            self.spoken(target)
