"""Where a page's audio stands: found in the cache, being rendered, or not to be had, for a
session as the listener chose it or for a timer.

A session whose narration is spoken from text (drafts, or another narrator) is prepared in
its render job, since speaking takes a while; any other is prepared at once, which is quick,
so a page knows its chapters and words, and its audio when the cache holds it, straight away.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from player.common.cache import Cache, key_of
from player.common.errors import MeditateError
from player.common.paths import user_data_path
from player.output.captions import caption_cues
from player.prepare.session import prepare_session
from player.session.model import Session
from player.session.timeline import Timeline, compile_timeline
from player.session.timer import ring_out_in, timer_session
from player.sound.render import RenderOptions
from player.web.choice import SessionChoice, TimerChoice
from player.web.narrator import needs_speaking, spoken
from player.web.player_section import Stage
from player.web.render_process import Audio
from player.web.renders import Busy, RenderBoard


def session_stage(
    board: RenderBoard, cache: Cache, session: Session, choice: SessionChoice
) -> Stage:
    """The audio of `session` as `choice` asks. Raises SessionError for a script that cannot
    be prepared, MeditateError for a length out of reach."""
    options = choice.options()
    if needs_speaking(session, choice.narrator):
        stamp = _stamp(session.path)
        identity = key_of("spoken", str(session.path), stamp, repr(choice))

        def audio() -> Audio:
            return spoken(session, choice.narrator, choice.length, cache)

        return _started(board, identity, session.title, audio, options, None)
    timeline = compile_timeline(prepare_session(session, cache), choice.length)
    return _ready_or_started(board, timeline, options)


def timer_stage(board: RenderBoard, cache: Cache, choice: TimerChoice) -> Stage:
    """The audio of the timer `choice` asks for (built-in sounds only, so it is quick to
    prepare). Raises MeditateError for a timer that cannot be."""
    session = timer_session(choice.plan(), user_data_path())
    timeline = compile_timeline(prepare_session(session, cache))
    audio = Audio(timeline, ends_at=ring_out_in(timeline.chapters))
    return _ready_or_started(board, timeline, RenderOptions(), audio)


def _ready_or_started(
    board: RenderBoard, timeline: Timeline, options: RenderOptions, audio: Audio | None = None
) -> Stage:
    audio = audio or Audio(timeline)
    identity = board.key(audio, options)
    found = board.cached(audio, identity)
    if found is not None:
        return Stage(render=found)
    title = timeline.session.title
    return _started(board, identity, title, lambda: audio, options, timeline)


def _started(
    board: RenderBoard,
    identity: str,
    title: str,
    make: Callable[[], Audio],
    options: RenderOptions,
    timeline: Timeline | None,
) -> Stage:
    known = (timeline.chapters, caption_cues(timeline)) if timeline else ((), ())
    try:
        job = board.start(identity, title, make, options)
    except Busy as error:
        return Stage(error=f"Not now: {error}.", chapters=known[0], cues=known[1])
    if job.render is not None:
        return Stage(render=job.render)
    if job.error is not None:
        return Stage(error=_failure(job.error), chapters=known[0], cues=known[1])
    return Stage(job=job, chapters=known[0], cues=known[1])


def _failure(error: str) -> str:
    return f"This cannot be played: {error}"


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = os.stat(path)
    except OSError as error:
        raise MeditateError(f"{path} cannot be read: {error.strerror}") from None
    return info.st_size, info.st_mtime_ns
