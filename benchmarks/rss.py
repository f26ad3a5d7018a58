"""Peak memory (RSS) of `meditate export` and `meditate play` with long sound files.

Run: .venv/bin/python benchmarks/rss.py [--work DIR] [--minutes 30,60,180] [--listen 30]

Makes (once, in --work) a 3-hour ambient recording (brown noise, MP3 128k stereo) and a
90-minute narration clip (a bundled clip looped, MP3 64k mono), and sessions of each length
in --minutes that use both: the 3-hour file as a ducked bed, and the 90-minute clip as the
first narration when the session is long enough to hold it (shorter ones use bundled clips).

- export: the whole session to MP3; peak RSS of the meditate process itself (getrusage
  RUSAGE_SELF in it; its ffmpeg helpers are separate processes of a few tens of MB: a forked
  child's ru_maxrss starts from its parent's, so RUSAGE_CHILDREN cannot tell them apart).
- play: MEDITATE_DEVICE=silent (real time) for --listen seconds from the start, and again
  from 10 minutes before the end (--from), then stopped with SIGTERM (as Ctrl-C); peak
  RSS (VmHWM) of the player.

The cache (MEDITATE_CACHE in --work) is emptied before each length's export, so the export
decodes and measures the long files as a new user's first export would. Before play, the
long files are decoded into the cache to the end (an export of a short session stops their
decoders when it ends), so a late --from plays at once.
Goal: under 200 MB for every length.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export import CLIPS

REPO = Path(__file__).resolve().parent.parent
MEASURE = """
import resource, sys
from player.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print("maxrss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def make_sounds(work: Path) -> tuple[Path, Path]:
    bed, voice = work / "ambient-3h.mp3", work / "narration-90m.mp3"
    if not bed.exists():
        print("making a 3-hour ambient recording (a few minutes, once)...", flush=True)
        subprocess.run(
            [
                "ffmpeg", "-v", "error", "-nostdin", "-y",
                "-f", "lavfi", "-i", "anoisesrc=color=brown:r=44100:a=0.3:d=10800",
                "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k", str(bed),
            ],
            check=True,
        )  # fmt: skip
    if not voice.exists():
        print("making a 90-minute narration clip...", flush=True)
        subprocess.run(
            [
                "ffmpeg", "-v", "error", "-nostdin", "-y", "-stream_loop", "-1",
                "-i", str(REPO / "audio" / CLIPS[0]), "-t", "5400",
                "-ac", "1", "-c:a", "libmp3lame", "-b:a", "64k", str(voice),
            ],
            check=True,
        )  # fmt: skip
    return bed, voice


def session_text(minutes: int, bed: Path, voice: Path) -> str:
    """The long bed throughout; the long clip first when it fits; bundled clips the rest."""
    lines = [
        f"title: Long files, {minutes} minutes",
        "ambient:",
        f"  - sound: {bed}",
        "    volume: -22 dB",
        "    duck: 6 dB",
        "steps:",
        "  - bell: singing-bowl",
    ]
    rest = minutes
    if minutes >= 90:
        lines += ["  - chapter: The long clip", f"  - narration: {voice}", "    text: A long talk."]
        rest -= 90
    for part in range(rest // 10):
        lines += [f"  - chapter: Part {part + 1}", "  - repeat: 20", "    steps:"]
        for clip in CLIPS:
            lines += [f"      - narration: {clip}", "        text: A line.", "      - silence: 5s"]
    lines.append("  - bell: singing-bowl")
    return "\n".join(lines) + "\n"


def measured_export(session: Path, target: Path, env: dict[str, str]) -> tuple[int, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, "export", str(session), "-o", str(target), "-q", "--force"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"export failed: {done.stderr.strip()}")
    line = next(x for x in done.stderr.splitlines() if x.startswith("maxrss_kb"))
    return int(line.split()[1]) * 1024, elapsed


def playing_rss(session: Path, env: dict[str, str], seconds: float, *extra: str) -> int:
    process = subprocess.Popen(
        [sys.executable, "-c", MEASURE, "play", str(session), "--no-log", *extra],
        env={**env, "MEDITATE_DEVICE": "silent"}, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(seconds)
    status = Path(f"/proc/{process.pid}/status").read_text()
    process.send_signal(signal.SIGTERM)  # stops like Ctrl-C (which a background job ignores)
    try:
        _, errors = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
    if "Traceback" in errors:
        sys.exit(f"play failed: {errors.strip()}")
    line = next(line for line in status.splitlines() if line.startswith("VmHWM"))
    return int(line.split()[1]) * 1024


def decode_into_cache(sound: Path, env: dict[str, str]) -> None:
    """Decode a long file into the cache to the end, as a first play or export leaves it."""
    code = (
        "import sys; from pathlib import Path; from player.sound.stream import streamed; "
        "streamed(Path(sys.argv[1]), 0.0).length()"
    )
    subprocess.run([sys.executable, "-c", code, str(sound)], env=env, check=True)


def duration(session: Path, env: dict[str, str]) -> float:
    shown = subprocess.run(
        [sys.executable, "-m", "player", "show", str(session), "--json"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(json.loads(shown.stdout)["duration"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, help="keep the made sounds here between runs")
    parser.add_argument("--minutes", default="30,60,180")
    parser.add_argument("--listen", type=float, default=30.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        bed, voice = make_sounds(work)
        cache = work / "cache"
        env = {**os.environ, "MEDITATE_CACHE": str(cache)}
        mb = 2**20
        print(
            "minutes | export RSS | export time | play RSS from the start / 10 min before the end"
        )
        for minutes in (int(m) for m in args.minutes.split(",")):
            session = work / f"long-{minutes}.yaml"
            session.write_text(session_text(minutes, bed, voice))
            shutil.rmtree(cache, ignore_errors=True)
            own, elapsed = measured_export(session, work / f"long-{minutes}.mp3", env)
            for sound in (bed, voice):
                decode_into_cache(sound, env)
            start = playing_rss(session, env, args.listen)
            late = f"{max(0.0, duration(session, env) - 600):.0f}s"
            end = playing_rss(session, env, args.listen, "--from", late)
            print(
                f"{minutes:7d} | {own / mb:7.0f} MB | {elapsed:9.1f} s | "
                f"{start / mb:5.0f} MB / {end / mb:5.0f} MB",
                flush=True,
            )


if __name__ == "__main__":
    main()
