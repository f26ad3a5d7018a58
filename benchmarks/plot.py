"""Time of `meditate show SESSION --plot`, with a warm cache and with an empty one.

Run: .venv/bin/python benchmarks/plot.py [--runs 5] [--sessions heart-opening,generated-20]

For each session: the median (and range) of --runs runs of the whole command, each in a new
process, first with the cache left from a warm-up run, then with an empty cache each time
(MEDITATE_CACHE pointed at a fresh folder), as a new user has. `generated-20` is the
20-minute session of benchmarks/export.py (bundled clips, a ducked brown-noise bed).
Goal: under 5 s for a 20-minute session.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export import session_text


def plot_seconds(session: str, folder: Path, cache: Path) -> float:
    target = folder / "plot.png"
    target.unlink(missing_ok=True)
    env = {**os.environ, "MEDITATE_CACHE": str(cache)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "player", "show", session, "--plot", str(target)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"show --plot failed: {done.stderr.strip()}")
    return elapsed


def summary(times: list[float]) -> str:
    return f"{statistics.median(times):6.2f} s median ({min(times):.2f}-{max(times):.2f})"


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


if __name__ == "__main__":
    main()
