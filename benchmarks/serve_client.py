"""What the serve benchmarks share: `meditate serve` started as a real process on a loopback
port with its own cache and log, and a small HTTP client that behaves as the page does."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

JOB = re.compile(r'data-job="([0-9a-f]+)"')
AUDIO = re.compile(r'<audio id="audio" src="(/audio/[0-9a-f]+\.mp3)"')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def meditate() -> str:
    return shutil.which("meditate", path=str(Path(sys.executable).parent)) or "meditate"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int

    @classmethod
    def start(cls, root: Path) -> Server:
        """`meditate serve` with caches and data under `root` (kept between starts)."""
        port = free_port()
        env = {
            **os.environ,
            "XDG_CACHE_HOME": str(root / "cache"),
            "XDG_DATA_HOME": str(root / "data"),
            "MEDITATE_PATH": "",
        }
        env.pop("MEDITATE_CACHE", None)
        process = subprocess.Popen(
            [meditate(), "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, start_new_session=True,
        )  # fmt: skip
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("Serving"):
            raise SystemExit(f"the server did not start: {line}{process.stderr.read()}")
        return cls(process, port)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.communicate(timeout=120)

    def rss_mb(self) -> tuple[float, float]:
        """The server's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
        fields = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value
        return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server and of the processes it has waited for: its
        renders, and their ffmpeg encoders and meters."""
        parts = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(part) for part in parts[11:15]) / CLOCK_TICKS


@dataclass
class Client:
    port: int

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def first_audio(self, path: str, poll: float = 0.5) -> tuple[str, float, float]:
        """Open a page as the browser does, wait for its audio as the page's script does, and
        read the audio's first bytes: (audio address, seconds to the page being ready, seconds
        to the first audio bytes)."""
        started = time.perf_counter()
        while True:
            status, body = self.get(path)
            if status != 200:
                raise RuntimeError(f"{path}: {status}")
            page = body.decode()
            audio = AUDIO.search(page)
            if audio:
                break
            job = JOB.search(page)
            if job is None:
                raise RuntimeError(f"{path}: neither audio nor a render on the page")
            while True:
                time.sleep(poll)
                state = json.loads(self.get(f"/api/jobs/{job.group(1)}")[1])
                if state["state"] == "failed":
                    raise RuntimeError(f"{path}: {state['error']}")
                if state["state"] == "ready":
                    break
        ready = time.perf_counter() - started
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            connection.request("GET", audio.group(1), headers={"Range": "bytes=0-"})
            response = connection.getresponse()
            response.read(4096)
            first = time.perf_counter() - started
        finally:
            connection.close()
        return audio.group(1), ready, first
