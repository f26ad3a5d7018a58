"""Regenerates the bundled narration clips from the `text:` of each session's narration steps.

    python tools/make_narration.py [--root DIR] [--force] [SESSION.yaml ...]

Every narration step with `text:` (inside `repeat:` too) is spoken with espeak-ng in the
session's `voice:` (or the default voice), softened, brought to -20 LUFS and encoded as mono
Ogg Vorbis at 22050 Hz to its path under `<root>/audio/`. A clip whose text, voice and
processing are unchanged since it was written (as `audio/narration/manifest.json` records)
is skipped; `--force` rewrites them all. Only this tool needs espeak-ng (and scipy, from the
dev extras, for its filters): playing and exporting use the clips it wrote.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import yaml
from scipy import ndimage, signal

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from player.common.cache import Cache  # noqa: E402
from player.common.errors import MeditateError  # noqa: E402
from player.common.files import atomic_output, write_file  # noqa: E402
from player.sound.loudness import block_powers, gated_lufs  # noqa: E402
from player.sound.speech import FORMAT_VERSION, Voice, cached_speech, read_wav  # noqa: E402

#: Bump when the processing or encoding below changes, so every clip is rewritten.
PROCESSING_VERSION = 2
TARGET_LUFS = -20.0
PEAK_CEILING_DB = -3.0
RATE = 22050
VORBIS_QUALITY = 0
MANIFEST = PurePosixPath("narration/manifest.json")
#: The keys of a session's `voice:` mapping, as the loader reads them: the Voice field each
#: sets, and the whole numbers it accepts (None for text).
VOICE_KEYS: dict[str, tuple[str, range | None]] = {
    "name": ("name", None),
    "rate": ("rate_wpm", range(80, 451)),
    "pitch": ("pitch", range(0, 100)),
}


@dataclass(frozen=True)
class Clip:
    path: PurePosixPath  # relative to the audio folder, as the session names it
    text: str
    voice: Voice
    session: Path

    @property
    def digest(self) -> str:
        identity = {
            "text": self.text,
            "voice": asdict(self.voice),
            "speech": FORMAT_VERSION,
            "processing": PROCESSING_VERSION,
            "quality": VORBIS_QUALITY,
        }
        return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sessions", nargs="*", type=Path, help="session files (default: all)")
    parser.add_argument("--root", type=Path, default=REPO, help="folder with sessions/, audio/")
    parser.add_argument("--force", action="store_true", help="rewrite clips even if unchanged")
    args = parser.parse_args(argv)
    sessions = args.sessions or sorted((args.root / "sessions").glob("*.yaml"))
    try:
        written = make_narration(sessions, args.root / "audio", force=args.force)
    except MeditateError as error:
        print(f"make_narration: {error}", file=sys.stderr)
        return 1
    if not written:
        print("narration is up to date")
    return 0


def make_narration(sessions: list[Path], audio_dir: Path, *, force: bool = False) -> list[Path]:
    """Write the clips of `sessions` that are missing or stale; return the paths written."""
    clips = unique_clips(clip for session in sessions for clip in session_clips(session))
    manifest_path = audio_dir / MANIFEST
    manifest = read_manifest(manifest_path)
    written = []
    with tempfile.TemporaryDirectory(prefix="meditate-narration-") as cache:
        for clip in clips:
            target = audio_dir / clip.path
            recorded = manifest.get(str(clip.path), {}).get("hash")
            if not force and recorded == clip.digest and target.is_file():
                continue
            wav = cached_speech(clip.text, clip.voice, Cache(Path(cache)))
            seconds = write_clip(process(*read_wav(wav)), target)
            manifest[str(clip.path)] = {"hash": clip.digest, "text": clip.text}
            write_json(manifest_path, {"version": 1, "clips": dict(sorted(manifest.items()))})
            written.append(target)
            print(f"wrote {clip.path} ({seconds:.1f} s)", flush=True)
    return written


def session_clips(session: Path) -> Iterator[Clip]:
    try:
        document = yaml.safe_load(session.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise MeditateError(f"{session}: cannot read: {error}") from error
    if not isinstance(document, dict):
        raise MeditateError(f"{session}: expected a session mapping")
    voice = voice_from(document.get("voice"), session)
    for step in walk_steps(document.get("steps") or []):
        if isinstance(step.get("narration"), str) and isinstance(step.get("text"), str):
            yield Clip(clip_path(step["narration"], session), step["text"].strip(), voice, session)


def walk_steps(steps: list[Any]) -> Iterator[dict[str, Any]]:
    for step in steps:
        if not isinstance(step, dict):
            continue
        yield step
        if isinstance(step.get("steps"), list):
            yield from walk_steps(step["steps"])


def voice_from(mapping: object, session: Path) -> Voice:
    """The session's `voice: {name, rate, pitch}` over the default voice."""
    if mapping is None:
        return Voice()
    if not isinstance(mapping, dict) or not set(mapping) <= set(VOICE_KEYS):
        raise MeditateError(f"{session}: voice: expected a mapping of {', '.join(VOICE_KEYS)}")
    changes: dict[str, Any] = {}
    for key, value in mapping.items():
        field, accepted = VOICE_KEYS[key]
        if accepted is None and not isinstance(value, str):
            raise MeditateError(f"{session}: voice: {key} should be an espeak-ng voice name")
        if accepted is not None and (type(value) is not int or value not in accepted):
            raise MeditateError(
                f"{session}: voice: {key} should be a whole number from "
                f"{accepted.start} to {accepted.stop - 1}"
            )
        changes[field] = value
    return Voice(**changes)


def clip_path(value: str, session: Path) -> PurePosixPath:
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or path.suffix.lower() != ".ogg":
        raise MeditateError(
            f"{session}: narration {value!r}: expected a relative path ending in .ogg "
            "inside the audio folder, such as narration/NAME/01-arrive.ogg"
        )
    return path


def unique_clips(clips: Iterator[Clip]) -> list[Clip]:
    """One clip per path; a path given two different texts or voices is an error."""
    seen: dict[PurePosixPath, Clip] = {}
    for clip in clips:
        first = seen.setdefault(clip.path, clip)
        if first.digest != clip.digest:
            raise MeditateError(
                f"{clip.path} is spoken differently in {first.session} and {clip.session}: "
                "give each text or voice its own path"
            )
    return list(seen.values())


def process(samples: np.ndarray, rate: int) -> np.ndarray:
    """Warm, slightly roomy, -20 LUFS mono float samples at RATE from espeak-ng's 16-bit output."""
    voice = samples.astype(np.float64) / 32768.0
    if rate != RATE:
        voice = signal.resample_poly(voice, RATE, rate)
    voice = warm(voice)
    voice = fade_out(voice + room(voice), 0.12)
    # the synthetic glottal pulses peak high for their loudness: leave the mix some headroom
    return normalise(limit(normalise(voice, TARGET_LUFS), PEAK_CEILING_DB), TARGET_LUFS)


def warm(voice: np.ndarray) -> np.ndarray:
    """Takes the buzz off the synthetic voice: low cut at 70 Hz, a soft top above 4.5 kHz,
    and 2 dB more body below 250 Hz."""
    highpass = signal.butter(2, 70, "highpass", fs=RATE, output="sos")
    lowpass = signal.butter(2, 4500, "lowpass", fs=RATE, output="sos")
    shelf = low_shelf(250, 2.0)
    return signal.sosfilt(np.vstack([highpass, lowpass, shelf]), voice)


def low_shelf(frequency: float, gain_db: float) -> np.ndarray:
    """The RBJ cookbook low shelf (slope 1) as one second-order section."""
    amplitude = 10 ** (gain_db / 40)
    w0 = 2 * np.pi * frequency / RATE
    alpha = np.sin(w0) / 2 * np.sqrt(2)
    cos, root = np.cos(w0), 2 * np.sqrt(amplitude) * alpha
    b = amplitude * np.array(
        [
            (amplitude + 1) - (amplitude - 1) * cos + root,
            2 * ((amplitude - 1) - (amplitude + 1) * cos),
            (amplitude + 1) - (amplitude - 1) * cos - root,
        ]
    )
    a = np.array(
        [
            (amplitude + 1) + (amplitude - 1) * cos + root,
            -2 * ((amplitude - 1) + (amplitude + 1) * cos),
            (amplitude + 1) + (amplitude - 1) * cos - root,
        ]
    )
    return np.concatenate([b / a[0], a / a[0]])[np.newaxis, :]


def room(voice: np.ndarray, decay_seconds: float = 0.35, level_db: float = -17.0) -> np.ndarray:
    """A faint small-room reflection: the voice convolved with seeded, darkened, decaying noise."""
    length = round(decay_seconds * RATE)
    t = np.arange(length) / RATE
    noise = np.random.default_rng(1770).standard_normal(length)
    darker = signal.sosfilt(signal.butter(1, 2500, fs=RATE, output="sos"), noise)
    response = darker * np.exp(-6.9 * t / decay_seconds)  # -60 dB at decay_seconds
    response[: round(0.012 * RATE)] = 0.0  # pre-delay: the first reflection arrives late
    response *= 10 ** (level_db / 20) / np.sqrt(np.sum(response**2))
    return signal.fftconvolve(voice, response)[: len(voice)]


def limit(voice: np.ndarray, ceiling_db: float, window_seconds: float = 0.005) -> np.ndarray:
    """Peaks held under `ceiling_db` by a smooth gain that starts falling before each peak."""
    size = 2 * round(window_seconds * RATE) + 1
    needed = np.minimum(1.0, 10 ** (ceiling_db / 20) / np.maximum(np.abs(voice), 1e-12))
    # each smoothed value averages minima that all cover its own sample, so it never exceeds
    # the gain that sample needs
    gain = ndimage.uniform_filter1d(ndimage.minimum_filter1d(needed, size), size)
    return voice * gain


def fade_out(voice: np.ndarray, seconds: float) -> np.ndarray:
    n = min(len(voice), round(seconds * RATE))
    ramp = 0.5 + 0.5 * np.cos(np.linspace(0, np.pi, n))
    return np.concatenate([voice[: len(voice) - n], voice[len(voice) - n :] * ramp])


def normalise(voice: np.ndarray, target_lufs: float) -> np.ndarray:
    # BS.1770 needs 400 ms blocks; repeating a short clip measures the same loudness
    measured = np.tile(voice, max(1, -(-3 * RATE // len(voice))))
    loudness = gated_lufs(block_powers(measured[:, None], RATE))
    if loudness is None:
        raise MeditateError("a narration clip came out silent")
    return voice * 10 ** ((target_lufs - loudness) / 20)


def write_clip(voice: np.ndarray, target: Path) -> float:
    """Encode `voice` to Ogg Vorbis at `target`, atomically; return its length in seconds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_output(target, force=True) as partial:
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-f", "f32le", "-ar", str(RATE), "-ac", "1",
                 "-i", "-", "-c:a", "libvorbis", "-q:a", str(VORBIS_QUALITY), "-map_metadata",
                 "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "ogg", str(partial)],
                input=voice.astype("<f4").tobytes(), capture_output=True, check=True,
            )  # fmt: skip
    except FileNotFoundError as error:
        raise MeditateError("ffmpeg is needed to encode narration but was not found") from error
    except subprocess.CalledProcessError as error:
        raise MeditateError(f"ffmpeg could not encode {target}: {error.stderr.decode()}") from error
    return len(voice) / RATE


def read_manifest(path: Path) -> dict[str, dict[str, str]]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")).get("clips", {}))
    except (OSError, ValueError, AttributeError):
        return {}


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n", force=True)


if __name__ == "__main__":
    sys.exit(main())
