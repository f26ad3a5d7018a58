"""A microphone for the tests: ALSA's file plugin serves a prepared recording as the default
capture device, from a temporary HOME's .asoundrc (the same way the playback tests catch what
is played). Without a FIFO it reads as fast as it is asked (no pacing); with one, the test
feeds it in real time.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from player.common.paths import bundled_sessions_dir

RATE = 44100
PERIOD = 441  # the recorder's period: a paced FIFO must be fed in exactly these blocks
MEDITATE = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]
THREE_BREATHS = bundled_sessions_dir() / "three-breaths.yaml"
TEXTS = [  # what three-breaths says, line by line
    "Wherever you are, let yourself stop for a moment. Let your shoulders drop.",
    "Breathe in slowly.",
    "And let it go.",
    "Notice how you feel now. Carry this quiet with you.",
]


def asoundrc(infile: Path, played: Path | None = None, captured: str = "/dev/null") -> str:
    """The default device: capture from `infile` (raw S16_LE mono 44.1 kHz; the plug converts
    for a client asking anything else, and passes bytes through untouched otherwise), and
    with `played`, playback into that file. `file` is required even for capture: the plugin
    also writes what it captured there (`captured`: "|command" pipes it to a command)."""
    capture = (
        "type plug\n"
        "        slave {\n"
        f'            pcm {{ type file; slave.pcm "null"; file "{captured}"; infile "{infile}"; '
        'format "raw" }\n'
        "            format S16_LE\n"
        "            rate 44100\n"
        "            channels 1\n"
        "        }"
    )
    if played is None:
        return f"pcm.!default {{\n    {capture}\n}}\n"
    return (
        "pcm.!default {\n"
        "    type asym\n"
        f'    playback.pcm {{ type file; slave.pcm "null"; file "{played}"; format "raw" }}\n'
        f"    capture.pcm {{\n        {capture}\n    }}\n"
        "}\n"
    )


def alsa_env(folder: Path, config: str | None) -> dict[str, str]:
    """The environment of a child whose ALSA reads `config` (None: no .asoundrc at all)."""
    home = folder / "alsa-home"
    home.mkdir(parents=True, exist_ok=True)
    if config is not None:
        (home / ".asoundrc").write_text(config)
    return {**os.environ, "HOME": str(home)}


def decode_mono(path: Path) -> np.ndarray:
    done = subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-i", str(path), "-f", "s16le", "-ar", str(RATE),
         "-ac", "1", "pipe:1"],
        capture_output=True, check=True,
    )  # fmt: skip
    return np.frombuffer(done.stdout, "<i2")


def speak(text: str, folder: Path, name: str) -> np.ndarray:
    """espeak-ng saying `text`, at 44.1 kHz mono."""
    wav = folder / f"{name}.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(wav), text], check=True)
    return decode_mono(wav)


@dataclass(frozen=True)
class Phrase:
    text: str
    start: int  # where the phrase's sound starts in the input
    voice_start: int  # first sample above 1 % of full scale
    voice_end: int  # just after the last such sample


def voice_span(samples: np.ndarray) -> tuple[int, int]:
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 0.01 * 32768)
    return int(loud[0]), int(loud[-1]) + 1


def noise(count: int, dbfs: float = -60.0, seed: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 32768 * 10 ** (dbfs / 20), count)


def reading(
    texts: list[str],
    folder: Path,
    *,
    lead: float = 1.0,
    gap: float = 3.0,
    tail: float = 5.0,
    gain: float = 1.0,
) -> tuple[np.ndarray, list[Phrase]]:
    """Someone reading `texts` one after another: a second of room noise (-60 dBFS) first,
    `gap` seconds between phrases, `tail` seconds of quiet after the last (reads past the end
    of an ALSA infile return stale memory, so the recorder must never get there)."""
    folder.mkdir(parents=True, exist_ok=True)
    parts: list[np.ndarray] = [np.zeros(round(lead * RATE))]
    phrases, cursor = [], round(lead * RATE)
    for i, text in enumerate(texts):
        voice = speak(text, folder, f"phrase{i}").astype(np.float64) * gain
        first, last = voice_span(voice.astype(np.int16))
        phrases.append(Phrase(text, cursor, cursor + first, cursor + last))
        pause = np.zeros(round((gap if i < len(texts) - 1 else tail) * RATE))
        parts += [voice, pause]
        cursor += len(voice) + len(pause)
    clean = np.concatenate(parts)
    samples = np.clip(np.round(clean + noise(len(clean))), -32768, 32767).astype("<i2")
    return samples, phrases


def write_raw(samples: np.ndarray, path: Path) -> Path:
    samples.astype("<i2").tofile(path)
    return path


def locate(clip: np.ndarray, signal: np.ndarray) -> int:
    """Where `clip` sits in `signal`: the peak of their cross-correlation (by FFT)."""
    size = 1 << (len(signal) + len(clip) - 1).bit_length()
    spectrum = np.fft.rfft(signal.astype(np.float64), size) * np.conj(
        np.fft.rfft(clip.astype(np.float64), size)
    )
    return int(np.argmax(np.fft.irfft(spectrum, size)[: len(signal) - len(clip) + 1]))


class PacedMicrophone:
    """A FIFO fed in real time: room noise, and phrases when the test says them."""

    def __init__(self, fifo: Path) -> None:
        os.mkfifo(fifo)
        self.fifo = fifo
        self._said: list[np.ndarray] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.written = 0  # samples fed so far
        self.sent: list[np.ndarray] = []  # every block fed, in order
        self._saying_until = 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def say(self, samples: np.ndarray) -> None:
        """Say `samples` next, over the room's noise, as a microphone hears a voice."""
        heard = samples.astype(np.float64) + noise(len(samples), seed=len(self._said) + 11)
        with self._lock:
            self._said.append(np.clip(np.round(heard), -32768, 32767).astype("<i2"))

    def quiet(self) -> bool:
        """Everything said has been fed to the recorder."""
        with self._lock:
            return not self._said and self.written >= self._saying_until

    def _run(self) -> None:
        try:
            writer = open(self.fifo, "wb")  # noqa: SIM115 (waits for the recorder to open it)
        except OSError:
            return
        floor = np.clip(np.round(noise(RATE * 600, seed=3)), -32768, 32767).astype("<i2")
        began = time.monotonic()
        pending = np.zeros(0, "<i2")
        with contextlib.suppress(BrokenPipeError, OSError), writer:
            while not self._stop.is_set():
                if len(pending) < PERIOD:
                    with self._lock:
                        said = self._said.pop(0) if self._said else None
                        if said is not None:
                            self._saying_until = self.written + len(pending) + len(said)
                    if said is None:
                        at = self.written % (len(floor) - PERIOD)
                        said = floor[at : at + PERIOD]
                    pending = np.concatenate([pending, said])
                block, pending = pending[:PERIOD], pending[PERIOD:]
                if len(block) < PERIOD:
                    block = np.concatenate([block, np.zeros(PERIOD - len(block), "<i2")])
                time.sleep(max(0.0, began + self.written / RATE - time.monotonic()))
                writer.write(block.tobytes())
                writer.flush()
                self.sent.append(block)
                self.written += PERIOD

    def stream(self) -> np.ndarray:
        """Everything the microphone gave so far."""
        return np.concatenate(self.sent) if self.sent else np.zeros(0, "<i2")

    def close(self) -> None:
        self._stop.set()
        reader = None
        with contextlib.suppress(OSError):  # a writer still waiting for a reader: be one
            reader = os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK)
        self._thread.join(timeout=5)
        if reader is not None:
            os.close(reader)


class Studio:
    """A user's folders and a microphone for one test, and `meditate` run against them."""

    def __init__(self, folder: Path, config: str | None) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.env = {
            **alsa_env(folder, config),
            "XDG_DATA_HOME": str(self.data),
            "XDG_CACHE_HOME": str(folder / "cache"),
            "MEDITATE_PREROLL": "all",
        }
        self.sessions = self.data / "meditate" / "sessions"

    def microphone(self, config: str | None) -> None:
        """What ALSA's default device is from now on (None: no .asoundrc, no device)."""
        rc = Path(self.env["HOME"]) / ".asoundrc"
        if config is None:
            rc.unlink(missing_ok=True)
        else:
            rc.write_text(config)

    def run(self, *args: str, timeout: float = 180, **kw) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*MEDITATE, *args], env=self.env, capture_output=True, text=True,
            stdin=subprocess.DEVNULL, timeout=timeout, check=False, **kw,
        )  # fmt: skip

    def copy(self, name: str = "three-breaths") -> Path:
        return self.sessions / f"{name}.yaml"

    def takes(self, name: str = "three-breaths") -> list[Path]:
        return sorted((self.sessions / name / "voice").glob("*"))

    def leftovers(self) -> list[Path]:
        return [p for p in self.data.rglob("*") if "meditate-partial" in p.name]


def studio_for(tmp_path: Path, raw: Path, played: Path | None = None) -> Studio:
    return Studio(tmp_path, asoundrc(raw, played))
