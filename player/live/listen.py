"""The listening loop: drives a Player, reads keys, draws the display, reports how it ended."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from player.common.audio_format import SAMPLE_RATE
from player.live.player import Player
from player.live.screen import Layout, LiveScreen, Moment, chapter_line, waiting_line
from player.live.terminal import Key, LiveArea, cbreak, is_terminal, read_keys, supports_unicode
from player.practice.listening import judge

TICK_SECONDS = 0.1
QUIT_FADE_SECONDS = 1.5


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
    layout: Layout | None = None,
    started: Callable[[], None] | None = None,
) -> Listening:
    """Play from `start` until the end, `q`, or Ctrl-C; the terminal is always restored.

    A timer (`layout.ends_at`) is over at its end bell: stopping while it rings out is
    finishing, and what was heard is counted up to it. Waiting for a narrator speaking ahead is
    said once: on the live display while it lasts, or in a plain line."""
    timeline = player.timeline
    live = is_terminal(out)
    layout = dataclasses.replace(layout or Layout(), unicode=supports_unicode(out))
    screen = LiveScreen(timeline, layout)
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
                    _fade_away(player, keys_fd, area, screen)
                    break
                player.keep_up()
                position = player.position()
                timeline = player.timeline
                if area:
                    area.draw(
                        screen.lines(
                            Moment(position, player.paused, waiting=player.waiting), timeline
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
    played_out = not (quit_pressed or interrupted)
    if played_out:
        position = timeline.length
    end = timeline.length if layout.ends_at is None else layout.ends_at
    reached_end = played_out or position >= end
    heard = judge(
        player.heard_spans(),
        length=timeline.length,
        chapters=timeline.chapters,
        reached_end=reached_end,
        start=start,
        ends_at=layout.ends_at,
    )
    return Listening(
        heard.completed, reached_end, quit_pressed, interrupted, position,
        heard.frames / SAMPLE_RATE, heard.chapters,
    )  # fmt: skip


def _fade_away(
    player: Player, keys_fd: int | None, area: LiveArea | None, screen: LiveScreen
) -> None:
    """On q the sound fades out, beds and all, rather than stopping dead, and the display says
    so while it does; q again is at once."""
    silent = player.fade_out(QUIT_FADE_SECONDS)
    while player.position() < silent and not player.finished():
        if area:
            area.draw(screen.lines(Moment(player.position(), paused=False, fading=True)))
        keys = read_keys(keys_fd, TICK_SECONDS) if keys_fd is not None else _idle()
        if Key.QUIT in keys:
            return


def _idle() -> list[Key]:
    time.sleep(TICK_SECONDS)
    return []
