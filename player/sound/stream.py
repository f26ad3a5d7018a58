"""Long sound files, decoded once into the cache and read by block, so their length costs disk,
not memory.

ffmpeg decodes the file (resampled as decode.py does) to raw 32-bit samples in a cache file;
reads wait until the decoder has written the frames they ask for, so playback can begin while
the rest still decodes. The finished file is kept, keyed by the file's size and time and the
code that made it, so the next session reads it at once. The samples read are those
`decode()` gives, to the bit: short files are simply held in memory instead.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import subprocess
import threading
import time
from pathlib import Path

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.common.cache import Cache, code_version, key_of, user_cache
from player.common.errors import MeditateError
from player.common.files import process_alive
from player.common.programs import FFMPEG_INSTALL_HINT
from player.sound.decode import TRUNCATION_TOLERANCE, condition, ffmpeg_reason

STREAM_SECONDS = 600.0  # files longer than this are streamed from the cache
_KIND = "decoded"
_KEEP_BYTES = 24 * 2**30  # decoded files beyond this (least recently used first) are removed
_POLL_SECONDS = 0.005
_SAMPLE_BYTES = 4
_decoding: set[StreamedFile] = set()
_open: dict[str, StreamedFile] = {}
_opening = threading.Lock()


def streamed(path: Path, header_seconds: float) -> StreamedFile:
    """The file's stream: one per file in this process, however many sounds read it."""
    key = str(path.resolve())
    with _opening:
        found = _open.get(key)
        if found is None or found.stale():
            found = _open[key] = StreamedFile(path, header_seconds)
        return found


class StreamedFile:
    """A sound file's frames at the master rate, decoded to the cache and read by block.
    Safe to read from several threads."""

    def __init__(self, path: Path, header_seconds: float, cache: Cache | None = None) -> None:
        cache = cache or user_cache()
        self.path = path
        self.header_seconds = header_seconds
        try:
            info = path.stat()
        except OSError:
            raise MeditateError(f"{path} disappeared since the session was checked") from None
        version = code_version(__name__, "player.sound.decode")
        self.stamp = (info.st_size, info.st_mtime_ns)
        self.finishing = threading.Lock()
        self.failure: MeditateError | None = None
        self.key = key_of(str(path.resolve()), info.st_size, info.st_mtime_ns, version)
        self.channels = cache.remember("channels", version, self.key, lambda: _channels(path))
        self.frame_bytes = self.channels * _SAMPLE_BYTES
        final = cache.file(_KIND, self.key, f".{self.channels}ch.s32")
        self.process: subprocess.Popen[bytes] | None = None
        if final.exists():
            with contextlib.suppress(OSError):
                os.utime(final)
            self.file = final.open("rb")
            self.done = True
            return
        self.final = final
        self.partial = final.with_name(f"{final.name}.partial-{os.getpid()}")
        self.log = self.partial.with_name(f"{self.partial.name}.log")
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise MeditateError(
                f"cannot write to the cache folder {final.parent}: {error.strerror} "
                "(set MEDITATE_CACHE to a writable folder)"
            ) from None
        _remove_abandoned(final)
        command = [
            "ffmpeg", "-v", "error", "-nostdin", "-y", "-i", str(path), "-map", "0:a:0", "-vn",
            "-af", f"aresample={SAMPLE_RATE}:resampler=soxr:precision=28",
            "-c:a", "pcm_s32le", "-f", "s32le", str(self.partial),
        ]  # fmt: skip
        with self.log.open("wb") as log:
            try:
                self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=log)
            except FileNotFoundError:
                raise MeditateError(FFMPEG_INSTALL_HINT) from None
        _decoding.add(self)
        self.file = _wait_for(self.partial, self.process).open("rb")
        self.done = False

    def stale(self) -> bool:
        """Whether the file changed since its decoding began."""
        try:
            info = self.path.stat()
        except OSError:
            return True
        return (info.st_size, info.st_mtime_ns) != self.stamp

    def read(self, start: int, count: int) -> np.ndarray:
        """Frames [start, start + count) as float32 (frames, 2); fewer at the end of the file."""
        self._written(start + count)
        data = os.pread(self.file.fileno(), count * self.frame_bytes, start * self.frame_bytes)
        usable = len(data) // self.frame_bytes * self.frame_bytes
        samples = np.frombuffer(data[:usable], dtype="<i4")
        return condition(samples, _SAMPLE_BYTES, self.channels)

    def longer_than(self, frames: int) -> bool:
        return self._written(frames + 1) > frames

    def length(self) -> int:
        """Frames in the file: known once it has decoded to the end."""
        return self._written(None)

    def _written(self, frames: int | None) -> int:
        """Frames decoded so far, waiting until `frames` are (or all, when None) or the end."""
        while True:
            written = os.fstat(self.file.fileno()).st_size // self.frame_bytes
            if self.done or (frames is not None and written >= frames):
                return written
            if self.failure is not None:
                raise self.failure
            if self.process is not None and self.process.poll() is not None:
                with self.finishing:
                    if not self.done and self.failure is None:
                        try:
                            self._finish()
                        except MeditateError as error:
                            self.failure = error
                            raise
                continue
            time.sleep(_POLL_SECONDS)

    def _finish(self) -> None:
        assert self.process is not None
        _decoding.discard(self)
        message = self.log.read_bytes().decode("utf-8", "replace")
        self.log.unlink(missing_ok=True)
        size = os.fstat(self.file.fileno()).st_size
        if self.process.returncode != 0 or size == 0:
            self.partial.unlink(missing_ok=True)
            if size == 0 and self.process.returncode == 0:
                raise MeditateError(f"{self.path} holds no audio")
            raise MeditateError(f"cannot decode {self.path}: {ffmpeg_reason(message)}")
        decoded = size // self.frame_bytes / SAMPLE_RATE
        promised = self.header_seconds
        if decoded < promised - max(TRUNCATION_TOLERANCE, 0.05 * promised):
            self.partial.unlink(missing_ok=True)
            raise MeditateError(
                f"{self.path} is cut short: its header promises {promised:.1f} s but only "
                f"{decoded:.1f} s decode; export or copy it again"
            )
        with contextlib.suppress(OSError):
            os.replace(self.partial, self.final)
            _prune(self.final.parent, keep=self.final)
        self.done = True


def _channels(path: Path) -> int:
    command = [
        "ffprobe", "-v", "error", "-select_streams", "a:0",
        "-show_entries", "stream=channels", "-of", "csv=p=0", str(path),
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise MeditateError(FFMPEG_INSTALL_HINT) from None
    try:
        return int(done.stdout.split()[0])
    except (IndexError, ValueError):
        reason = ffmpeg_reason(done.stderr)
        raise MeditateError(f"cannot decode {path}: {reason}") from None


def _wait_for(partial: Path, process: subprocess.Popen[bytes]) -> Path:
    """The decoder's output file, once ffmpeg has created it (or ended without doing so)."""
    while not partial.exists() and process.poll() is None:
        time.sleep(_POLL_SECONDS)
    partial.touch()
    return partial


def _remove_abandoned(final: Path) -> None:
    """Partial decodes of this file left by processes that ended without cleaning up."""
    for partial in final.parent.glob(f"{final.name}.partial-*"):
        pid = partial.name.rsplit("-", 1)[-1].removesuffix(".log")
        if pid.isdigit() and not process_alive(int(pid)):
            partial.unlink(missing_ok=True)


def _prune(folder: Path, keep: Path) -> None:
    """Remove the least recently used decoded files while they hold more than _KEEP_BYTES."""
    files = sorted(folder.glob("*.s32"), key=lambda f: f.stat().st_mtime)
    total = sum(f.stat().st_size for f in files)
    for old in files:
        if total <= _KEEP_BYTES:
            break
        if old != keep:
            total -= old.stat().st_size
            old.unlink(missing_ok=True)


@atexit.register
def _stop_decoders() -> None:
    """As the program ends, a finished decode is kept; one still running is stopped and its
    partial file removed."""
    for streamed in list(_decoding):
        assert streamed.process is not None
        if streamed.process.poll() is None:
            streamed.process.kill()
            streamed.process.wait()
            streamed.partial.unlink(missing_ok=True)
            streamed.log.unlink(missing_ok=True)
        else:
            with contextlib.suppress(MeditateError, OSError), streamed.finishing:
                if not streamed.done:
                    streamed._finish()
