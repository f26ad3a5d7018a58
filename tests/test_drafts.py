"""Narration drafted in text: spoken by espeak-ng, cached, and flagged by `check`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from player.cli import main
from player.prepare.session import load_prepared
from player.session.problems import SessionError
from player.session.timeline import compile_timeline
from player.sound.render import Renderer

DRAFT = """
title: Draft
voice: {rate: 140, pitch: 40}
steps:
  - text: Welcome to this practice.
  - silence: 2s
  - narration:
    text: Breathe in, and let it go.
"""


def counting_espeak(folder: Path) -> Path:
    """An espeak-ng on PATH that counts its calls in a file, then runs the real one."""
    real = subprocess.run(["which", "espeak-ng"], capture_output=True, text=True).stdout.strip()
    counter = folder / "calls"
    wrapper = folder / "bin" / "espeak-ng"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho x >> "{counter}"\nexec "{real}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    return counter


def test_a_draft_is_spoken_once_then_comes_from_the_cache(write_session, tmp_path, monkeypatch):
    counter = counting_espeak(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    path = write_session(DRAFT)
    timeline = compile_timeline(load_prepared(path))
    first = Renderer(timeline).pcm(0, timeline.length)
    calls = len(counter.read_text().split())
    assert calls >= 2
    again = compile_timeline(load_prepared(path))
    second = Renderer(again).pcm(0, again.length)
    assert len(counter.read_text().split()) == calls  # no new espeak-ng run
    assert np.array_equal(first, second)
    narration = [e for e in timeline.events if e.kind.value == "narration"]
    assert all(e.length > 0.5 * 44100 for e in narration)
    assert np.abs(first[: narration[0].length].astype(np.int32)).max() > 3000  # it speaks


def test_another_voice_is_another_clip(write_session) -> None:
    one = load_prepared(write_session(DRAFT))
    other = load_prepared(write_session(DRAFT.replace("pitch: 40", "pitch: 60"), "b.yaml"))
    assert one.steps[0].clip != other.steps[0].clip
    assert one.steps[0].draft and one.steps[0].text == "Welcome to this practice."


def test_check_warns_which_steps_are_drafts(write_session) -> None:
    path = write_session(DRAFT)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    (warning,) = [line for line in result.output.splitlines() if "warning:" in line]
    assert warning.startswith(f"{path}:4:5: warning: 2 narration steps are drafts")
    assert "(line 4, 6)" in warning


def test_without_espeak_ng_a_draft_says_how_to_install_it(write_session, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    path = write_session(DRAFT)
    with pytest.raises(SessionError) as caught:
        load_prepared(path)
    message = str(caught.value.problems[0])
    assert message.startswith(f"{path}:4:5: cannot speak this draft narration")
    assert "apt-get install espeak-ng" in message


def test_narration_needs_a_clip_or_text(write_session) -> None:
    path = write_session("title: T\nsteps:\n  - narration:\n    volume: -3 dB\n")
    with pytest.raises(SessionError, match="needs a clip"):
        load_prepared(path)


def test_new_writes_a_starter_that_plays_at_once_and_never_overwrites(tmp_path) -> None:
    result = CliRunner().invoke(main, ["new", "evening-calm"])
    assert result.exit_code == 0
    path = Path(result.output.splitlines()[0])
    assert path.name == "evening-calm.yaml" and path.parent.name == "sessions"
    text = path.read_text()
    assert text.startswith("# evening-calm: your own guided meditation.")
    timeline = compile_timeline(load_prepared(path))
    assert timeline.seconds > 60
    assert [c.title for c in timeline.chapters] == ["Opening", "Arriving", "Breathing", "Resting"]
    assert CliRunner().invoke(main, ["list"]).output.count("evening-calm") == 1
    again = CliRunner().invoke(main, ["new", "evening-calm"])
    assert again.exit_code == 2 and "exists already" in again.output
    assert path.read_text() == text
    capture = tmp_path / "played.raw"
    (tmp_path / ".asoundrc").write_text(
        f'pcm.!default {{ type file; slave.pcm "null"; file "{capture}"; format "raw" }}\n'
    )
    env = {**os.environ, "HOME": str(tmp_path), "MEDITATE_PREROLL": "all"}
    played = subprocess.run(
        [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())",
         "play", "evening-calm", "--no-log"],
        env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        check=False,
    )  # fmt: skip
    assert played.returncode == 0, played.stderr
    samples = np.frombuffer(capture.read_bytes(), dtype="<i2")
    assert len(samples) == 2 * timeline.length and np.abs(samples).max() > 3000


def test_new_refuses_a_name_that_is_not_a_plain_word() -> None:
    result = CliRunner().invoke(main, ["new", "Evening Calm"])
    assert result.exit_code == 2 and "cannot name a session" in result.output


def test_the_documented_voice_defaults_are_the_real_ones() -> None:
    from player.session.format import VOICE_FIELDS
    from player.sound.speech import Voice

    voice = Voice()
    assert VOICE_FIELDS["name"].default == voice.name
    assert VOICE_FIELDS["rate"].default == str(voice.rate_wpm)
    assert VOICE_FIELDS["pitch"].default == str(voice.pitch)
