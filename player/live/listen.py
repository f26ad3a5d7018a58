"""The listening loop: drives a Player, reads keys, draws the display, reports how it ended."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from player.common.audio_format import SAMPLE_RATE
from player.live.player import Player
from player.live.screen import Moment, chapter_line, live_lines, waiting_line
from player.live.terminal import Key, LiveArea, cbreak, is_terminal, read_keys, supports_unicode

TICK_SECONDS = 0.1
QUIT_FADE_SECONDS = 1.5
COMPLETE_SHARE = 0.9  # of the session from where it began: skipping through is not completing


@dataclass(frozen=True)
class Listening:
    """How a sitting ended."""

    completed: bool  # played to the end, and nearly all of it heard
    reached_end: bool  # played to the end, however much was skipped
    quit: bool  # the listener pressed q
    interrupted: bool  # Ctrl-C or a signal
    position: int  # frame where it stopped
    seconds: float  # how much of the session was heard: pauses and skips not counted
    chapters: tuple[str, ...] = ()  # the chapters heard, at least in part, in order


def listen(
    player: Player,
    *,
    out: TextIO,
    keys_fd: int | None,
    start: int = 0,
    width: int = 80,
    started: Callable[[], None] | None = None,
    open_ended: bool = False,
) -> Listening:
    """Play from `start` until the end, `q`, or Ctrl-C; the terminal is always restored.

    Waiting for a narrator speaking ahead is said once: on the live display while it lasts,
    or in a plain line."""
    live = is_terminal(out)
    unicode = supports_unicode(out)
    quit_pressed = interrupted = False
    stopped_at: int | None = None
    last_chapter: int | None = None
    said_waiting = False
    keys_mode = cbreak(keys_fd) if keys_fd is not None else contextlib.nullcontext()
    area = LiveArea(out) if live else None
    with keys_mode, area if area else contextlib.nullcontext():
        try:
            player.start(start)
            if started is not None:
                started()
            while not player.finished():
                for key in read_keys(keys_fd, TICK_SECONDS) if keys_fd is not None else _idle():
                    if key is Key.QUIT:
                        quit_pressed = True
                    elif key is Key.PAUSE:
                        player.toggle_pause()
                    elif key is Key.NEXT:
                        player.next_chapter()
                    elif key is Key.BACK:
                        player.previous_chapter()
                if quit_pressed:
                    stopped_at = player.position()
                    _fade_away(player, keys_fd)
                    break
                player.keep_up()
                position = player.position()
                timeline = player.timeline
                if area:
                    area.draw(
                        live_lines(
                            timeline,
                            Moment(position, player.paused, player.waiting),
                            width,
                            unicode=unicode,
                            open_ended=open_ended,
                        )
                    )
                else:
                    chapter = timeline.chapter_at(position)
                    if chapter != last_chapter and chapter >= 0:
                        out.write(chapter_line(timeline, position) + "\n")
                        out.flush()
                    last_chapter = chapter
                    if player.waiting and not said_waiting:
                        out.write(waiting_line(player.waits[-1].frame) + "\n")
                        out.flush()
                        said_waiting = True
        except KeyboardInterrupt:
            interrupted = True
        finally:
            position = player.position() if stopped_at is None else stopped_at
            player.stop()
    timeline = player.timeline
    reached_end = not (quit_pressed or interrupted)
    if reached_end:
        position = timeline.length
    spans = player.heard_spans()
    heard = sum(end - begin for begin, end in spans)
    completed = reached_end and heard >= COMPLETE_SHARE * (timeline.length - start)
    chapters = tuple(
        mark.title
        for mark in timeline.chapters
        if any(begin < mark.end and end > mark.start for begin, end in spans)
    )
    return Listening(
        completed, reached_end, quit_pressed, interrupted, position, heard / SAMPLE_RATE, chapters
    )


def _fade_away(player: Player, keys_fd: int | None) -> None:
    """On q the sound fades out, beds and all, rather than stopping dead; q again is at once."""
    silent = player.fade_out(QUIT_FADE_SECONDS)
    while player.position() < silent and not player.finished():
        keys = read_keys(keys_fd, TICK_SECONDS) if keys_fd is not None else _idle()
        if Key.QUIT in keys:
            return


def _idle() -> list[Key]:
    time.sleep(TICK_SECONDS)
    return []
