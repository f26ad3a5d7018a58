"""`meditate record` when things go wrong: no microphone, one that falls silent or fails
mid-take, a take that clips, a full disk, Ctrl-C and SIGTERM. Takes kept before stay kept,
the script never names a missing take, and one line says what happened and what to do."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from microphone import (
    MEDITATE,
    RATE,
    TEXTS,
    THREE_BREATHS,
    PacedMicrophone,
    Studio,
    asoundrc,
    reading,
    speak,
    write_raw,
)


def read_aloud(folder: Path, texts: list[str], **kw) -> Path:
    samples, _ = reading(texts, folder, **kw)
    return write_raw(samples, folder / "input.raw")


def script_names(studio: Studio) -> list[str]:
    """The clips her copy names, in order."""
    from player.session.edit import narrations

    return [said.clip or "" for said in narrations(studio.copy().read_text())]


def consistent(studio: Studio, kept: list[str]) -> None:
    """Her copy names exactly the takes `kept` and bundled clips otherwise, every named take
    is there and whole, nothing half-written is left, and check passes."""
    names = ["01-arrive", "02-in", "03-out", "04-return"]
    expected = [
        f"three-breaths/voice/{n}.flac" if n in kept else f"narration/three-breaths/{n}.ogg"
        for n in names
    ]
    assert script_names(studio) == expected
    assert [p.stem for p in studio.takes()] == sorted(kept)
    assert studio.leftovers() == []
    check = studio.run("check", "three-breaths")
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("device", [None, "pcm.!default { type hw; card 9 }\n"])
def test_no_microphone_is_one_line_and_exit_status_1(tmp_path: Path, device: str | None):
    studio = Studio(tmp_path, device)
    done = studio.run("record", "three-breaths")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "meditate: no microphone to record from (ALSA: No such file or directory [default]): "
        "connect one, or make it the default input in your sound settings\n"
    )
    assert not studio.data.exists()


def test_digital_silence_records_nothing_and_says_what_to_check(tmp_path: Path):
    silent = write_raw(np.zeros(10 * RATE, np.int16), tmp_path / "silent.raw")
    studio = Studio(tmp_path, asoundrc(silent))
    done = studio.run("record", "three-breaths", "--max", "3s")
    assert done.returncode == 1
    assert done.stderr == (
        "meditate: line 1 not kept: no voice in 3 s (the loudest sound was digital silence): "
        "check that the microphone is on, not muted, and the default input; none kept. "
        "To go on: meditate record three-breaths\n"
    )
    assert not studio.copy().exists()
    assert not (studio.sessions / "three-breaths").exists()


def test_a_microphone_that_falls_quiet_after_a_line_keeps_that_line(tmp_path: Path):
    studio = Studio(tmp_path, asoundrc(read_aloud(tmp_path, TEXTS[:1], tail=10.0)))
    done = studio.run("record", "three-breaths", "--max", "6s")
    assert done.returncode == 1
    assert done.stdout.splitlines()[1].startswith("line 1/4 ")
    (message,) = done.stderr.splitlines()
    assert message.startswith("meditate: line 2 not kept: no voice in 6 s (the loudest sound was -")
    assert message.endswith("; 1 line kept. To go on: meditate record three-breaths --from 2")
    consistent(studio, ["01-arrive"])


def test_a_take_that_clips_is_kept_with_a_warning_saying_what_to_do(tmp_path: Path):
    studio = Studio(tmp_path, asoundrc(read_aloud(tmp_path, TEXTS[1:2], gain=8.0)))
    done = studio.run("record", "three-breaths", "--only", "2")
    assert done.returncode == 0, done.stderr
    line = done.stdout.splitlines()[1]
    assert line.startswith("line 2/4 ")
    assert "  warning: it clipped (" in line
    assert line.endswith(
        "samples at full scale): record it again further from the microphone or with its gain lower"
    )
    consistent(studio, ["02-in"])


def test_a_microphone_failing_mid_take_keeps_what_was_kept(tmp_path: Path):
    # Once `head` has taken 9.5 s of what was captured, the plugin's reads fail with EIO:
    # inside line 2 (its voice is at about 9.1-10 s), after line 1 was kept.
    raw = read_aloud(tmp_path, TEXTS)
    cut = f"|head -c {round(9.5 * RATE) * 2} >/dev/null"
    studio = Studio(tmp_path, asoundrc(raw, captured=cut))
    done = studio.run("record", "three-breaths")
    assert done.returncode == 1
    assert done.stdout.splitlines()[1].startswith("line 1/4 ")
    assert done.stderr == (
        "meditate: line 2 not kept: the microphone stopped working (ALSA: Input/output error "
        "[default]): check its connection; 1 line kept. "
        "To go on: meditate record three-breaths --from 2\n"
    )
    consistent(studio, ["01-arrive"])


def limit_file_size(size: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def test_running_out_of_room_mid_session_keeps_the_lines_before(tmp_path: Path):
    # lines 2 and 3 make takes of about 75 kB, line 4 one of about 190 kB: a 130 kB limit on
    # any file written stops it at line 4, as a full disk would
    studio = Studio(tmp_path, asoundrc(read_aloud(tmp_path, TEXTS[1:])))
    done = studio.run("record", "three-breaths", "--from", "2", preexec_fn=limit_file_size(130_000))
    assert done.returncode == 2
    assert [line[:8] for line in done.stdout.splitlines()[1:]] == ["line 2/4", "line 3/4"]
    take = studio.sessions / "three-breaths" / "voice" / "04-return.flac"
    assert done.stderr == (
        f"meditate: line 4 not kept: file size limit reached while writing {take} "
        "(see `ulimit -f`): raise the limit; 2 lines kept. "
        "To go on: meditate record three-breaths --from 4\n"
    )
    consistent(studio, ["02-in", "03-out"])


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small file system needs root")
def test_a_full_disk_is_named_and_nothing_half_written_is_left(tmp_path: Path):
    studio = Studio(tmp_path, asoundrc(read_aloud(tmp_path, TEXTS[3:])))
    studio.data.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(studio.data)],
        capture_output=True, check=False,
    )  # fmt: skip
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        done = studio.run("record", "three-breaths", "--only", "4")
        assert done.returncode == 2
        take = studio.sessions / "three-breaths" / "voice" / "04-return.flac"
        assert done.stderr == (
            f"meditate: line 4 not kept: disk full while writing {take}: free some space and "
            "try again; none kept. To go on: meditate record three-breaths --only 4\n"
        )
        assert not studio.copy().exists()
        assert studio.takes() == [] and studio.leftovers() == []
    finally:
        subprocess.run(["umount", str(studio.data)], check=False)


class Output:
    """A child's stdout read on a thread, line by line."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert process.stdout is not None
        self._stream = process.stdout
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self._stream:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, start: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(line.startswith(start) for line in self.lines):
                return
            time.sleep(0.05)
        raise AssertionError(f"{start!r} never came; got {self.lines}")


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_mid_take_keeps_the_lines_kept_before(tmp_path: Path, sent):
    mic = PacedMicrophone(tmp_path / "mic.fifo")  # real time, as a sound card
    studio = Studio(tmp_path, asoundrc(tmp_path / "mic.fifo"))
    long_line = speak(
        "And let it go, slowly, slowly, all the way out, until there is nothing left to let go.",
        tmp_path, "long",
    )  # fmt: skip
    process = subprocess.Popen(
        [*MEDITATE, "record", "three-breaths"], env=studio.env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        output = Output(process)
        first = speak(TEXTS[0], tmp_path, "first")
        while mic.written < RATE // 2:  # the recorder listens to the room first
            time.sleep(0.01)
        mic.say(first)
        output.wait_for("line 1/4")
        written = mic.written
        mic.say(long_line)
        while mic.written < written + 2 * RATE:  # two seconds into the second line
            time.sleep(0.01)
        process.send_signal(sent)
        process.wait(timeout=60)
        error = process.stderr.read() if process.stderr else ""
    finally:
        mic.close()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, error
    assert error == ""
    assert output.lines[-1] == (
        "Stopped at line 2; 1 line kept. To go on: meditate record three-breaths --from 2"
    )
    consistent(studio, ["01-arrive"])


def test_neither_play_nor_list_imports_the_capture_library(tmp_path: Path):
    silent = Studio(tmp_path, None)
    silent.env["MEDITATE_DEVICE"] = "silent"
    session = tmp_path / "short.yaml"
    session.write_text("title: Short\nsteps:\n  - silence: 1s\n")
    probe = (
        "import sys\nfrom player.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m in ('alsaaudio', 'player.live.capture')))"
    )
    for args in (["list"], ["play", str(session), "--no-log"], ["check", str(THREE_BREATHS)]):
        done = subprocess.run(
            [MEDITATE[0], "-c", probe, *args], env=silent.env, capture_output=True, text=True,
            stdin=subprocess.DEVNULL, timeout=120, check=False,
        )  # fmt: skip
        assert done.stdout.splitlines()[-1] == "[]", (args, done.stdout, done.stderr)
