"""Load on `meditate serve`, on loopback only: LISTENERS listeners at once, each opening a
different session or length (so each asks for its own render), waiting for it as the page
does, then streaming its audio whole, seeking twice and streaming again.

Run: .venv/bin/python benchmarks/serve_load.py [--listeners 20] [--deadline 900]

Bounded: every request goes to 127.0.0.1, the listeners make a fixed number of requests, and
the run stops at --deadline seconds whatever happens. Reported: requests and failures,
latency percentiles of pages, progress polls and first audio bytes once rendered, the longest
stall between two chunks of a stream after its render, and the server's memory (VmRSS, VmHWM).
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_client import AUDIO, JOB, Server

CHUNK = 64 * 1024


def choices(count: int) -> list[str]:
    """`count` different pages: three-breaths at many lengths, timers of many lengths, and two
    longer sessions at their shortest."""
    pages = ["/sessions/grounding?set=1&ambient=on&bells=on&length=8:42",
             "/sessions/honouring-individuality?set=1&ambient=on&bells=on&length=7:59"]  # fmt: skip
    pages += [f"/sessions/three-breaths?set=1&ambient=on&bells=on&length={70 + 10 * i}"
              for i in range(12)]  # fmt: skip
    pages += [f"/timer?minutes={0.5 + 0.25 * i:g}&bell=chime&ambience=rain" for i in range(10)]
    return pages[:count]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    stalls: list[float] = field(default_factory=list)
    renders: list[float] = field(default_factory=list)

    def note(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)


def request(port: int, tally: Tally, kind: str, path: str, headers: dict[str, str] | None = None,
            stream: bool = False) -> bytes:  # fmt: skip
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        if response.status not in (200, 206):
            tally.fail(f"{path}: {response.status}")
            response.read()
            return b""
        if not stream:
            body = response.read()
            tally.note(kind, time.perf_counter() - started)
            return body
        chunks = []
        last = time.perf_counter()
        first = True
        while chunk := response.read(CHUNK):
            now = time.perf_counter()
            if first:
                tally.note(kind, now - started)
                first = False
            else:
                with tally.lock:
                    tally.stalls.append(now - last)
            last = now
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        tally.fail(f"{path}: {error}")
        return b""
    finally:
        connection.close()


def listen(port: int, page: str, tally: Tally, deadline: float) -> None:
    began = time.perf_counter()
    audio = None
    while time.perf_counter() < deadline and audio is None:
        text = request(port, tally, "page", page).decode()
        found = AUDIO.search(text)
        if found:
            audio = found.group(1)
            break
        job = JOB.search(text)
        if job is None:
            tally.fail(f"{page}: neither audio nor a render")
            return
        while time.perf_counter() < deadline:
            time.sleep(0.5)
            state = request(port, tally, "poll", f"/api/jobs/{job.group(1)}")
            if b'"ready"' in state or b'"failed"' in state:
                if b'"failed"' in state:
                    tally.fail(f"{page}: {state.decode()}")
                    return
                break
    if audio is None:
        tally.fail(f"{page}: not ready by the deadline")
        return
    with tally.lock:
        tally.renders.append(time.perf_counter() - began)
    whole = request(port, tally, "audio", audio, {"Range": "bytes=0-"}, stream=True)
    for share in (0.5, 0.25):  # seeks, as the browser's player asks for them
        request(port, tally, "audio", audio, {"Range": f"bytes={int(len(whole) * share)}-"},
                stream=True)  # fmt: skip
    again = request(port, tally, "audio", audio, stream=True)
    if again != whole:
        tally.fail(f"{audio}: a second stream differed from the first")


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    pick = [ordered[min(len(ordered) - 1, int(q * len(ordered)))] for q in (0.5, 0.9, 0.99)]
    names = ("p50", "p90", "p99")
    shown = " ".join(f"{n} {v * 1000:.0f} ms" for n, v in zip(names, pick, strict=True))
    return f"{shown}, max {ordered[-1] * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listeners", type=int, default=20)
    parser.add_argument("--deadline", type=float, default=900.0)
    args = parser.parse_args()
    pages = choices(args.listeners)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"{len(pages)} listeners")  # fmt: skip
    tally = Tally()
    with tempfile.TemporaryDirectory() as root:
        server = Server.start(Path(root))
        peak_rss = 0.0
        try:
            started = time.perf_counter()
            deadline = started + args.deadline
            threads = [threading.Thread(target=listen, args=(server.port, page, tally, deadline))
                       for page in pages]  # fmt: skip
            for thread in threads:
                thread.start()
            while any(thread.is_alive() for thread in threads):
                peak_rss = max(peak_rss, server.rss_mb()[0])
                time.sleep(0.5)
            elapsed = time.perf_counter() - started
            rss, hwm = server.rss_mb()
            cpu = server.cpu_seconds()
        finally:
            server.stop()
    count = sum(len(values) for values in tally.latencies.values()) + len(tally.failures)
    print(f"finished in {elapsed:.0f} s; CPU {cpu:.0f} s (server, renders and their encoders)")
    print(f"requests: {count}, failures: {len(tally.failures)}")
    for failure in tally.failures[:10]:
        print(f"  {failure}")
    for kind in ("page", "poll", "audio"):
        print(f"{kind:>6}: {percentiles(tally.latencies.get(kind, []))}")
    if tally.renders:
        waits = (
            f"median {statistics.median(tally.renders):.0f} s, longest {max(tally.renders):.0f} s"
        )
        print(f"waits for a render: {waits}")
    print(f"stalls between 64 KiB chunks once rendered: {percentiles(tally.stalls)}")
    print(f"server memory: RSS {rss:.0f} MB at the end, peak {max(hwm, peak_rss):.0f} MB")


if __name__ == "__main__":
    main()
