"""Decodes every sound file a prepared session names, in full: what `check` does to find
files whose headers look fine but whose sound is not (undecodable, cut short, damaged, pure
digital silence).

ffmpeg decodes each file to nothing, measuring as it goes (volumedetect), so even an
hour-long recording costs no memory. A file found sound is remembered by its size and time,
so checking again is quick; the bundled files, found sound when the bundle is made, are
shipped as such (tools/ship_measurements.py), by their content.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from player.common.audio_format import SAMPLE_RATE
from player.common.cache import Cache, code_version, shipped_value, user_cache
from player.common.errors import MeditateError
from player.common.paths import bundled_digest
from player.common.programs import FFMPEG_INSTALL_HINT
from player.session.model import Bell, FileRef, Narration, Session, Silence, flatten
from player.session.problems import Problem
from player.sound.decode import TRUNCATION_TOLERANCE

_TABLE = "sound-files"
_SILENT_DB = -90.5  # volumedetect's floor for 16-bit digital silence is -91 dB
_LEVEL = re.compile(r"\[(error|fatal|panic)\]\s*(?:Error while decoding stream #[\d:]+: )?(.*)")
_SAMPLES = re.compile(r"n_samples: (\d+)")
_PEAK = re.compile(r"max_volume: (-?[\d.]+|-inf) dB")


@dataclass(frozen=True)
class Decoded:
    seconds: float  # how much sound decoded
    peak_db: float  # its highest sample, dBFS
    damage: str | None  # ffmpeg's complaint about damaged data, if it had one


def sound_problems(session: Session, cache: Cache | None = None) -> list[Problem]:
    """A problem for each file of `session` that will not play as it should, at its step;
    damaged data that still plays is a warning. Files are decoded on every core at once."""
    version = verify_version()
    table = (cache or user_cache()).table(_TABLE, version)
    problems: list[Problem] = []
    pending: dict[str, tuple[FileRef, str, list[int]]] = {}
    for ref, what in _sound_files(session):
        key = str(ref.found.resolve())
        if key in pending:
            continue
        try:
            stat = ref.found.stat()
            digest = bundled_digest(ref.found)
        except OSError as error:
            problems.append(Problem(ref.where, f"{what} '{ref.written}': {error.strerror}"))
            continue
        if digest is not None and shipped_value(_TABLE, version, digest) is True:
            continue  # a bundled file, found sound when the bundle was made
        stamp = [stat.st_size, stat.st_mtime_ns]
        if table.get(key) != stamp:
            pending[key] = (ref, what, stamp)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        outcomes = pool.map(_decoded_or_error, [ref.found for ref, _, _ in pending.values()])
        for (key, (ref, what, stamp)), outcome in zip(pending.items(), outcomes, strict=True):
            problem = _problem(outcome, ref, what)
            if problem is None:
                table.put(key, stamp)
            else:
                problems.append(problem)
    return problems


def verify_version() -> str:
    """The version of this code, which names what it found (and shipped)."""
    return code_version(__name__)


def _decoded_or_error(path: Path) -> Decoded | MeditateError:
    try:
        return decode_to_nothing(path)
    except MeditateError as error:
        return error


def _problem(outcome: Decoded | MeditateError, ref: FileRef, what: str) -> Problem | None:
    if isinstance(outcome, MeditateError):
        return Problem(ref.where, f"{what} '{ref.written}': {outcome}")
    judged = _judged(outcome, ref)
    if judged:
        return Problem(ref.where, f"{what} '{ref.written}' {judged}")
    if outcome.damage:
        message = f"{what} '{ref.written}' has damaged data ({outcome.damage}): it plays "
        return Problem(ref.where, message + "with a gap or click there", warning=True)
    return None


def decode_to_nothing(path: Path) -> Decoded:
    """Decode the first audio stream of `path` in full. Raises MeditateError if it cannot."""
    command = [
        "ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info",
        "-i", str(path), "-map", "0:a:0", "-vn",
        "-af", f"aresample={SAMPLE_RATE},aformat=channel_layouts=mono,volumedetect",
        "-f", "null", "-",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise MeditateError(FFMPEG_INSTALL_HINT) from None
    complaints = [m.group(2).strip() for m in map(_LEVEL.search, done.stderr.splitlines()) if m]
    samples, peak = _SAMPLES.search(done.stderr), _PEAK.search(done.stderr)
    if done.returncode != 0 or not samples or not peak:
        reason = complaints[-1] if complaints else "ffmpeg could not read it"
        raise MeditateError(f"cannot be decoded: {reason[:1].lower()}{reason[1:160]}")
    peak_db = float("-inf") if peak.group(1) == "-inf" else float(peak.group(1))
    damage = complaints[0][:120] if complaints else None
    return Decoded(int(samples.group(1)) / SAMPLE_RATE, peak_db, damage)


def _judged(decoded: Decoded, ref: FileRef) -> str | None:
    promised = ref.length
    if decoded.seconds < promised - max(TRUNCATION_TOLERANCE, 0.05 * promised):
        return (
            f"is cut short: its header promises {promised:.1f} s but only "
            f"{decoded.seconds:.1f} s decode (export or copy it again)"
        )
    if decoded.peak_db <= _SILENT_DB:
        return "is pure digital silence: re-record or replace it"
    return None


def _sound_files(session: Session) -> Iterator[tuple[FileRef, str]]:
    for step in flatten(session.steps):
        if isinstance(step, Narration) and step.clip and not (step.draft or step.narrated):
            yield step.clip, "narration clip"
        elif isinstance(step, Bell) and step.file is not None:
            yield step.file, "bell sound"
        elif isinstance(step, Silence) and step.bells and step.bells.bell.file is not None:
            yield step.bells.bell.file, "bell sound"
    for bed in session.ambient:
        if bed.file is not None:
            yield bed.file, "ambient sound"
