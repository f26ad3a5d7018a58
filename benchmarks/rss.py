"""Peak memory (VmHWM) of the `meditate` process exporting and playing sessions.

Run: .venv/bin/python benchmarks/rss.py [--sessions grounding:9m,grounding:20m,...] [--runs 1]
     .venv/bin/python benchmarks/rss.py --all        (every bundled session, natural and 2x)
     .venv/bin/python benchmarks/rss.py --long [--work DIR] [--minutes 30,60,180]

Every figure is the peak resident memory of the meditate process alone (VmHWM read in it as
it ends; its ffmpeg helpers are separate processes, not counted), with an empty cache (each
run gets a new MEDITATE_CACHE), as a new user's first export or sitting has.

Bundled sessions (the default), for each SESSION:LENGTH:
- export: `meditate export SESSION --length LENGTH` to MP3.
- play: the whole session through the player as `meditate play` drives it (renderer, PCM
  buffer rendered ahead and released behind, decoding ahead, the bells made ahead), on the
  silent device with a clock running --speed times faster than real time, so a 38-minute
  sitting is heard in a few minutes; and `meditate play` itself at the ALSA device (its
  `file` plugin, which keeps real time) for --listen seconds from the start and from 2
  minutes before the end.
Goal: <= 120 MB for every session and length, flat with length.

--long: sessions of each length in --minutes that use a 3-hour ambient recording (MP3 128k
stereo, a ducked bed) and a 90-minute narration clip (MP3 64k mono, when the session holds
it), both made once in --work; export, then play (MEDITATE_DEVICE=silent, real time) for
--listen seconds from the start and from 10 minutes before the end. Goal: under 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export import CLIPS

REPO = Path(__file__).resolve().parent.parent
MB = 2**20
PEAK = """
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) * 1024
"""
MEASURE = (
    PEAK
    + """
import sys
from player.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print("vmhwm", peak(), file=sys.stderr)
"""
)
# The sitting `meditate play` drives (player/live/session.py), on a silent device whose clock
# runs `speed` times faster than real time.
PLAY_FAST = (
    PEAK
    + """
import sys, time
import player.cli  # as `meditate` starts: the process set up as the command sets it up
from player.session.units import parse_duration
from player.live.buffer import PcmBuffer, preroll_frames
from player.live.devices import ClockDevice
from player.live.player import Player
from player.prepare.session import load_prepared
from player.session.library import resolve
from player.session.model import Bell, flatten
from player.session.timeline import compile_timeline
from player.sound.bells import synthesise_ahead
from player.sound.render import Renderer

name, length, speed = sys.argv[1], parse_duration(sys.argv[2]), float(sys.argv[3])
session = load_prepared(resolve(name))
synthesise_ahead(s.name or "" for s in flatten(session.steps) if isinstance(s, Bell))
timeline = compile_timeline(session, length)
origin = time.monotonic()
clock = lambda: origin + (time.monotonic() - origin) * speed
buffer = PcmBuffer(Renderer(timeline))
player = Player(timeline, buffer, ClockDevice(clock), clock, preroll_frames(timeline.length))
player.start(0)
while not player.finished():
    player.keep_up()
    time.sleep(0.02)
player.stop()
buffer.close()
print("vmhwm", peak(), file=sys.stderr)
"""
)
ASOUNDRC = 'pcm.!default {{ type file; slave.pcm "null"; file "{out}"; format "raw" }}\n'


def _peak_of(stderr: str, what: str) -> int:
    found = [line for line in stderr.splitlines() if line.startswith("vmhwm")]
    if not found or "Traceback" in stderr:
        sys.exit(f"{what} failed: {stderr.strip()}")
    return int(found[-1].split()[1])


def _run(code: str, args: list[str], env: dict[str, str], what: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"{what} failed: {done.stderr.strip()}")
    return _peak_of(done.stderr, what)


def _fresh_env(scratch: Path, **extra: str) -> dict[str, str]:
    cache = Path(tempfile.mkdtemp(dir=scratch, prefix="cache-"))
    return {**os.environ, "MEDITATE_CACHE": str(cache), **extra}


def _minutes_of(length: str) -> float:
    sys.path.insert(0, str(REPO))
    from player.session.units import parse_duration

    return parse_duration(length) / 60


def export_peak(name: str, length: str, scratch: Path) -> int:
    target = scratch / f"{name}.mp3"
    args = ["export", name, "--length", length, "-o", str(target), "-q", "--force"]
    return _run(MEASURE, args, _fresh_env(scratch), f"export {name} {length}")


def fast_play_peak(name: str, length: str, speed: float, scratch: Path) -> int:
    return _run(PLAY_FAST, [name, length, str(speed)], _fresh_env(scratch), f"play {name}")


def alsa_play_peak(name: str, length: str, seconds: float, scratch: Path, *extra: str) -> int:
    """`meditate play` at the ALSA device (its file plugin) for `seconds`, then Ctrl-C."""
    home = Path(tempfile.mkdtemp(dir=scratch, prefix="home-"))
    (home / ".asoundrc").write_text(ASOUNDRC.format(out=os.devnull))
    env = _fresh_env(scratch, HOME=str(home), MEDITATE_DEVICE="alsa")
    command = [sys.executable, "-c", MEASURE, "play", name, "--length", length, "--no-log", *extra]
    process = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(seconds)
    process.send_signal(signal.SIGTERM)  # as Ctrl-C (a background job ignores SIGINT)
    try:
        _, errors = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
    return _peak_of(errors, f"play {name} at the ALSA device")


def bundled(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        if args.all:
            listed = subprocess.run(
                [sys.executable, "-m", "player", "list", "--json"],
                capture_output=True, text=True, check=True, env=_fresh_env(scratch),
            )  # fmt: skip
            chosen = []
            for entry in json.loads(listed.stdout):
                minutes = round(entry["duration"] / 60)
                chosen += [(entry["name"], f"{minutes}m"), (entry["name"], f"{2 * minutes}m")]
        else:
            chosen = [tuple(item.split(":")) for item in args.sessions.split(",")]
        print(
            f"session:length        | export MB | play MB (whole, {args.speed:g}x clock) | "
            f"play at ALSA for {args.listen:g} s: start / end MB"
        )
        for name, length in chosen:
            exports = [export_peak(name, length, scratch) for _ in range(args.runs)]
            plays = [fast_play_peak(name, length, args.speed, scratch) for _ in range(args.runs)]
            late = f"{max(0.0, _minutes_of(length) - 2):.2f}m"
            alsa = [
                alsa_play_peak(name, length, args.listen, scratch),
                alsa_play_peak(name, length, args.listen, scratch, "--from", late),
            ]
            print(
                f"{name + ':' + length:22s} | {statistics.median(exports) / MB:9.0f} | "
                f"{statistics.median(plays) / MB:31.0f} | "
                f"{alsa[0] / MB:5.0f} / {alsa[1] / MB:5.0f}",
                flush=True,
            )


# -- --long: long sound files


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


def silent_play_peak(session: Path, env: dict[str, str], seconds: float, *extra: str) -> int:
    process = subprocess.Popen(
        [sys.executable, "-c", MEASURE, "play", str(session), "--no-log", *extra],
        env={**env, "MEDITATE_DEVICE": "silent"}, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(seconds)
    process.send_signal(signal.SIGTERM)  # stops like Ctrl-C (which a background job ignores)
    try:
        _, errors = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
    return _peak_of(errors, "play")


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


def long_files(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        bed, voice = make_sounds(work)
        cache = work / "cache"
        env = {**os.environ, "MEDITATE_CACHE": str(cache)}
        print("minutes | export MB | export time | play MB from the start / 10 min before the end")
        for minutes in (int(m) for m in args.minutes.split(",")):
            session = work / f"long-{minutes}.yaml"
            session.write_text(session_text(minutes, bed, voice))
            subprocess.run(["rm", "-rf", str(cache)], check=True)
            target = work / f"long-{minutes}.mp3"
            started = time.perf_counter()
            own = _run(
                MEASURE, ["export", str(session), "-o", str(target), "-q", "--force"], env, "export"
            )
            elapsed = time.perf_counter() - started
            for sound in (bed, voice):
                decode_into_cache(sound, env)
            start = silent_play_peak(session, env, args.listen)
            late = f"{max(0.0, duration(session, env) - 600):.0f}s"
            end = silent_play_peak(session, env, args.listen, "--from", late)
            print(
                f"{minutes:7d} | {own / MB:9.0f} | {elapsed:9.1f} s | "
                f"{start / MB:5.0f} / {end / MB:5.0f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sessions", default="grounding:9m,grounding:20m,heart-opening:20m,heart-opening:38m"
    )
    parser.add_argument("--all", action="store_true", help="every bundled session, 1x and 2x")
    parser.add_argument("--runs", type=int, default=1, help="runs of each (the median shown)")
    parser.add_argument("--speed", type=float, default=10.0, help="clock speed of the whole play")
    parser.add_argument("--listen", type=float, default=None)
    parser.add_argument("--long", action="store_true", help="long sound files instead")
    parser.add_argument("--work", type=Path, help="--long: keep the made sounds here")
    parser.add_argument("--minutes", default="30,60,180", help="--long: session lengths")
    args = parser.parse_args()
    if args.long:
        args.listen = 30.0 if args.listen is None else args.listen
        long_files(args)
    else:
        args.listen = 8.0 if args.listen is None else args.listen
        bundled(args)


if __name__ == "__main__":
    main()
