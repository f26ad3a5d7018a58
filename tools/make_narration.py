"""Regenerates the bundled narration clips from the `text:` of each session's narration steps.

    python tools/make_narration.py [--root DIR] [--force] [SESSION.yaml ...]

Every narration step with `text:` and a clip path (inside `repeat:` too) is spoken by the
library's voice (LIBRARY_VOICE: Kokoro's af_heart, chosen by measurement; see
audio/narration/VOICE.md), or by the session's own `voice:` when it has one, exactly as a
draft is spoken: paced, and through the one processing chain (player.sound.voicing). Each
clip is encoded as mono Ogg Vorbis at the voice's own sample rate to its path under
`<root>/audio/`. A clip whose text, voice and processing are unchanged since it was written
(as `audio/narration/manifest.json` records) is skipped; `--force` rewrites them all.
Playing and exporting use the clips this wrote; only this tool needs the engine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from player.common.errors import MeditateError  # noqa: E402
from player.common.files import atomic_output, write_file  # noqa: E402
from player.prepare.drafts import draft_voice  # noqa: E402
from player.session.loader import load_session  # noqa: E402
from player.session.model import Narration, flatten  # noqa: E402
from player.sound import pacing  # noqa: E402
from player.sound.speech import SOUND_VERSION, Ready, Voice, prepare_voice, speak_clips  # noqa: E402

#: The voice of the bundled library, for sessions without a `voice:` of their own.
LIBRARY_VOICE = Voice(engine="kokoro", name="af_heart", rate_wpm=120)
#: Bump when the encoding below changes, so every clip is rewritten.
ENCODING_VERSION = 3
#: Vorbis quality 4 keeps the recogniser's word error rate where the unencoded voice has it
#: (quality 0 cost festival 0.02 and piper 0.04), at about 55 kbit/s for festival's 32 kHz:
#: the library stays far under 15 MB.
VORBIS_QUALITY = 4
BATCH = 16  # clips spoken per engine run: progress shows, and one failure loses little
MANIFEST = PurePosixPath("narration/manifest.json")


@dataclass(frozen=True)
class Clip:
    path: PurePosixPath  # relative to the audio folder, as the session names it
    text: str
    voice: Voice
    session: Path

    def digest(self, engine_version: str) -> str:
        identity = {
            "text": self.text,
            "voice": [
                self.voice.engine,
                self.voice.name,
                str(self.voice.model),
                self.voice.rate_wpm,
                self.voice.pitch,
            ],
            "engine": engine_version,
            "sound": SOUND_VERSION,
            "encoding": ENCODING_VERSION,
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
    readies: dict[Voice, Ready] = {}
    stale: dict[Voice, list[tuple[Clip, str]]] = {}
    for clip in clips:
        ready = readies.get(clip.voice) or readies.setdefault(clip.voice, ready_for(clip))
        digest = clip.digest(ready.engine.version())
        recorded = manifest.get(str(clip.path), {}).get("hash")
        if force or recorded != digest or not (audio_dir / clip.path).is_file():
            stale.setdefault(clip.voice, []).append((clip, digest))
    written = []
    for voice, todo in stale.items():
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            paced = [pacing.paced_phrases(clip.text) for clip, _ in batch]
            spoken = speak_clips(readies[voice], paced)
            for (clip, digest), (samples, rate) in zip(batch, spoken, strict=True):
                target = audio_dir / clip.path
                seconds = encode_clip(samples.astype(np.float32) / 32768, rate, target)
                manifest[str(clip.path)] = {"hash": digest, "text": clip.text}
                write_json(manifest_path, {"version": 1, "clips": dict(sorted(manifest.items()))})
                written.append(target)
                print(f"wrote {clip.path} ({seconds:.1f} s)", flush=True)
    return written


def ready_for(clip: Clip) -> Ready:
    try:
        return prepare_voice(clip.voice)
    except MeditateError as error:
        raise MeditateError(f"{clip.session}: {error}") from None


def session_clips(session: Path) -> Iterator[Clip]:
    try:
        loaded = load_session(session)
    except MeditateError as error:
        raise MeditateError(f"{session}: cannot read: {error}") from None
    voice = draft_voice(loaded.voice, session) if loaded.voice else LIBRARY_VOICE
    for step in flatten(loaded.steps):
        if isinstance(step, Narration) and step.clip is not None and step.text:
            yield Clip(clip_path(step.clip.written, session), step.text.strip(), voice, session)


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
        if (first.text, first.voice) != (clip.text, clip.voice):
            raise MeditateError(
                f"{clip.path} is spoken differently in {first.session} and {clip.session}: "
                "give each text or voice its own path"
            )
    return list(seen.values())


def encode_clip(voice: np.ndarray, rate: int, target: Path) -> float:
    """Encode float mono `voice` to Ogg Vorbis at `target`, atomically; return its seconds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_output(target, force=True) as partial:
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-f", "f32le", "-ar", str(rate), "-ac", "1",
                 "-i", "-", "-c:a", "libvorbis", "-q:a", str(VORBIS_QUALITY), "-map_metadata",
                 "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "ogg", str(partial)],
                input=voice.astype("<f4").tobytes(), capture_output=True, check=True,
            )  # fmt: skip
    except FileNotFoundError as error:
        raise MeditateError("ffmpeg is needed to encode narration but was not found") from error
    except subprocess.CalledProcessError as error:
        raise MeditateError(f"ffmpeg could not encode {target}: {error.stderr.decode()}") from error
    return len(voice) / rate


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
