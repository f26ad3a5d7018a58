"""Live playback: the device plays the buffer while a thread renders ahead of it.

Skipping is stopping the sound and playing the same buffer from elsewhere; pausing is
stopping and remembering where.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from player.common.audio_format import FRAME_BYTES, SAMPLE_RATE
from player.live.buffer import PcmBuffer
from player.live.devices import Clock, Device, DeviceLost, Sound, device_failure
from player.session.timeline import Timeline

AHEAD_SECONDS = 20.0  # how far the renderer works ahead of the play cursor
# Played audio is kept this long before it is released. The play position is estimated
# from the clock (simpleaudio does not report the device's), and a stalled device lets the
# clock run ahead of the sound by a couple of seconds per stall: a wide margin keeps what
# the device has not yet played far from anything released.
BEHIND_SECONDS = 60.0
BACK_TO_START_SECONDS = 3.0
FADE_LEAD_SECONDS = 0.25  # what the device may already have read when a fade is asked for
MARGIN = SAMPLE_RATE // 10  # frames rendered beyond what the device may have read


@dataclass
class _Playing:
    sound: Sound | None
    from_frame: int
    since: float


class Player:
    """Plays a timeline on a device: start, pause, seek, skip by chapter, and where it is."""

    def __init__(
        self,
        timeline: Timeline,
        buffer: PcmBuffer,
        device: Device,
        clock: Clock = time.monotonic,
        preroll: int = 0,
        ahead: int = round(AHEAD_SECONDS * SAMPLE_RATE),
    ) -> None:
        self.timeline = timeline
        self.buffer = buffer
        self.device = device
        self.clock = clock
        # the device takes up to `lead` frames beyond what is heard; one that does not wait
        # for them to be rendered plays what is there: they must be rendered before it starts
        self.lead = device.reads_ahead
        self.unwaited = 0 if device.waits_for_rendering else self.lead
        self.preroll = max(preroll, self.unwaited + MARGIN) if self.unwaited else preroll
        self.ahead = max(ahead, self.preroll)
        self.length = timeline.length
        self.state = _Playing(None, 0, clock())
        self.paused = False
        self.started = False
        self.cursor = 0  # where the renderer should work: the play position
        self.heard: list[tuple[int, int]] = []  # spans of the session played, before this one
        self.failure: BaseException | None = None  # what stopped the render thread
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._worker: threading.Thread | None = None

    # -- position

    def position(self) -> int:
        if self.paused or self.state.sound is None:
            return self.state.from_frame
        played = round((self.clock() - self.state.since) * SAMPLE_RATE)
        return min(self.state.from_frame + played, self.length)

    def heard_spans(self) -> list[tuple[int, int]]:
        """The parts of the session played so far, merged, in order: skips are not heard."""
        spans = list(self.heard)
        if self.state.sound is not None and not self.paused:
            spans.append(self._current_span(self.state.sound))
        merged: list[tuple[int, int]] = []
        for start, end in sorted(span for span in spans if span[1] > span[0]):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def heard_frames(self) -> int:
        """How much of the session has been played, each part once."""
        return sum(end - start for start, end in self.heard_spans())

    def finished(self) -> bool:
        if not self.started or self.paused:
            return False
        sound = self.state.sound
        if sound is not None and sound.is_playing():
            return False
        self._raise_if_lost()  # a sound that ended because the device failed is no end
        return True

    def chapter_index(self) -> int:
        return self.timeline.chapter_at(self.position())

    # -- control

    def start(self, frame: int = 0) -> None:
        """Render the preroll, start the sound at `frame`, then keep rendering ahead of it."""
        self.started = True
        self._play_from(frame)
        self._worker = threading.Thread(target=self._render_ahead, daemon=True)
        self._worker.start()

    def toggle_pause(self) -> None:
        if self.paused:
            self.paused = False
            self._play_from(self.state.from_frame)
        else:
            at = self.position()
            self._silence()
            self.state = _Playing(None, at, self.clock())
            self.paused = True

    def seek(self, frame: int) -> None:
        frame = max(0, min(frame, self.length))
        if self.paused:
            self.state = _Playing(None, frame, self.clock())
            self.cursor = frame
            self._wake.set()
            return
        self._silence()
        self._play_from(frame)

    def next_chapter(self) -> None:
        here = self.position()
        later = [mark.start for mark in self.timeline.chapters if mark.start > here]
        self.seek(later[0] if later else self.length)

    def previous_chapter(self) -> None:
        """Back to the start of this chapter when well into it, else to the one before."""
        here = self.position()
        index = self.timeline.chapter_at(here)
        if index < 0:
            self.seek(0)
            return
        start = self.timeline.chapters[index].start
        if here - start > BACK_TO_START_SECONDS * SAMPLE_RATE:
            self.seek(start)
        elif index > 0:
            self.seek(self.timeline.chapters[index - 1].start)
        else:
            self.seek(0)

    def fade_out(self, seconds: float) -> int:
        """Soften what plays to silence over `seconds`, starting just ahead of the sound (the
        device reads a little ahead); returns the frame by which it is silent."""
        here = self.position()
        if self.paused or self.state.sound is None or here >= self.length:
            return here
        lead = max(round(FADE_LEAD_SECONDS * SAMPLE_RATE), self.lead + MARGIN // 2)
        begin = min(here + lead, self.length)
        end = min(begin + round(seconds * SAMPLE_RATE), self.length)
        self.buffer.fade(begin, end, end + SAMPLE_RATE)
        return end

    def stop(self) -> None:
        """Silence at once and stop rendering."""
        self._silence()
        self._stop.set()
        self._wake.set()
        if self._worker is not None:
            self._worker.join(timeout=2.0)

    def keep_up(self) -> None:
        """Called a few times a second: moves the render window, and waits out an underrun.

        Raises what stopped the render thread (a clip that cannot be decoded, say), or
        DeviceLost when the device failed while it played.
        """
        if self.failure is not None:
            self._silence()
            raise self.failure
        self._raise_if_lost()
        here = self.position()
        self.cursor = here
        self._wake.set()
        if self.paused or here >= self.length:
            return
        if self.buffer.ready_until(here) < min(here + self.unwaited + MARGIN, self.length):
            # the renderer fell behind the sound: pause, render, and go on where we were
            self._silence()
            self.buffer.render_range(here, here + max(self.preroll, SAMPLE_RATE))
            self._play_from(here)

    # -- inside

    def _raise_if_lost(self) -> None:
        sound = self.state.sound
        lost = device_failure(sound) if sound is not None else None
        if lost is not None:
            raise DeviceLost(
                f"the sound device stopped working (ALSA: {lost}): check its connection, "
                "then go on where it stopped with play --from"
            )

    def _play_from(self, frame: int) -> None:
        self.buffer.render_range(frame, frame + max(self.preroll, 1))
        self.cursor = frame
        self._wake.set()
        if frame >= self.length:
            self.state = _Playing(None, self.length, self.clock())
            return
        sound = self.device.play(
            self.buffer.view[frame * FRAME_BYTES :],
            lambda at: self.buffer.ready_until(frame + at) - frame,
        )
        self.state = _Playing(sound, frame, self.clock())

    def _current_span(self, sound: Sound) -> tuple[int, int]:
        """What the playing sound has covered: to the end, once it has played out."""
        return (self.state.from_frame, self.position() if sound.is_playing() else self.length)

    def _silence(self) -> None:
        if self.state.sound is not None:
            self.heard.append(self._current_span(self.state.sound))
            self.state.sound.stop()
            self.state = _Playing(None, self.position(), self.clock())

    def _render_ahead(self) -> None:
        try:
            self._render_loop()
        except BaseException as error:  # handed to the main thread by keep_up
            self.failure = error

    def _render_loop(self) -> None:
        while not self._stop.is_set():
            cursor = self.cursor
            # released as the sound goes on, also while the renderer is behind it
            self.buffer.release_before(cursor - round(BEHIND_SECONDS * SAMPLE_RATE))
            target = min(cursor + self.ahead, self.length)
            missing = self.buffer.first_missing(cursor, target)
            if missing is None:
                self._wake.wait(0.25)
                self._wake.clear()
                continue
            self.buffer.render(missing)
