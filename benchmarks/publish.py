"""Publishing the bundled library: the first time, again with nothing changed, and after one edit.

Run: .venv/bin/python benchmarks/publish.py [--jobs N] [--keep DIR]

In a fresh cache and a fresh folder, reports the wall time of
- `meditate publish DIR --all` (every bundled session exported),
- the same again with nothing changed (which must export nothing),
- the same after one session is edited (a copy of three-breaths with a silence a second
  longer, earlier on the search path), which must export that session alone.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MEDITATE = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]


def publish(folder: Path, env: dict[str, str], *args: str) -> tuple[float, list[str], str]:
    """Seconds taken, the sessions exported, and the summary it printed."""
    started = time.perf_counter()
    done = subprocess.run(
        [*MEDITATE, "publish", str(folder), *args], env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    exported = re.findall(r"^Exported (\S+)", done.stdout, re.MULTILINE)
    summary = next(line for line in done.stdout.splitlines() if line.startswith("Published"))
    return seconds, exported, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="publish into this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        own = root / "own"
        own.mkdir()
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "MEDITATE_PATH": str(own),
            "XDG_CACHE_HOME": str(root / "cache"),
            "XDG_DATA_HOME": str(root / "data"),
        }
        folder = args.keep or root / "site"
        jobs = ("-j", str(args.jobs))
        first = publish(folder, env, "--all", "--base-url", "https://example.org/calm/", *jobs)
        again = publish(folder, env, *jobs)
        script = (REPO / "sessions" / "three-breaths.yaml").read_text()
        edited = script.replace("silence: 5s", "silence: 6s", 1)
        assert edited != script
        (own / "three-breaths.yaml").write_text(edited)
        after_edit = publish(folder, env, *jobs)
        size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
        for label, (seconds, exported, summary) in (
            ("first publish, whole library", first),
            ("again, nothing changed", again),
            ("after editing three-breaths", after_edit),
        ):
            print(f"{label:30} {seconds:7.1f} s  exported: {', '.join(exported) or 'none'}")
            print(f"{'':30} {summary}")
        files = sum(1 for _ in folder.iterdir())
        print(f"folder: {size / 1e6:.1f} MB in {files} files, -j {args.jobs}")
        if again[1] or after_edit[1] != ["three-breaths"]:
            print("UNEXPECTED: a re-run exported what had not changed", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
