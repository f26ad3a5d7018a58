"""Wall time of `meditate list` over 200 session files and of `meditate --help`.

Run: .venv/bin/python benchmarks/cli_speed.py [--sessions 200] [--runs 7]
Goals (issue 2): list under 0.5 s, --help under 0.15 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SESSION = """\
title: Generated session {n}
description: A generated session for timing the library listing.
tags: [benchmark, generated]
ambient:
  - sound: synth:brown-noise
    volume: -24 dB
    duck: 6 dB
steps:
  - bell: singing-bowl
  - chapter: Arriving
  - narration: narration/three-breaths/01-arrive.ogg
    text: Wherever you are, let yourself stop for a moment.
  - silence: 20s
  - chapter: Breathing
  - repeat: 10
    steps:
      - narration: narration/three-breaths/02-in.ogg
      - silence: 4s
      - narration: narration/three-breaths/03-out.ogg
      - silence: 6s
  - chapter: Returning
  - narration: narration/three-breaths/04-return.ogg
  - silence: 2m
    flex: true
  - bell: singing-bowl
"""


def timed(command: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    meditate = shutil.which("meditate", path=str(Path(sys.executable).parent)) or "meditate"
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "sessions"
        folder.mkdir()
        for n in range(args.sessions):
            (folder / f"generated-{n:04d}.yaml").write_text(SESSION.format(n=n))
        env = {
            **os.environ,
            "MEDITATE_PATH": str(folder),
            "XDG_CACHE_HOME": str(Path(scratch) / "cache"),
            "XDG_DATA_HOME": str(Path(scratch) / "data"),
        }
        cold = timed([meditate, "list"], env, 1)[0]
        warm = timed([meditate, "list"], env, args.runs)
        helps = timed([meditate, "--help"], env, args.runs)
    print(f"meditate list, {args.sessions} sessions + bundled, first run (no cache): {cold:.3f} s")
    print(
        f"meditate list, warm: median {statistics.median(warm):.3f} s, "
        f"min {min(warm):.3f} s over {args.runs} runs (goal: 200 sessions < 0.5 s, 1000 < 2 s)"
    )
    print(
        f"meditate --help: median {statistics.median(helps):.3f} s, "
        f"min {min(helps):.3f} s over {args.runs} runs (goal < 0.15 s)"
    )


if __name__ == "__main__":
    main()
