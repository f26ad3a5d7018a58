"""Helpers for the web player's tests: the real server (uvicorn, the app, the guard) running in
a thread of the test, on a free loopback port, and plain HTTP requests to it."""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from player.common.cache import user_cache
from player.web.server import prepare_server

JOB = re.compile(r'data-job="([0-9a-f]+)"')
AUDIO = re.compile(r'<audio id="audio" src="(/audio/[0-9a-f]+\.mp3)"')


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass(frozen=True)
class Site:
    port: int
    url: str  # as the server would print it
    token: str | None

    def request(
        self, path: str, *, method: str = "GET", headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> Answer:  # fmt: skip
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            found = {key.lower(): value for key, value in response.getheaders()}
            return Answer(response.status, found, response.read())
        finally:
            connection.close()

    def ready_page(self, path: str, timeout: float = 240) -> tuple[str, str]:
        """The page at `path` once its audio is rendered, and the audio's address."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            page = self.request(path)
            assert page.status == 200, page.text
            audio = AUDIO.search(page.text)
            if audio:
                return page.text, audio.group(1)
            job = JOB.search(page.text)
            assert job, page.text
            while time.monotonic() < deadline:
                state = json.loads(self.request(f"/api/jobs/{job.group(1)}").body)
                assert state["state"] != "failed", state
                if state["state"] == "ready":
                    break
                time.sleep(0.2)
        raise AssertionError(f"{path} never became ready")


@contextlib.contextmanager
def running(*, lan: bool = False) -> Iterator[Site]:
    """The server on a free port, rendering into the test's own user cache."""
    serving = prepare_server(user_cache(), port=0, lan=lan)
    thread = threading.Thread(
        target=serving.server.run, kwargs={"sockets": [serving.sock]}, daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not serving.server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    token = parse_qs(urlsplit(serving.url).query).get("token", [None])[0]
    try:
        yield Site(serving.sock.getsockname()[1], serving.url, token)
    finally:
        serving.server.should_exit = True
        thread.join(30)
        serving.sock.close()
