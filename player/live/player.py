"""Live playback: the device plays the buffer while a thread renders ahead of it.

Skipping is stopping the sound and playing the same buffer from elsewhere; pausing is
stopping and remembering where. A session whose narrator speaks ahead of it (an Unfolding)
is rendered as far as it is placed; should playback catch up with the narrator, it waits
where nothing is cut (see holding.py) until the voice has spoken what comes next.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from player.common.audio_format import FRAME_BYTES, SAMPLE_RATE
from player.common.spans import merge_spans
from player.live.buffer import PcmBuffer
from player.live.devices import Clock, Device, DeviceLost, Sound, device_failure
from player.live.holding import Wait, hold_at
from player.session.timeline import Timeline
from player.sound.render import BLOCK

if TYPE_CHECKING:
    from player.prepare.unfolding import Unfolding

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
    from_frame: int  # where the sound was at `since`
    since: float
    origin: int = 0  # where the sound's PCM begins in the session (a wait moves from_frame)


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
        unfolding: Unfolding | None = None,
    ) -> None:
        self.timeline = timeline
        self.unfolding = unfolding
        self.hold: int | None = None  # the device plays no further while narration is awaited
        self.waits: list[Wait] = []  # each time playback waited for the narrator
        self.chapter_awaited: int | None = None  # a chapter skipped to before it is placed
        self._ended = False  # the playing sound was told where the session ends
        self._stall: int | None = None  # where a device that waits for rendering waits now
        self.buffer = buffer
        self.device = device
        self.clock = clock
        # the device takes up to `lead` frames beyond what is heard; one that does not wait
        # for them to be rendered plays what is there: they must be rendered before it starts
        self.lead = device.reads_ahead
        self.unwaited = 0 if device.waits_for_rendering else self.lead
        self.preroll = max(preroll, self.unwaited + MARGIN) if self.unwaited else preroll
        self.ahead = max(ahead, self.preroll)
        self.state = _Playing(None, 0, clock())
        self.paused = False
        self.started = False
        self.cursor = 0  # where the renderer should work: the play position
        self.heard: list[tuple[int, int]] = []  # spans of the session played, before this one
        self.failure: BaseException | None = None  # what stopped the render thread
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._worker: threading.Thread | None = None

    @property
    def length(self) -> int:
        """The session's length: while it is still being placed, the length expected."""
        return self.timeline.length

    @property
    def waiting(self) -> bool:
        """Whether playback is waiting for the narrator now."""
        return bool(self.waits) and self.waits[-1].seconds is None

    # -- position

    def position(self) -> int:
        if self.paused or self.state.sound is None:
            return self.state.from_frame
        played = round((self.clock() - self.state.since) * SAMPLE_RATE)
        here = min(self.state.from_frame + played, self.length)
        if self._stall is not None:
            here = min(here, self._stall)
        return here if self.hold is None else min(here, max(self.hold, self.state.from_frame))

    def heard_spans(self) -> list[tuple[int, int]]:
        """The parts of the session played so far, merged, in order: skips are not heard."""
        spans = list(self.heard)
        if self.state.sound is not None and not self.paused:
            spans.append(self._current_span(self.state.sound))
        return merge_spans(spans)

    def heard_frames(self) -> int:
        """How much of the session has been played, each part once."""
        return sum(end - start for start, end in self.heard_spans())

    def finished(self) -> bool:
        if not self.started or self.paused or self.chapter_awaited is not None:
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
        timeline = self.timeline
        later = [i for i, mark in enumerate(timeline.chapters) if mark.start > here]
        index = later[0] if later else len(timeline.chapters)  # past the last: the end
        if timeline.complete or index < (timeline.placed_chapters or 0):
            self.seek(timeline.chapters[index].start if later else self.length)
            return
        # not placed yet: silent until the narrator has spoken what comes before it
        self._silence()
        self.chapter_awaited = index
        self.cursor = self.timeline.known_until
        self._wake.set()

    def previous_chapter(self) -> None:
        """Back to the start of this chapter when well into it, else to the one before."""
        self.chapter_awaited = None
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
        last = self.length if self.hold is None else self.hold
        begin = min(here + lead, last)
        end = min(begin + round(seconds * SAMPLE_RATE), last)
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
        if self.device.waits_for_rendering:
            self._track_stall()
        if self.unfolding is not None:
            self._follow_narrator()
        here = self.position()
        self.cursor = here
        self._wake.set()
        if self.paused or here >= self.length or self.device.waits_for_rendering:
            return  # a device that waits for rendering pauses by itself (see _track_stall)
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
        if self.unfolding is not None:
            self._await_placed(frame)
        self.buffer.render_range(frame, frame + max(self.preroll, 1))
        self.cursor = frame
        self._wake.set()
        if frame >= self.length and self.timeline.complete:
            self.state = _Playing(None, self.length, self.clock())
            return
        self._ended = self.timeline.complete
        self._stall = None
        if self.waiting:  # a wait ends where playback goes elsewhere
            self.waits[-1].seconds = self.clock() - self.waits[-1].began
        if self.unfolding is not None and not self.timeline.complete:
            self.hold = hold_at(self.timeline, self.buffer.renderable_until(), frame)
        sound = self.device.play(
            self.buffer.view[frame * FRAME_BYTES : self.buffer.length * FRAME_BYTES],
            lambda at: self._readable(frame + at) - frame,
        )
        self.state = _Playing(sound, frame, self.clock(), frame)

    def _track_stall(self) -> None:
        """A device that waits for rendering says where it waits (ALSA's `stalled_at`): once
        the clock has played up to there, the position stays there until it plays again."""
        sound = self.state.sound
        if sound is None or self.paused:
            return
        stalled = getattr(sound, "stalled_at", None)
        if stalled is not None:
            at = self.state.origin + stalled
            played = round((self.clock() - self.state.since) * SAMPLE_RATE)
            if self._stall is None and self.state.from_frame + played >= at:
                self._stall = at
        elif self._stall is not None:  # it plays again, from where it waited, now
            self.heard.append((self.state.from_frame, self._stall))
            self.state = _Playing(sound, self._stall, self.clock(), self.state.origin)
            self._stall = None

    def _readable(self, frame: int) -> int:
        """Where the device may read to from `frame`: the end of what is rendered, or the
        frame where playback waits for the narrator."""
        ready = self.buffer.ready_until(frame)
        hold = self.hold
        return ready if hold is None else max(min(ready, hold), frame)

    # -- a narrator speaking ahead

    def _refresh(self) -> bool:
        """Take in what the narrator has placed since; whether anything was."""
        assert self.unfolding is not None
        timeline = self.unfolding.update()
        if timeline is self.timeline:
            return False
        with self.buffer.lock:
            self.buffer.renderer.place(timeline)
        self.timeline = timeline
        return True

    def _await_placed(self, frame: int) -> None:
        """Wait (the sound silent) until the block at `frame` can be rendered."""
        assert self.unfolding is not None
        self._refresh()
        while self.buffer.renderable_until() <= frame and not self.timeline.complete:
            self.unfolding.wait(lambda _: False, 0.1)
            self._refresh()

    def _follow_narrator(self) -> None:
        """Where the device may play to, and whether playback waits there; a chapter skipped
        to before it was placed is gone to once it is; the sound told where the session ends
        once it is known."""
        timeline = self.timeline
        awaited = self.chapter_awaited
        if awaited is not None and (timeline.complete or awaited < (timeline.placed_chapters or 0)):
            self.chapter_awaited = None
            at = timeline.chapters[awaited].start if awaited < len(timeline.chapters) else None
            self._play_from(self.length if at is None else at)
            return
        sound = self.state.sound
        heard = self.state.from_frame + round((self.clock() - self.state.since) * SAMPLE_RATE)
        if timeline.complete:
            self._end_wait()
            self.hold = None
            if sound is not None and not self._ended:
                end_at = getattr(sound, "end_at", None)
                if end_at is not None:
                    end_at(self.length - self.state.origin)
                self._ended = True
            return
        if sound is None or self.paused:
            return
        here = heard if self.hold is None else min(heard, self.hold)
        hold = hold_at(timeline, self.buffer.renderable_until(), here)
        if self.waiting and self.hold is not None and hold > self.hold:
            self._end_wait()
        elif not self.waiting and self.hold is not None and self._reached(heard, self.hold):
            self.waits.append(Wait(self.hold, self.clock()))
        self.hold = hold

    def _reached(self, heard: int, hold: int) -> bool:
        """Whether playback is at the hold: by the clock, or by a device that says it has
        played all it may and waits (the ALSA device; a device faster than real time)."""
        stalled = getattr(self.state.sound, "stalled_at", None)
        return heard >= hold or (stalled is not None and self.state.origin + stalled >= hold)

    def _end_wait(self) -> None:
        """The narrator has spoken what playback waited for: it goes on (see _track_stall)."""
        if self.waiting:
            wait = self.waits[-1]
            wait.seconds = self.clock() - wait.began

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
            target = min(cursor + self.ahead, self.buffer.length)
            missing = self.buffer.first_missing(cursor, target)
            if self.unfolding is not None and (
                missing is None or missing * BLOCK >= self.buffer.renderable_until()
            ):
                if self._refresh():
                    continue
                missing = None  # what is missing waits for the narrator
            if missing is None:
                self._wake.wait(0.25)
                self._wake.clear()
                continue
            self.buffer.render(missing)
