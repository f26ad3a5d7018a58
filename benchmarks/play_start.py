"""Time from `meditate play` to the first bytes reaching the ALSA device, and memory while playing.

Run: .venv/bin/python benchmarks/play_start.py [--runs 5] [--listen 40]

- Start latency: ALSA's file plugin stands in for the card (a temporary HOME with an
  .asoundrc); the script polls the capture file and notes when its first bytes appear.
  Default preroll, for a 5-minute and a 60-minute session. Goal: under 0.3 s for both.
- Memory: the 60-minute session played in real time on MEDITATE_DEVICE=silent for --listen
  seconds, then stopped with Ctrl-C; peak RSS (VmHWM) of the player. Goal: at most the
  session's PCM size plus 100 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export import session_text


def meditate() -> str:
    return shutil.which("meditate", path=str(Path(sys.executable).parent)) or "meditate"


def first_bytes(session: Path, home: Path, capture: Path) -> float:
    capture.unlink(missing_ok=True)
    env = {**os.environ, "HOME": str(home)}
    env.pop("MEDITATE_PREROLL", None)
    started = time.perf_counter()
    process = subprocess.Popen(
        [meditate(), "play", str(session)], env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    seen = None
    while seen is None and process.poll() is None:
        try:
            if capture.stat().st_size > 0:
                seen = time.perf_counter() - started
        except FileNotFoundError:
            pass
        time.sleep(0.0005)
    process.kill()
    process.wait()
    if seen is None:
        sys.exit("no bytes reached the device")
    return seen


def peak_rss_while_playing(session: Path, seconds: float) -> int:
    env = {**os.environ, "MEDITATE_DEVICE": "silent"}
    process = subprocess.Popen(
        [meditate(), "play", str(session)], env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(seconds)
    status = Path(f"/proc/{process.pid}/status").read_text()
    process.send_signal(signal.SIGINT)
    process.wait()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM"))
    return int(line.split()[1]) * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--listen", type=float, default=40.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        capture = folder / "captured.raw"
        (folder / ".asoundrc").write_text(
            f'pcm.!default {{ type file; slave.pcm "null"; file "{capture}"; format "raw" }}\n'
        )
        for minutes in (5, 60):
            session = folder / f"s{minutes}.yaml"
            session.write_text(
                session_text(max(minutes, 10)).replace("repeat: 20", "repeat: 2")
                if minutes == 5
                else session_text(minutes)
            )
            first_bytes(session, folder, capture)  # warm the caches once
            times = [first_bytes(session, folder, capture) for _ in range(args.runs)]
            print(
                f"{minutes}-minute session: first bytes after {statistics.median(times):.3f} s "
                f"median, {min(times):.3f}-{max(times):.3f} s over {args.runs} runs (goal < 0.3 s)"
            )
        session = folder / "s60.yaml"
        pcm = 0
        shown = subprocess.run(
            [meditate(), "show", str(session), "--json"], capture_output=True, text=True, check=True
        ).stdout
        import json

        pcm = round(json.loads(shown)["duration"] * 44100) * 4
        rss = peak_rss_while_playing(session, args.listen)
        print(
            f"60-minute session ({pcm / 2**20:.0f} MB of PCM), {args.listen:.0f} s of real-time "
            f"playback: peak RSS {rss / 2**20:.0f} MB (limit: PCM + 100 MB = "
            f"{pcm / 2**20 + 100:.0f} MB)"
        )


if __name__ == "__main__":
    main()
