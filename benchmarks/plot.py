"""Time of `meditate show SESSION --plot`, with a warm cache and with an empty one.

Run: .venv/bin/python benchmarks/plot.py [--runs 5] [--sessions heart-opening,generated-20]

For each session: the median (and range) of --runs runs of the whole command, each in a new
process, first with the cache left from a warm-up run, then with an empty cache each time
(MEDITATE_CACHE pointed at a fresh folder), as a new user has; and the median processor time
of those runs (the command's and its ffmpeg helpers', all cores together), which a busy
machine distorts less than the wall time. `generated-20` is the 20-minute session of
benchmarks/export.py (bundled clips, a ducked brown-noise bed): a user's session, whose
clips are measured, on every core, as it is drawn.
Goal: under 5 s for `heart-opening` with an empty cache.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export import session_text


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def plot_seconds(session: str, folder: Path, cache: Path) -> tuple[float, float]:
    """Wall time and processor time of one `show --plot`."""
    target = folder / "plot.png"
    target.unlink(missing_ok=True)
    env = {**os.environ, "MEDITATE_CACHE": str(cache)}
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "player", "show", session, "--plot", str(target)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"show --plot failed: {done.stderr.strip()}")
    return elapsed, _children_cpu() - cpu


def summary(runs: list[tuple[float, float]]) -> str:
    times = [wall for wall, _ in runs]
    cpu = statistics.median(used for _, used in runs)
    return (
        f"{statistics.median(times):6.2f} s median ({min(times):.2f}-{max(times):.2f}), "
        f"cpu {cpu:5.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sessions", default="heart-opening,generated-20")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for name in args.sessions.split(","):
            session = name
            if name.startswith("generated-"):
                path = folder / f"{name}.yaml"
                path.write_text(session_text(int(name.split("-")[1])))
                session = str(path)
            warm = folder / "warm-cache"
            plot_seconds(session, folder, warm)
            warm_times = [plot_seconds(session, folder, warm) for _ in range(args.runs)]
            cold_times = [
                plot_seconds(session, folder, folder / f"cold-{run}") for run in range(args.runs)
            ]
            print(f"{name:16s} warm {summary(warm_times)}   empty cache {summary(cold_times)}")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
