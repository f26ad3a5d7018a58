"""`meditate serve`'s safety: on the home network nothing is served without the token, no
address reaches a file on disk, a port in use names a free one, and Ctrl-C mid-render leaves
nothing half-written."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from serving import running

MEDITATE = [sys.executable, "-m", "player"]
_opened: list[str] | None = None  # while a test watches: every file this process opens
_watch = threading.Lock()


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and _opened is not None and args and isinstance(args[0], (str, bytes)):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)

ATTEMPTS = (
    "/sessions/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/sessions/%2Fetc%2Fpasswd",
    "/sessions//etc/passwd",
    "/sessions/..%2fsecret",
    "/sessions/secret%00.yaml",
    "/sessions/%00",
    "/audio/..%2f..%2fsecret.mp3",
    "/audio/%2Fetc%2Fpasswd",
    "/static/..%2fapp.py",
    "/static/%2Fetc%2Fpasswd",
    "/../../etc/passwd",
    "/etc/passwd",
)


def test_on_the_home_network_nothing_is_served_without_the_token() -> None:
    with running(lan=True) as site:
        assert site.token and f"?token={site.token}" in site.url
        refused = [site.request(path) for path in ("/", "/static/style.css", "/history")]
        wrong = site.request("/?token=guess")
        forged = site.request("/", headers={"Cookie": "meditate_token=guess"})
        first = site.request(f"/sessions/three-breaths?token={site.token}&set=1")
        cookie = first.headers["set-cookie"].split(";")[0]
        then = site.request(first.headers["location"], headers={"Cookie": cookie})
    assert [answer.status for answer in refused] == [403, 403, 403]
    assert all(b"Open the address meditate printed" in answer.body for answer in refused)
    assert b"stylesheet" not in refused[0].body  # the refusal itself asks for nothing
    assert wrong.status == 403 and forged.status == 403
    assert first.status == 303 and first.headers["location"] == "/sessions/three-breaths?set=1"
    assert "HttpOnly" in first.headers["set-cookie"]
    assert then.status == 200 and b"<h1>Three Breaths</h1>" in then.body


def test_traversal_attempts_get_404_and_open_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    global _opened
    library = tmp_path / "lib" / "sessions"
    library.mkdir(parents=True)
    (library / "calm.yaml").write_text("title: Calm\nsteps:\n  - silence: 2s\n")
    (tmp_path / "lib" / "secret.yaml").write_text("title: Secret\nsteps:\n  - silence: 2s\n")
    monkeypatch.setenv("MEDITATE_PATH", str(library))
    with running(lan=True) as site:
        cookie = {"Cookie": f"meditate_token={site.token}"}
        assert site.request("/sessions/calm", headers=cookie).status == 200
        answers = []
        with _watch:
            _opened = []
            try:
                for path in ATTEMPTS:
                    answers.append(site.request(path, headers=cookie))
                site.request("/sessions/calm", headers=cookie)  # the watch sees what it reads
            finally:
                opened, _opened = _opened, None
    assert [(path, a.status) for path, a in zip(ATTEMPTS, answers, strict=True)] == [
        (path, 404) for path in ATTEMPTS
    ]
    assert not [a for a in answers if b"root:" in a.body or b"Secret" in a.body]
    reached = [p for p in opened if "passwd" in p or "secret" in p or p.endswith("app.py")]
    assert reached == []
    assert str(library / "calm.yaml") in opened


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_port_in_use_is_one_line_naming_a_free_one() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*MEDITATE, "serve", "--port", str(port)], capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"meditate: port {port} is in use by another program: try --port ")
    free = int(line.rsplit(" ", 1)[1])
    with socket.socket() as again:
        again.bind(("127.0.0.1", free))  # it is free indeed


def _serve(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [*MEDITATE, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env, start_new_session=True,
    )  # fmt: skip
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("Serving the library"), first + process.stderr.read()
    return process, first


def test_lan_prints_the_address_with_its_token_and_a_qr_code_and_open_opens_it(
    tmp_path: Path,
) -> None:
    opened = tmp_path / "opened.txt"
    opener = tmp_path / "opener"
    opener.write_text(f'#!/bin/sh\necho "$1" > {opened}.part && mv {opened}.part {opened}\n')
    opener.chmod(0o755)
    port = _free_port()
    env = {**os.environ, "BROWSER": str(opener)}
    process, first = _serve("--lan", "--port", str(port), "--open", env=env)
    try:
        url = first.split(" at ", 1)[1].strip()
        deadline = time.monotonic() + 30
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert url.startswith("http://") and f":{port}/?token=" in url
    assert len(url.rsplit("=", 1)[1]) >= 20
    assert "█" in out or "▀" in out  # the QR code, in text blocks
    assert opened.read_text().strip() == url
    assert process.returncode == 0 and out.rstrip().endswith("Stopped serving."), err
    assert "Traceback" not in err


def test_ctrl_c_mid_render_stops_at_once_leaving_nothing_half_written() -> None:
    from player.common.cache import cache_root

    port = _free_port()
    process, _ = _serve("--port", str(port))
    renders = cache_root() / "serve"
    try:
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/sessions/grounding")
        assert connection.getresponse().status == 200
        deadline = time.monotonic() + 120
        while not list(renders.glob(".*partial*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(renders.glob(".*partial*")), "the render never began"
    finally:
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=60)
    said = f"stdout: {out}\nstderr: {err}"
    assert process.returncode == 0 and out.rstrip().endswith("Stopped serving."), said
    assert "Traceback" not in err, said
    assert list(renders.iterdir()) == [], said  # stopped, not finished, nothing left behind
