"""Interrupted and concurrent exports, in real subprocesses: never a partial file at the target."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from measure import ffprobe

MEDITATE = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]


def long_session(folder: Path, minutes: int = 40) -> Path:
    path = folder / "long.yaml"
    path.write_text(
        "title: Long\nambient:\n  - sound: synth:rain\nsteps:\n"
        f"  - bell: singing-bowl\n  - silence: {minutes}m\n  - bell: chime\n"
    )
    return path


def short_session(folder: Path) -> Path:
    path = folder / "short.yaml"
    path.write_text("title: Short\nambient:\n  - sound: synth:ocean\nsteps:\n  - silence: 20s\n")
    return path


def start_export(session: Path, target: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*MEDITATE, "export", str(session), "-o", str(target), *extra],
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for_partial(folder: Path, timeout: float = 120.0) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        partials = [p for p in folder.iterdir() if "meditate-partial" in p.name]
        if partials and partials[0].stat().st_size > 0:
            return partials[0]
        time.sleep(0.02)
    raise AssertionError("the export never started writing")


@pytest.mark.parametrize("attempt", range(2))
def test_sigkill_leaves_no_target_and_the_next_export_cleans_up(tmp_path, attempt) -> None:
    out = tmp_path / "out"
    out.mkdir()
    process = start_export(long_session(tmp_path), out / "long.mp3")
    partial = wait_for_partial(out)
    time.sleep(random.Random(attempt).uniform(0.0, 1.5))
    process.kill()
    process.wait()
    assert not (out / "long.mp3").exists()
    assert partial.exists()  # nothing could clean up after SIGKILL ...
    second = tmp_path / "second.yaml"
    second.write_text("title: Second\nsteps:\n  - silence: 1s\n")
    done = subprocess.run(
        [*MEDITATE, "export", str(second), "-o", str(out / "second.wav"), "-q"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["second.wav"]  # ... the next export did


def test_a_full_disk_is_a_clear_error_and_the_earlier_file_is_kept(tmp_path) -> None:
    target = tmp_path / "kept.mp3"
    target.write_bytes(b"an earlier export")
    session = long_session(tmp_path, minutes=20)
    command = " ".join(
        [f"'{part}'" for part in [*MEDITATE, "export", str(session), "-o", str(target), "--force"]]
    )
    done = subprocess.run(
        ["bash", "-c", f"ulimit -f 2000; exec {command}"], capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "limit reached while writing" in done.stderr or "disk full" in done.stderr
    assert target.read_bytes() == b"an earlier export"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_an_unwritable_folder_is_a_clear_error(tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    done = subprocess.run(
        [*MEDITATE, "export", str(short_session(tmp_path)), "-o", str(blocker / "x.mp3")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert str(blocker) in done.stderr


@pytest.mark.parametrize("force", [False, True])
def test_two_exports_to_one_target_leave_one_complete_file(tmp_path, force) -> None:
    session = short_session(tmp_path)
    target = tmp_path / "same.mp3"
    extra = ("--force",) if force else ()
    exports = [start_export(session, target, *extra) for _ in range(2)]
    codes = sorted(p.wait(timeout=120) for p in exports)
    assert codes == ([0, 0] if force else [0, 2])
    duration = float(ffprobe(target)["format"]["duration"])
    assert abs(duration - 20.0) < 0.1
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


@pytest.mark.parametrize(
    ("signum", "whole_group"),
    [(signal.SIGINT, True), (signal.SIGTERM, True), (signal.SIGTERM, False)],
)
def test_export_all_interrupted_leaves_no_partials(tmp_path, signum, whole_group) -> None:
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    long_session(sessions, minutes=30)
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "MEDITATE_PATH": str(sessions)}
    process = subprocess.Popen(
        [*MEDITATE, "export", "--all", "-d", str(out), "-j", "2"], env=env,
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    wait_for_partial(out)
    time.sleep(0.5)
    if whole_group:
        os.killpg(process.pid, signum)  # as a terminal's Ctrl-C reaches the whole group
    else:
        process.send_signal(signum)  # as a service manager stops the main process
    _, stderr = process.communicate(timeout=300)  # only a hang takes this long
    assert process.returncode == 130
    assert "Traceback" not in stderr  # workers stop quietly
    time.sleep(0.5)
    assert [p.name for p in out.iterdir() if "partial" in p.name or p.name == "long.mp3"] == []
