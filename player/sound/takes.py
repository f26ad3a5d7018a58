"""Takes of a voice from a microphone's samples: when speech starts and ends, the take trimmed
to it, and what is wrong with it. Pure numpy on 16-bit mono; the device is live/capture.py.

The input is cut into 10 ms frames counted from the first sample the microphone gave, so a
take's `offset` is its place in the input. A noise floor is learnt from the quiet frames
(the first 200 ms are only that), and the voice starts when a few frames in a row are well
above it, and goes on while frames stay above a slightly lower level (hysteresis).
"""

from __future__ import annotations

import collections
import enum
import math
from dataclasses import dataclass

import numpy as np

from player.common.audio_format import SAMPLE_RATE

FRAME = SAMPLE_RATE // 100  # 10 ms
FULL_SCALE = 32768.0
QUIET_DBFS = -120.0  # the level given to digital silence, so that arithmetic on it works
CLIPPED_SAMPLES = 3  # more samples than this at full scale is a take that clipped


def level_dbfs(samples: np.ndarray) -> float:
    """RMS level of 16-bit samples in dB below full scale; QUIET_DBFS for digital silence."""
    if len(samples) == 0:
        return QUIET_DBFS
    rms = math.sqrt(float(np.mean(np.square(samples, dtype=np.float64)))) / FULL_SCALE
    return max(QUIET_DBFS, 20 * math.log10(rms)) if rms > 0 else QUIET_DBFS


@dataclass(frozen=True)
class TakeSettings:
    silence: float = 1.5  # seconds of quiet after the voice that end a take
    max_seconds: float = 60.0  # the longest take
    start_dbfs: float = -50.0  # the voice never starts below this level
    above_floor_db: float = 15.0  # ... nor below the noise floor plus this
    hysteresis_db: float = 6.0  # it goes on while frames stay above the start level less this
    min_voice: float = 0.03  # seconds above the start level that make a start
    pre: float = 0.15  # handle kept before the voice
    post: float = 0.3  # handle kept after it
    calibration: float = 0.2  # seconds that only learn the noise floor
    floor_seconds: float = 3.0  # the floor is taken from this much recent quiet
    quiet_voice_dbfs: float = -40.0  # a voice below this is too quiet to use well
    dc_limit_dbfs: float = -60.0  # a DC offset above this is removed


class Listener:
    """The microphone's input as numbered frames, with what its quiet sounds like."""

    def __init__(self, settings: TakeSettings) -> None:
        self.settings = settings
        self.position = 0  # input index of the next frame's first sample
        self._pending = np.zeros(0, np.int16)
        self._quiet: collections.deque[float] = collections.deque(
            maxlen=round(settings.floor_seconds * 100)
        )
        self._heard = 0  # frames heard
        self._dc_sum = 0.0
        self._dc_count = 0
        self.taken_until = 0  # end of the last take: the next may not reach back before it

    def frames(self, chunk: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """The whole frames that `chunk` completes, each with its input index."""
        data = np.concatenate([self._pending, chunk]) if len(self._pending) else chunk
        whole = len(data) // FRAME * FRAME
        self._pending = data[whole:].copy()
        found = []
        for at in range(0, whole, FRAME):
            found.append((self.position, data[at : at + FRAME]))
            self.position += FRAME
        return found

    @property
    def calibrated(self) -> bool:
        return self._heard >= round(self.settings.calibration * 100)

    def heard(self, frame: np.ndarray, level: float, *, quiet: bool) -> None:
        self._heard += 1
        if quiet:
            self._quiet.append(level)
            self._dc_sum += float(np.sum(frame, dtype=np.int64))
            self._dc_count += len(frame)

    def floor_dbfs(self) -> float:
        """The noise floor: a low percentile of the recent quiet frames' levels."""
        return float(np.percentile(list(self._quiet), 20)) if self._quiet else QUIET_DBFS

    def start_dbfs(self) -> float:
        settings = self.settings
        return max(settings.start_dbfs, self.floor_dbfs() + settings.above_floor_db)

    def dc(self) -> float:
        """The input's mean where nobody speaks (speech itself is not symmetric)."""
        return self._dc_sum / self._dc_count if self._dc_count else 0.0


class State(enum.Enum):
    WAITING = "waiting"  # for the voice (or space)
    RECORDING = "recording"


@dataclass(frozen=True)
class RawTake:
    samples: np.ndarray  # int16: the voice and its handles, or all that was heard if no voice
    offset: int  # input index of samples[0]
    voice: tuple[int, int] | None  # input indices where the voice starts and ends
    reason: str  # "silence", "max" or "stopped"
    dc: float


class TakeDetector:
    """One take: fed frame by frame, it gives the finished take when the voice has ended."""

    def __init__(self, listener: Listener) -> None:
        self.listener = listener
        settings = listener.settings
        self.settings = settings
        self.state = State.WAITING
        self.level = QUIET_DBFS  # of the last frame
        self.waited = 0  # frames heard while waiting, after calibration
        self._need = max(1, round(settings.min_voice * 100))
        self._run = 0
        handle = math.ceil(settings.pre * 100)
        self._ring: collections.deque[tuple[int, np.ndarray]] = collections.deque(
            maxlen=self._need + handle + 1
        )
        self._frames: list[tuple[int, np.ndarray]] = []
        self._begun = 0
        self._heard_until = listener.position  # the end of the last frame fed
        self._voice: list[int] | None = None
        self._keep_above = 0.0

    def feed(self, start: int, frame: np.ndarray) -> RawTake | None:
        """Take one frame; the take once it has ended, else None."""
        listener = self.listener
        level = self.level = level_dbfs(frame)
        end = self._heard_until = start + len(frame)
        if self.state is State.WAITING:
            if not listener.calibrated:
                listener.heard(frame, level, quiet=True)
                return None
            self.waited += 1
            threshold = listener.start_dbfs()
            self._ring.append((start, frame))
            loud = level >= threshold
            self._run = self._run + 1 if loud else 0
            listener.heard(frame, level, quiet=not loud)
            if self._run >= self._need:
                voice_start = start - (self._run - 1) * FRAME
                self._begin(list(self._ring), voice_start, end, threshold)
            return None
        listener.heard(frame, level, quiet=False)
        self._frames.append((start, frame))
        if level >= self._keep_above:
            if self._voice is None:
                self._voice = [start, end]
            self._voice[1] = end
        rate = SAMPLE_RATE
        if self._voice is not None and end - self._voice[1] >= self.settings.silence * rate:
            return self._cut("silence")
        if end - self._begun >= self.settings.max_seconds * rate:
            return self._cut("max")
        return None

    @property
    def recorded_seconds(self) -> float:
        """How long the take has run so far."""
        if self.state is State.WAITING:
            return 0.0
        return max(0, self._heard_until - self._begun) / SAMPLE_RATE

    def start_now(self) -> None:
        """Space: the take starts here, whether or not anyone speaks yet."""
        if self.state is State.WAITING:
            self._begin([], None, self._heard_until, self.listener.start_dbfs())

    def stop_now(self) -> RawTake:
        """Space again: the take ends here."""
        if self.state is State.WAITING:
            self.start_now()
        return self._cut("stopped")

    def _begin(
        self,
        frames: list[tuple[int, np.ndarray]],
        voice: int | None,
        now: int,
        threshold: float,
    ) -> None:
        self.state = State.RECORDING
        self._frames = [(s, f) for s, f in frames if s + len(f) > self.listener.taken_until]
        self._begun = voice if voice is not None else now
        self._heard_until = now
        self._voice = None if voice is None else [voice, now]
        floor = self.listener.floor_dbfs()
        self._keep_above = max(threshold - self.settings.hysteresis_db, floor + 6.0)

    def _cut(self, reason: str) -> RawTake:
        listener = self.listener
        dc = listener.dc()
        if not self._frames:
            return RawTake(np.zeros(0, np.int16), listener.position, None, reason, dc)
        audio = np.concatenate([f for _, f in self._frames])
        first = self._frames[0][0]
        last = first + len(audio)
        if self._voice is None:
            listener.taken_until = last
            return RawTake(audio, first, None, reason, dc)
        rate = SAMPLE_RATE
        begin = max(self._voice[0] - round(self.settings.pre * rate), first, listener.taken_until)
        end = min(self._voice[1] + round(self.settings.post * rate), last)
        listener.taken_until = end
        samples = audio[begin - first : end - first].copy()
        return RawTake(samples, begin, (self._voice[0], self._voice[1]), reason, dc)


@dataclass(frozen=True)
class Take:
    """A finished take: trimmed, its DC removed, and what is wrong with it said."""

    samples: np.ndarray  # int16 mono, what is saved
    offset: int  # input index of samples[0]
    voice: tuple[int, int] | None  # input indices of the voice; None: nothing was said
    reason: str
    voice_dbfs: float  # RMS level of the voice
    clipped: int  # samples at full scale
    dc_removed: float  # the offset taken off, in samples (0 when none)

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    @property
    def silent(self) -> bool:
        """Nothing worth keeping: no voice, or digital silence."""
        return self.voice is None or not np.any(self.samples)

    def problems(self, settings: TakeSettings) -> list[str]:
        """What to tell her about this take, each with what to do."""
        if self.silent:
            return ["nothing was heard: check that the microphone is on and not muted"]
        found = []
        if self.clipped > CLIPPED_SAMPLES:
            found.append(
                f"it clipped ({self.clipped} samples at full scale): record it again "
                "further from the microphone or with its gain lower"
            )
        if self.voice_dbfs < settings.quiet_voice_dbfs:
            found.append(
                f"it is very quiet (the voice at {self.voice_dbfs:.0f} dBFS): record it again "
                "closer to the microphone or with its gain higher"
            )
        return found


def finish(raw: RawTake, settings: TakeSettings) -> Take:
    """Remove a DC offset that matters (measured on the quiet input, so a clean input stays
    exactly as it was), count clipped samples and measure the voice."""
    samples = raw.samples.astype(np.int32)
    dc_removed = 0.0
    if abs(raw.dc) / FULL_SCALE > 10 ** (settings.dc_limit_dbfs / 20):
        dc_removed = float(round(raw.dc))
        samples = np.clip(samples - int(dc_removed), -32768, 32767)
    clipped = int(np.count_nonzero((raw.samples >= 32767) | (raw.samples <= -32768)))
    finished = samples.astype(np.int16)
    voice_dbfs = QUIET_DBFS
    if raw.voice is not None:
        voiced = finished[max(0, raw.voice[0] - raw.offset) : raw.voice[1] - raw.offset]
        voice_dbfs = level_dbfs(voiced)
    return Take(finished, raw.offset, raw.voice, raw.reason, voice_dbfs, clipped, dc_removed)
