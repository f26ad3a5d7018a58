"""`meditate record` at a terminal: a pseudo-terminal types the keys, and a FIFO fed in real
time is the microphone, so a take happens only when the test speaks."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import numpy as np
import pytest
from microphone import (
    MEDITATE,
    RATE,
    TEXTS,
    PacedMicrophone,
    Studio,
    asoundrc,
    decode_mono,
    locate,
    speak,
)
from test_play_terminal import ANSI, Terminal


@pytest.fixture
def booth(tmp_path: Path):
    """A microphone, her folders, and `meditate record` started at a terminal."""
    mic = PacedMicrophone(tmp_path / "mic.fifo")
    studio = Studio(tmp_path, asoundrc(tmp_path / "mic.fifo", tmp_path / "played.raw"))
    env = {**studio.env, "COLUMNS": "80", "LINES": "24"}
    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        started.append(Terminal([*MEDITATE, "record", "three-breaths", *args], env))
        return started[0]

    yield mic, studio, start
    mic.close()
    for term in started:
        with contextlib.suppress(ProcessLookupError):
            os.kill(term.pid, 9)


def test_keys_redo_play_back_keep_and_quit(booth, tmp_path: Path):
    mic, studio, start = booth
    first = speak(TEXTS[0], tmp_path, "first")
    term = start()
    screen = term.read_until("Speak when you are ready")
    assert "Three Breaths  ·  line 1 of 4  ·  Arriving" in screen
    assert "Wherever you are, let yourself stop for a moment. Let your" in screen
    assert "n/Enter keep   r redo   p play back   b back   q stop" in screen
    mic.say(first)
    term.read_until("Recording")
    term.read_until(re.compile(r"Take of \d\.\d s\.  n keeps it"))
    term.type("r")
    term.read_until("Again: speak when you are ready.")
    mic.say(first)
    term.read_until("Take of")
    term.type("p")
    term.read_until("Playing the take back.")
    term.type("n")
    screen = term.read_until("Kept line 1: 01-arrive.flac")
    assert "line 2 of 4  ·  Three breaths  ·  heard 3 times" in screen
    mic.say(speak(TEXTS[1], tmp_path, "second"))
    term.read_until("Take of")
    term.type("q")
    assert term.finish() == 0
    shown = ANSI.sub(b"", term.raw).decode()
    assert shown.rstrip().endswith(
        "Stopped at line 2; 1 line kept. To go on: meditate record three-breaths --from 2"
    )
    assert term.restored()

    # what was kept is the second take of line 1, exactly as the microphone heard it
    (take,) = studio.takes()
    clip = decode_mono(take)
    heard = mic.stream()
    lag = locate(clip, heard)
    assert np.array_equal(clip, heard[lag : lag + len(clip)])
    assert lag > len(heard) // 3  # not the first take: that one was redone
    # and p played that take (mono to both channels), whole, through the sound card
    played = np.frombuffer((tmp_path / "played.raw").read_bytes(), "<i2").reshape(-1, 2)
    assert np.array_equal(played[:, 0], clip) and np.array_equal(played[:, 1], clip)
    assert studio.copy().read_text().count("three-breaths/voice/") == 1


def test_space_starts_and_ends_a_take_and_b_goes_back(booth, tmp_path: Path):
    mic, studio, start = booth
    term = start("--from", "2")
    term.read_until("Speak when you are ready")
    term.type(" ")
    term.read_until("Recording")
    mic.say(speak(TEXTS[1], tmp_path, "second"))
    while not mic.quiet():  # all of it said
        term.read_until("Recording", timeout=60)
    term.type(" ")
    term.read_until("Take of")
    term.type("\n")  # Enter keeps it too
    term.read_until("Kept line 2: 02-in.flac")
    term.type("b")
    screen = term.read_until("Back to line 2.")
    assert "line 2 of 4" in screen
    term.type(" ")
    term.read_until("Recording")
    term.type(" ")
    term.read_until("Nothing to keep. r records it again.")
    term.type("n")
    term.read_until("Nothing to keep: the take is silent.")
    term.type(b"\x03")  # Ctrl-C
    assert term.finish() == 130
    assert "Stopped at line 2; 1 line kept. To go on: meditate record three-breaths --from 2" in (
        ANSI.sub(b"", term.raw).decode()
    )
    assert term.restored()
    assert [p.name for p in studio.takes()] == ["02-in.flac"]
    assert studio.run("check", "three-breaths").returncode == 0
    assert len(mic.stream()) > RATE
