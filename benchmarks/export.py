"""Export speed and memory on generated long sessions.

Run: .venv/bin/python benchmarks/export.py [--minutes 60] [--memory 30,60,120] [--runs 3]

Reports, for a generated session of narration clips and a synthesised, ducked bed:
- the realtime factor of `meditate export` to MP3 at 128k,
- its ratio to the floor: ffmpeg alone encoding the same PCM (from a WAV) to MP3 at 128k,
  each the median of --runs runs, taken in turns (the machine may be shared),
- the render-only speed (export to WAV),
- peak RSS of the export process for each length in --memory (goal: flat, under 200 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLIPS = [
    "narration/three-breaths/01-arrive.ogg",
    "narration/three-breaths/02-in.ogg",
    "narration/three-breaths/03-out.ogg",
    "narration/three-breaths/04-return.ogg",
]
MEASURE = """
import resource, sys
from player.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print("maxrss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def session_text(minutes: int) -> str:
    """About one narration clip and 20 s of silence per 30 s, a chapter every 10 minutes."""
    lines = [
        f"title: Generated {minutes} minutes",
        "ambient:",
        "  - sound: synth:brown-noise",
        "    volume: -22 dB",
        "    duck: 6 dB",
        "steps:",
        "  - bell: singing-bowl",
    ]
    for chapter in range(minutes // 10):
        lines.append(f"  - chapter: Part {chapter + 1}")
        lines.append("  - repeat: 20")
        lines.append("    steps:")
        for clip in CLIPS:
            lines.append(f"      - narration: {clip}")
            lines.append("        text: A line of guidance.")
            lines.append("      - silence: 5s")
    lines.append("  - bell: singing-bowl")
    return "\n".join(lines) + "\n"


def timed_export(session: Path, target: Path) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, "export", str(session), "-o", str(target), "-q",
         "--force"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(done.stderr)
    rss = int(done.stderr.split("maxrss_kb")[-1].split()[0])
    return elapsed, rss


def seconds_of(session: Path) -> float:
    shown = subprocess.run(
        [sys.executable, "-m", "player.cli", "show", str(session), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(shown.stdout)["duration"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--memory", default="30,60,120", help="lengths to measure RSS for")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        os.environ["XDG_CACHE_HOME"] = str(folder / "cache")
        session = folder / "long.yaml"
        session.write_text(session_text(args.minutes))
        audio_seconds = seconds_of(session)
        wav_time, _ = timed_export(session, folder / "long.wav")
        mp3_times, floors = [], []
        for _ in range(args.runs):
            mp3_time, mp3_rss = timed_export(session, folder / "long.mp3")
            mp3_times.append(mp3_time)
            started = time.perf_counter()
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-i", str(folder / "long.wav"), "-c:a",
                 "libmp3lame", "-b:a", "128k", str(folder / "floor.mp3")],
                check=True,
            )  # fmt: skip
            floors.append(time.perf_counter() - started)
        mp3_time, floor = statistics.median(mp3_times), statistics.median(floors)
        ratios = ", ".join(f"{m / f:.2f}" for m, f in zip(mp3_times, floors, strict=True))
        print(f"session: {audio_seconds / 60:.1f} min of audio")
        print(
            f"export to MP3 128k: {mp3_time:.1f} s, realtime factor {audio_seconds / mp3_time:.0f}x"
        )
        print(f"ffmpeg alone, WAV to MP3 128k (the floor): {floor:.1f} s")
        print(f"ratio to the floor: {mp3_time / floor:.2f} (goal <= 1.0); each run: {ratios}")
        print(f"render only (export to WAV): {wav_time:.1f} s, {audio_seconds / wav_time:.0f}x")
        print(f"peak RSS, {args.minutes} min MP3 export: {mp3_rss / 1024:.0f} MB")
        for minutes in [int(m) for m in args.memory.split(",") if m]:
            other = folder / f"m{minutes}.yaml"
            other.write_text(session_text(minutes))
            _, rss = timed_export(other, folder / f"m{minutes}.mp3")
            print(f"peak RSS, {minutes} min: {rss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
