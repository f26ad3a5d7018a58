"""Recording a script line by line from the microphone: plainly, every chosen line in order, or
at a terminal, with keys and a level meter. Saving a kept take is the caller's (`keep`)."""

from __future__ import annotations

import collections
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TextIO

import numpy as np

from player.common.errors import MeditateError
from player.live.capture import Microphone
from player.live.devices import Device, NoAudioDevice, Sound, default_device
from player.live.record_screen import View, picture, text_lines
from player.live.terminal import LiveArea, cbreak, read_with, supports_unicode
from player.session.recording import Line
from player.sound.takes import (
    QUIET_DBFS,
    Listener,
    RawTake,
    State,
    Take,
    TakeDetector,
    TakeSettings,
    finish,
    level_dbfs,
)

Keep = Callable[[Line, np.ndarray], Path]
DRAW_SECONDS = 0.05


class NothingHeard(MeditateError):
    """No voice came for a line within the longest take."""


@dataclass(frozen=True)
class Kept:
    line: Line
    take: Take
    path: Path


@dataclass
class Progress:
    """What has happened so far: read by the caller however recording ends."""

    kept: list[Kept] = field(default_factory=list)
    current: Line | None = None  # the line being recorded; None once all are done
    overruns: int = 0


class Frames:
    """The microphone as numbered 10 ms frames, one at a time."""

    def __init__(self, mic: Microphone, listener: Listener) -> None:
        self.mic = mic
        self.listener = listener
        self._ready: collections.deque[tuple[int, np.ndarray]] = collections.deque()

    def next(self, timeout: float | None) -> tuple[int, np.ndarray] | None:
        """The next frame; None when none came within `timeout` (0: none is waiting)."""
        while not self._ready:
            chunk = self.mic.read(timeout)
            if chunk is None:
                return None
            self._ready.extend(self.listener.frames(chunk))
        return self._ready.popleft()


def record_plainly(
    mic: Microphone,
    lines: Sequence[Line],
    settings: TakeSettings,
    keep: Keep,
    progress: Progress,
    report: Callable[[Kept], None],
) -> None:
    """One take per line, in order: each starts when the voice does and ends after
    `settings.silence` of quiet (or at `settings.max_seconds`). Raises NothingHeard, InputLost,
    or what `keep` raises; what was kept stays kept."""
    listener = Listener(settings)
    frames = Frames(mic, listener)
    for line in lines:
        progress.current = line
        take = _next_take(frames, settings)
        path = keep(line, take.samples)
        progress.kept.append(Kept(line, take, path))
        progress.overruns = mic.overruns
        report(progress.kept[-1])
    progress.current = None


def _next_take(frames: Frames, settings: TakeSettings) -> Take:
    detector = TakeDetector(frames.listener)
    loudest = QUIET_DBFS
    limit = round(settings.max_seconds * 100)
    while True:
        frame = frames.next(timeout=0.25)
        if frame is None:
            continue
        raw = detector.feed(*frame)
        if raw is not None:
            return finish(raw, settings)
        if detector.state is State.WAITING:
            loudest = max(loudest, detector.level)
            if detector.waited >= limit:
                level = f"{loudest:.0f} dBFS" if loudest > QUIET_DBFS else "digital silence"
                raise NothingHeard(
                    f"no voice in {settings.max_seconds:g} s (the loudest sound was {level})"
                )


class RecordKey(Enum):
    SPACE = "space"
    KEEP = "keep"
    REDO = "redo"
    PLAY = "play"
    BACK = "back"
    QUIT = "quit"


RECORD_KEYS = {
    b" ": RecordKey.SPACE,
    **dict.fromkeys((b"n", b"N", b"\r", b"\n"), RecordKey.KEEP),
    **dict.fromkeys((b"r", b"R"), RecordKey.REDO),
    **dict.fromkeys((b"p", b"P"), RecordKey.PLAY),
    **dict.fromkeys((b"b", b"B"), RecordKey.BACK),
    **dict.fromkeys((b"q", b"Q"), RecordKey.QUIT),
}


class TerminalRecording:
    """The keys and the picture at a terminal: one line at a time, as many takes as she likes.

    space starts a take before she speaks and ends it before the pause does; n (or Enter)
    keeps the take and goes on (without a take: skips the line); r records it again; p plays
    the take back; b goes back a line; q stops. A take not kept is never saved.
    """

    def __init__(
        self,
        mic: Microphone,
        lines: Sequence[Line],
        settings: TakeSettings,
        keep: Keep,
        progress: Progress,
        *,
        title: str,
        lines_in_script: int,
        device: Callable[[], Device] = default_device,
    ) -> None:
        self.mic, self.lines, self.settings = mic, list(lines), settings
        self.keep, self.progress, self.title = keep, progress, title
        self.lines_in_script = lines_in_script
        self.device = device
        self.listener = Listener(settings)
        self.frames = Frames(mic, self.listener)
        self.index = 0
        self.quit = False
        self.message = ""
        self._sound: Sound | None = None
        self._playing: bytes | None = None  # the device reads this buffer while it plays
        self.detector = TakeDetector(self.listener)
        self.take: Take | None = None
        self.problems: tuple[str, ...] = ()
        self._peak = QUIET_DBFS

    def run(self, *, out: TextIO, keys_fd: int, width: int) -> bool:
        """Record until every line is done (True) or q (False). Ctrl-C raises
        KeyboardInterrupt; the terminal is restored either way."""
        unicode = supports_unicode(out)
        height = max(len(text_lines(line.text, width)) for line in self.lines)
        drawn = 0.0
        with cbreak(keys_fd), LiveArea(out) as area:
            try:
                while self.index < len(self.lines) and not self.quit:
                    self.progress.current = self.lines[self.index]
                    for key in read_with(keys_fd, 0.02, RECORD_KEYS):
                        self._press(key)
                        if self.quit or self.index >= len(self.lines):
                            break
                    else:
                        self._listen()
                    now = time.monotonic()
                    if now - drawn >= DRAW_SECONDS and self.index < len(self.lines):
                        area.draw(picture(self._view(width, unicode, height)))
                        self._peak = QUIET_DBFS
                        drawn = now
            finally:
                self._stop_playing()
        self.progress.overruns = self.mic.overruns
        if not self.quit:
            self.progress.current = None
        return not self.quit

    # -- what the microphone hears

    def _listen(self) -> None:
        while (frame := self.frames.next(timeout=0)) is not None:
            if self.take is None:
                raw = self.detector.feed(*frame)
                level = self.detector.level
                if raw is not None:
                    self._finished(raw)
            else:
                level = level_dbfs(frame[1])
            self._peak = max(self._peak, level)

    # -- keys

    def _press(self, key: RecordKey) -> None:
        if key is RecordKey.QUIT:
            self.quit = True
        elif key is RecordKey.SPACE and self.take is None:
            if self.detector.state is State.WAITING:
                self.detector.start_now()
            else:
                self._finished(self.detector.stop_now())
        elif key is RecordKey.KEEP:
            self._keep_or_skip()
        elif key is RecordKey.REDO:
            self._reset()
            self.message = "Again: speak when you are ready."
        elif key is RecordKey.PLAY and self.take is not None and not self.take.silent:
            self._play(self.take)
        elif key is RecordKey.BACK:
            if self.index == 0:
                self.message = "This is the first line."
                return
            self.index -= 1
            self._reset()
            self.message = f"Back to line {self.lines[self.index].number}."

    def _keep_or_skip(self) -> None:
        line = self.lines[self.index]
        if self.take is None and self.detector.state is State.RECORDING:
            self._finished(self.detector.stop_now())
        if self.take is None:
            self.message = f"Skipped line {line.number}: it keeps the sound it had."
        elif self.take.silent:
            self.message = "Nothing to keep: the take is silent."
            return
        else:
            path = self.keep(line, self.take.samples)
            self.progress.kept.append(Kept(line, self.take, path))
            self.message = f"Kept line {line.number}: {path.name}"
        self.index += 1
        self._reset()

    def _finished(self, raw: RawTake) -> None:
        self.take = finish(raw, self.settings)
        self.problems = tuple(self.take.problems(self.settings))
        self.message = ""  # what the take says is the news now

    def _reset(self) -> None:
        self._stop_playing()
        self.detector = TakeDetector(self.listener)
        self.take = None
        self.problems = ()
        self._peak = QUIET_DBFS

    # -- playing a take back

    def _play(self, take: Take) -> None:
        self._stop_playing()
        stereo = np.repeat(take.samples, 2).astype("<i2").tobytes()
        try:
            self._sound = self.device().play(memoryview(stereo))
            self._playing = stereo
            self.message = "Playing the take back."
        except (NoAudioDevice, MeditateError) as error:
            self.message = f"Cannot play it back: {error}"

    def _stop_playing(self) -> None:
        if self._sound is not None:
            with contextlib.suppress(Exception):
                self._sound.stop()
        self._sound = None
        self._playing = None

    def _view(self, width: int, unicode: bool, height: int) -> View:
        if self.take is not None:
            mode, seconds = "review", self.take.seconds
        elif self.detector.state is State.RECORDING:
            mode, seconds = "recording", self.detector.recorded_seconds
        else:
            mode = "waiting" if self.listener.calibrated else "calibrating"
            seconds = 0.0
        return View(
            title=self.title,
            line=self.lines[self.index],
            lines_in_script=self.lines_in_script,
            mode=mode,
            silent=self.take is not None and self.take.silent,
            level_dbfs=self._peak,
            seconds=seconds,
            problems=self.problems,
            message=self.message,
            width=width,
            unicode=unicode,
            text_height=height,
        )
