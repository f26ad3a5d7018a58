"""Time to first audio in `meditate serve`: from opening a session's page to the first bytes of
its audio, as the page gets them (the page, the render's progress polled every 0.5 s as the
page's script does, then the audio), with the cache empty and once it holds the render.

Run: .venv/bin/python benchmarks/serve_start.py [--sessions grounding,three-breaths] [--runs 3]

Cold: a new server over an empty cache (bundled measurements are shipped, so this is the
render and encoding). Warm: a new server process over the filled cache, so nothing of the
first is in its memory; the median of --runs. The CPU time of the server, its renders and
their encoders is given too, since wall time on a busy machine says more about the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_client import Client, Server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="grounding,three-breaths")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'session':<16} {'':<5} {'page ready':>11} {'first audio':>12} {'CPU':>11}")
    for name in args.sessions.split(","):
        with tempfile.TemporaryDirectory() as root:
            server = Server.start(Path(root))
            try:
                cpu = server.cpu_seconds()
                _, ready, first = Client(server.port).first_audio(f"/sessions/{name}")
                cold = (ready, first, server.cpu_seconds() - cpu)
            finally:
                server.stop()
            warm = []
            for _ in range(args.runs):
                server = Server.start(Path(root))
                try:
                    cpu = server.cpu_seconds()
                    _, ready, first = Client(server.port).first_audio(f"/sessions/{name}")
                    warm.append((ready, first, server.cpu_seconds() - cpu))
                finally:
                    server.stop()
        for label, (ready, first, cpu) in (
            ("cold", cold),
            ("warm", tuple(statistics.median(run[i] for run in warm) for i in range(3))),
        ):
            print(f"{name:<16} {label:<5} {ready:>10.2f}s {first:>11.2f}s {cpu:>10.2f}s")


if __name__ == "__main__":
    main()
