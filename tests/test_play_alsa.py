"""`meditate play` through real simpleaudio and ALSA, whose file plugin stands in for the card."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from measure import wav_samples

PLAY = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]


def alsa_home(tmp_path: Path, device: str) -> dict[str, str]:
    home = tmp_path / "alsa-home"
    home.mkdir()
    (home / ".asoundrc").write_text(f"pcm.!default {{ {device} }}\n")
    return {**os.environ, "HOME": str(home)}


def file_device(tmp_path: Path) -> tuple[dict[str, str], Path]:
    capture = tmp_path / "captured.raw"
    env = alsa_home(tmp_path, f'type file; slave.pcm "null"; file "{capture}"; format "raw"')
    return {**env, "MEDITATE_PREROLL": "all"}, capture


def export_wav(session: str, target: Path, *extra: str) -> np.ndarray:
    done = subprocess.run(
        [*PLAY, "export", session, "-o", str(target), "-q", *extra],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return wav_samples(target)


@pytest.mark.parametrize(
    "extra",
    [(), ("--from", "Three breaths", "--no-bells"), ("--from", "20s", "--ambient-volume", "-6")],
)
def test_the_bytes_alsa_receives_equal_the_exported_wav(tmp_path: Path, extra) -> None:
    env, capture = file_device(tmp_path)
    done = subprocess.run(
        [*PLAY, "play", "three-breaths", *extra], env=env, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    played = np.frombuffer(capture.read_bytes(), dtype="<i2").reshape(-1, 2)
    exported = export_wav("three-breaths", tmp_path / "export.wav", *extra)
    assert played.shape == exported.shape
    assert np.array_equal(played, exported)


def test_without_a_terminal_it_prints_a_plain_line_per_chapter(tmp_path: Path) -> None:
    session = tmp_path / "chapters.yaml"
    session.write_text(
        "title: Three Parts\nsteps:\n"
        "  - chapter: First\n  - silence: 2s\n  - chapter: Second\n  - silence: 2s\n"
        "  - chapter: Third\n  - silence: 2s\n"
    )
    env = {**os.environ, "MEDITATE_DEVICE": "silent"}  # keeps real time, as a sound card does
    done = subprocess.run(
        [*PLAY, "play", str(session)], env=env, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Playing Three Parts (0:06)",
        "0:00  First",
        "0:02  Second",
        "0:04  Third",
        "Finished Three Parts. 0:06 of practice.",
    ]


def test_no_audio_device_is_one_clear_line_and_a_non_zero_exit(tmp_path: Path) -> None:
    env = alsa_home(tmp_path, "type hw; card 9")
    done = subprocess.run(
        [*PLAY, "play", "three-breaths"], env=env, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    error_lines = [line for line in done.stderr.splitlines() if line.startswith("meditate:")]
    assert len(error_lines) == 1
    assert "no audio device" in error_lines[0] and "meditate export" in error_lines[0]


def test_play_without_a_name_plays_grounding(tmp_path: Path) -> None:
    env = alsa_home(tmp_path, "type hw; card 9")  # no such card: it stops at the device
    done = subprocess.run(
        [*PLAY, "play"], env=env, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "to listen elsewhere, export it: meditate export grounding" in done.stderr


def test_demo_exports_the_default_session_when_there_is_no_device(tmp_path: Path) -> None:
    env = {**alsa_home(tmp_path, "type hw; card 9"), "MEDITATE_DEFAULT": "three-breaths"}
    here = tmp_path / "here"
    here.mkdir()
    done = subprocess.run(
        [*PLAY, "demo"], env=env, cwd=here, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "no audio device" in done.stderr
    assert (here / "three-breaths.mp3").is_file()
    assert f"Listen to it: {here / 'three-breaths.mp3'}" in done.stdout
