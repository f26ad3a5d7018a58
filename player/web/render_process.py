"""One render in a process of its own, so that what rendering takes (numpy's arrays, decoded
clips, made beds) is given back when it ends and a long-running server stays small, and so
that it never competes with the server's requests for Python's lock.

The process is started fresh (spawn), renders with `meditate export`'s own code straight into
the cache (atomically), and reports the frames it has rendered through shared memory. Asked
to stop, or stopped by Ctrl-C at the terminal, it stops at its next block and removes what it
was writing.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from player.common.cache import Cache
from player.common.errors import MeditateError
from player.output.export import export
from player.session.timeline import Timeline
from player.sound.render import RenderOptions

_CONTEXT = multiprocessing.get_context("spawn")
_POLL_SECONDS = 0.1
_STOPPED = "stopped"


class RenderStopped(Exception):
    """The render was asked to stop: nothing of it is left behind."""


@dataclass(frozen=True)
class Audio:
    """What a render makes into a file, as `meditate export` makes it: a placed timeline and,
    when a narrator spoke its narration (--voice), the plan that levels it and the narrator's
    name for the tags."""

    timeline: Timeline
    plan: Timeline | None = None
    narrator: str | None = None
    ends_at: int | None = None  # a timer's end bell (a frame): what follows is its ring-out


def render_apart(
    audio: Audio,
    options: RenderOptions,
    target: tuple[Path, str, str, str],
    progress: Callable[[int], None],
    stopping: threading.Event,
) -> None:
    """Render `audio` into the cache file `target` (cache root, kind, key, suffix) in a
    process of its own, calling `progress` with the frames rendered so far. Raises
    RenderStopped once `stopping` is set, MeditateError when the render fails."""
    done = _CONTEXT.Value("q", 0, lock=False)  # one writer: the render
    stop = _CONTEXT.Event()
    answers, answer = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(
        target=_render, args=(audio, options, target, done, stop, answer), daemon=True
    )
    process.start()
    answer.close()
    try:
        while process.is_alive():
            process.join(_POLL_SECONDS)
            progress(int(done.value))
            if stopping.is_set():
                stop.set()
        outcome = answers.recv() if answers.poll() else f"it ended with status {process.exitcode}"
    finally:
        stop.set()
        process.join()
        answers.close()
    if outcome == _STOPPED:
        raise RenderStopped
    if outcome is not None:
        raise MeditateError(outcome)


def _render(
    audio: Audio,
    options: RenderOptions,
    target: tuple[Path, str, str, str],
    done: Any,
    stop: Any,
    answer: Connection,
) -> None:
    """In the render's process: the file, then None, or what went wrong, told by `answer`."""
    root, kind, key, suffix = target
    cache = Cache(root)

    def advance(frames: int) -> None:
        if stop.is_set():
            raise RenderStopped
        done.value += frames

    try:
        with cache.storing(kind, key, suffix) as partial:
            export(
                audio.timeline, partial, options=options, force=True, progress=advance,
                plan=audio.plan, narrator=audio.narrator,
            )  # fmt: skip
        cache.save()
        answer.send(None)
    except (RenderStopped, KeyboardInterrupt):  # asked, or Ctrl-C at the terminal
        answer.send(_STOPPED)
    except MeditateError as error:
        answer.send(str(error))
    finally:
        answer.close()
