"""The sounds a timeline names, decoded or synthesised; beds with their measured loudness.

Built-in bells are made a chunk at a time (see lazy.py); their peaks, and the loudness of
synthesised beds, are remembered in the cache (or shipped), keyed by the code that makes
them. Clips and bells are levelled by the renderer (see levels.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.common.cache import Cache, code_version, key_of, user_cache
from player.common.errors import MeditateError
from player.common.paths import bundled_digest
from player.session.model import AmbientBed, Location
from player.sound import stream as stream_module
from player.sound.decode import decode_channels, decode_complete, stereo
from player.sound.lazy import Audible, LazyBell, Struck
from player.sound.loudness import gated_lufs, integrated_lufs
from player.sound.mastering import Limiter
from player.sound.meter import (
    PAD_TICKS,
    TICK,
    Measurement,
    Reader,
    block_powers_of,
    measure,
    source_gain_db,
)
from player.sound.shipped import MEASUREMENTS, shipped_measurement
from player.sound.stream import StreamedFile, streamed

LOOP_CROSSFADE_SECONDS = 2.0
_MEASUREMENTS = "measurements"
_BED_MEASURE_SECONDS = 30
_FILE_BED_MEASURE_SECONDS = 600

_measuring: dict[str, Future[Measurement]] = {}
_measured: dict[str, Measurement] = {}  # in this process: a few kB for each minute of sound
_measuring_lock = threading.Lock()

#: A source of bed samples: frames [start, start + count) as float32 (count, 2).
BedSource = Callable[[int, int], np.ndarray]


class Sound:
    """A sound at the master rate: held in memory, or streamed from the cache (a long file).

    A file's sound is opened (decoded, or its decoder started) when first read, so what is
    known of it from the cache (its measurement, its level) costs no decoding. A mono file is
    held as one channel, half the memory, and read as two."""

    def __init__(
        self,
        samples: np.ndarray | None = None,
        *,
        opener: Callable[[], np.ndarray | StreamedFile] | None = None,
        identity: str | None = None,
    ) -> None:
        self._held: np.ndarray | StreamedFile | None = samples
        self._opener = opener
        self.identity = identity  # names its measurement in the cache (a file's sound only)

    @property
    def held(self) -> np.ndarray | StreamedFile:
        if self._held is None:
            assert self._opener is not None
            self._held = self._opener()
        return self._held

    @property
    def samples(self) -> np.ndarray:
        """All its frames, float32 (frames, 2): for sounds held in memory."""
        held = self.held
        assert isinstance(held, np.ndarray)
        return stereo(held)

    def read(self, start: int, count: int) -> np.ndarray:
        """Frames [start, start + count); fewer at the end of the sound."""
        held = self.held
        if isinstance(held, np.ndarray):
            return stereo(held[start : start + count])
        return held.read(start, count)

    def longer_than(self, frames: int) -> bool:
        held = self.held
        return len(held) > frames if isinstance(held, np.ndarray) else held.longer_than(frames)

    def length(self) -> int:
        held = self.held
        return len(held) if isinstance(held, np.ndarray) else held.length()

    @property
    def nbytes(self) -> int:
        return self._held.nbytes if isinstance(self._held, np.ndarray) else 0

    @property
    def frames(self) -> int:
        return self.length()

    def span(self, offset: int, count: int) -> np.ndarray:
        return self.read(offset, count)

    def opened(self) -> Sound:
        """The sound with its file decoded (or its decoder started), ready to be read."""
        _ = self.held
        return self


#: When a sound is next needed, in frames from the start of the session: its next use's start
#: (or where rendering is, while it sounds), None when it is needed no more.
NextUse = Callable[[object], "int | None"]


class SoundCache:
    """Decoded, measured sounds by key. Those needed no more are dropped when `drop_unneeded`
    is called; past a byte budget, those needed last are (or the least recently used)."""

    def __init__(self, budget: int, next_use: NextUse | None = None) -> None:
        self.budget = budget
        self.next_use = next_use
        self.items: OrderedDict[object, Audible] = OrderedDict()

    def get(self, key: object, make: Callable[[], Audible]) -> Audible:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        sound = make()
        self.items[key] = sound
        used = sum(item.nbytes for item in self.items.values())  # sounds load when first read
        while used > self.budget and len(self.items) > 1:
            dropped = self.items.pop(self._last_needed(key))
            used -= dropped.nbytes
        return sound

    def drop_unneeded(self) -> None:
        """Forget the sounds not needed again (they are made anew if they are, after all)."""
        if self.next_use is not None:
            for key in [key for key in self.items if self.next_use(key) is None]:
                del self.items[key]

    def _last_needed(self, keep: object) -> object:
        """The key, other than `keep`, needed furthest ahead (the least recently used first)."""
        others = [key for key in self.items if key != keep]
        next_use = self.next_use
        if next_use is None:
            return others[0]

        def ahead(key: object) -> float:
            found = next_use(key)
            return math.inf if found is None else found

        return max(others, key=ahead)


def looped(sound: Sound, origin: int) -> BedSource:
    """`sound` played from frame `origin` on and looped without a seam: at every return to its
    start, its tail is crossfaded into its head. The first time through it plays as it is, so
    a long file is read in order as it decodes, never needing its end before it gets there."""
    most = round(LOOP_CROSSFADE_SECONDS * SAMPLE_RATE)

    def source(start: int, count: int) -> np.ndarray:
        first = start - origin
        if sound.longer_than(first + count + most):  # far from the loop point
            return sound.read(first, count)
        total = sound.length()
        overlap = min(most, total // 4)
        overlap = overlap if overlap >= 2 else 0
        body = total - overlap
        t = np.linspace(0.0, np.pi / 2, overlap, dtype=np.float64)[:, None]
        out = np.empty((count, 2), dtype=np.float32)
        filled = 0
        while filled < count:
            lap, at = divmod(first + filled, body)
            if lap == 0 or at >= overlap:
                run = min(count - filled, body - at)
                out[filled : filled + run] = sound.read(at, run)
            else:
                run = min(count - filled, overlap - at)
                fade = t[at : at + run]
                tail = sound.read(total - overlap + at, run)
                out[filled : filled + run] = sound.read(at, run) * np.sin(fade) + tail * np.cos(
                    fade
                )
            filled += run
        return out

    return source


def decode_at(path: Path, what: str, header_seconds: float | None = None) -> np.ndarray:
    """The file decoded (whole, if its header's length is given), one channel if it is mono,
    any error named after the step that uses it (`what`)."""
    try:
        if header_seconds is None:
            return decode_channels(path)
        return decode_complete(path, header_seconds)
    except MeditateError as error:
        raise MeditateError(f"{what}: {error}") from None


def file_sound(path: Path, what: str, header_seconds: float | None) -> Sound:
    """A sound file, held in memory, or streamed from the cache when it is long; checked
    against the length its header promised when that is given."""
    try:
        identity = key_of(_file_stamp(path), measure_version())
    except MeditateError as error:
        raise MeditateError(f"{what}: {error}") from None

    def opener() -> np.ndarray | StreamedFile:
        if header_seconds is not None and header_seconds > stream_module.STREAM_SECONDS:
            try:
                return streamed(path, header_seconds)
            except MeditateError as error:
                raise MeditateError(f"{what}: {error}") from None
        return decode_at(path, what, header_seconds)

    return Sound(opener=opener, identity=identity)


def clip_sound(path: Path, what: str, slot: int | None) -> Sound:
    """A narration clip or bell file, checked against the `slot` (frames) its header promised
    when one is given."""
    return file_sound(path, what, None if slot is None else slot / SAMPLE_RATE)


def measurement(sound: Audible, what: str, head: int | None = None) -> Measurement:
    """The loudness measurement (meter.py) of the sound, or of its first `head` frames; a
    file's is kept in the cache."""

    def read(start: int, count: int) -> np.ndarray:
        return sound.read(start, count if head is None else max(0, min(count, head - start)))

    if sound.identity is None:
        return measure(read)
    identity = sound.identity if head is None else key_of(sound.identity, head)
    if identity in _measured:
        return _measured[identity]
    shipped = shipped_measurement(measure_version(), identity)
    if shipped is not None:
        _measured[identity] = shipped
        return shipped
    try:
        with np.load(user_cache().file(MEASUREMENTS, identity, ".npz")) as stored:
            found = Measurement(stored["ticks"], float(stored["peak"]), int(stored["frames"]))
            _measured[identity] = found
            return found
    except (OSError, ValueError, KeyError):
        pass
    with _measuring_lock:  # measured once, however many threads ask at once
        pending = _measuring.get(identity)
        if pending is None:
            pending = _measuring[identity] = Future()
            mine = True
        else:
            mine = False
    if not mine:
        return pending.result()
    try:
        measured = _measured_and_kept(read, identity, what, whole=head is None)
    except BaseException as error:
        pending.set_exception(error)
        raise
    finally:
        with _measuring_lock:
            _measuring.pop(identity, None)
    pending.set_result(measured)
    _measured[identity] = measured
    return measured


def _measured_and_kept(read: Reader, identity: str, what: str, *, whole: bool) -> Measurement:
    try:
        measured = measure(read)
    except MeditateError as error:
        raise MeditateError(f"{what}: {error}") from None
    if measured.peak == 0.0 and whole:
        raise MeditateError(f"{what}: the file is pure digital silence: re-record or replace it")
    with (
        contextlib.suppress(OSError, MeditateError),
        user_cache().storing(MEASUREMENTS, identity, ".npz") as partial,
        partial.open("wb") as stream,
    ):
        np.savez(stream, ticks=measured.ticks, peak=measured.peak, frames=measured.frames)
    return measured


def measure_ahead(path: Path, what: str, slot: int) -> None:
    """Start measuring a long clip in the background, so that its level is known by the time
    it plays (the first time a long file is used, measuring it takes a while)."""

    def run() -> None:
        with contextlib.suppress(MeditateError):  # the renderer meets it again, and says so
            measurement(clip_sound(path, what, slot), what)

    threading.Thread(target=run, daemon=True, name="measure-ahead").start()


def levelled_gain_db(
    sound: Audible, what: str, target_lufs: float, gate_lufs: float, limiter: Limiter
) -> float | None:
    """The gain that levels `sound` (levels.py); a file's or a bell's is kept in the cache
    (or shipped), and then its measurement is not needed."""

    def make() -> float | None:
        measured = measurement(sound, what)
        return source_gain_db(measured, sound.read, target_lufs, gate_lufs, limiter)

    if sound.identity is None:
        return make()
    key = key_of(sound.identity, target_lufs, gate_lufs, dataclasses.astuple(limiter))
    version = code_version("player.sound.meter", "player.sound.mastering")
    return user_cache().remember("sound-gains", version, key, make)


def _file_stamp(path: Path) -> list[object]:
    """What tells a file's sound from any other: its place, size and time, or for a bundled
    file (whose measurements are shipped) its content."""
    try:
        info = path.stat()
        digest = bundled_digest(path)
    except OSError:
        raise MeditateError(f"{path} disappeared since the session was checked") from None
    if digest is not None:
        return ["bundled", digest]
    return [str(path.resolve()), info.st_size, info.st_mtime_ns]


def measure_version() -> str:
    """The version of the code that measures sounds (it names their measurements)."""
    return code_version("player.sound.decode", "player.sound.meter", "player.sound.loudness")


def bell_sound(name: str, strikes: int = 1, cache: Cache | None = None) -> Audible:
    """A built-in bell, struck `strikes` times, made as it is played; its peak is kept in the
    cache once found."""
    from player.sound.bells import known_peak

    peak = known_peak(name, cache)
    made = code_version("player.sound.bells", "player.sound.noise")
    bell = LazyBell(name, peak, identity=key_of("bell", name, peak, made, measure_version()))
    return bell if strikes == 1 else Struck(bell, strikes)


def synth_bed(
    bed: AmbientBed, seed: int, cache: Cache | None = None
) -> tuple[BedSource, float | None]:
    """A synthesised bed and its loudness, measured over 30 s once and remembered."""
    from player.sound.beds import ambient_source

    assert bed.synth is not None
    source = ambient_source(bed.synth, seed=seed, pitch_hz=bed.pitch_hz, beat_hz=bed.beat_hz)
    version = code_version("player.sound.beds", "player.sound.noise")
    key = key_of("synth", bed.synth, seed, bed.pitch_hz, bed.beat_hz, version)
    measured = (cache or user_cache()).remember(
        _MEASUREMENTS, _meter_version(), key,
        lambda: integrated_lufs(source.render(0, _BED_MEASURE_SECONDS * SAMPLE_RATE)),
    )  # fmt: skip
    return source.render, measured


def file_bed(
    path: Path, where: Location, origin: int, header_seconds: float
) -> tuple[BedSource, float | None]:
    """A bed looped from a sound file, its first frame at `origin`, and its loudness: that of
    its first ten minutes, so that a long recording's sound does not wait for all of it."""
    what = f"{where}: ambient sound"
    sound = file_sound(path, what, header_seconds)
    measured = measurement(sound, what, head=_FILE_BED_MEASURE_SECONDS * SAMPLE_RATE)
    inside = measured.ticks[PAD_TICKS : PAD_TICKS + measured.frames // TICK]
    return looped(sound, origin), gated_lufs(block_powers_of(inside))


def _meter_version() -> str:
    return code_version("player.sound.loudness")
