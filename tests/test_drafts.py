"""Narration drafted in text: spoken by espeak-ng, cached, and flagged by `check`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import wave
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
    from player.session.model import VoiceSettings
    from player.sound.engines import ENGINES
    from player.sound.engines.espeak import DEFAULT_PITCH
    from player.sound.speech import Voice

    assert VOICE_FIELDS["engine"].default == Voice().engine == VoiceSettings().engine
    assert VOICE_FIELDS["rate"].default == str(Voice().rate_wpm) == str(VoiceSettings().rate_wpm)
    assert VOICE_FIELDS["pitch"].default == str(DEFAULT_PITCH)
    for engine in ENGINES.values():
        assert f"{engine.default_voice} ({engine.name})" in VOICE_FIELDS["name"].help


def test_a_session_speaks_its_drafts_with_the_engine_it_names(write_session) -> None:
    path = write_session(
        """
        title: Piper drafts
        voice: {engine: piper, name: joe, rate: 110}
        steps:
          - text: Welcome. Let your eyes close, and let the day go.
          - silence: 2s
          - text: Breathe in slowly.
        """
    )
    session = load_prepared(path)
    clips = [step.clip.found for step in session.steps if step.__class__.__name__ == "Narration"]
    rates = set()
    for clip in clips:
        with wave.open(str(clip), "rb") as reader:
            rates.add(reader.getframerate())
    assert rates == {22050}  # piper's joe, not espeak-ng
    timeline = compile_timeline(session)
    assert np.abs(Renderer(timeline).pcm(0, timeline.length).astype(np.int32)).max() > 3000


@pytest.mark.parametrize(
    ("voice", "where", "message"),
    [
        ("{engine: festivl}", "2:17", "unknown speech engine 'festivl'; did you mean 'festival'?"),
        ("{engine: festival, name: nope}", "2:8", "voice: festival has no voice 'nope' (it has: "),
        ("{engine: festival, pitch: 40}", "2:34", "pitch applies only to engine: espeak-ng"),
        ("{name: en-us, model: v.onnx}", "2:29", "model applies only to engine: piper or flite"),
        ("{engine: piper, model: voice.txt}", "2:31", "piper voice file 'voice.txt' is a .txt"),
        ("{engine: piper, model: gone.onnx}", "2:8", "piper voice file "),
        ("{engine: piper, name: joe, model: a.onnx}", "2:30", "by name or by model, not both"),
        ("{rate: 300}", "2:15", "300 is out of range: 60 to 240"),
    ],
)
def test_a_voice_that_cannot_be_had_is_a_located_error(write_session, voice, where, message):
    path = write_session(f"title: T\nvoice: {voice}\nsteps:\n  - text: Breathe in.\n")
    with pytest.raises(SessionError) as caught:
        load_prepared(path)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{path}:{where}: "), str(problem)
    assert message in str(problem)


def test_a_draft_without_words_is_named_and_the_others_are_spoken(write_session) -> None:
    path = write_session(
        "title: T\nsteps:\n  - text: Breathe in.\n  - text: '...'\n  - text: Rest.\n"
    )
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert (
        f"{path}:4:5: cannot speak this draft narration: the narration text '...' has no "
        "words to speak" in result.output
    )
    assert result.output.count("cannot speak") == 1


def test_an_engine_that_hangs_over_drafts_is_one_located_line(write_session, tmp_path) -> None:
    real = subprocess.run(["which", "festival"], capture_output=True, text=True).stdout.strip()
    folder = tmp_path / "bin"
    folder.mkdir()
    fake = folder / "festival"
    fake.write_text(f'#!/bin/sh\ncase "$*" in *.scm) sleep 600;; esac\nexec "{real}" "$@"\n')
    fake.chmod(0o755)
    path = write_session(
        "title: T\nvoice: {engine: festival}\nsteps:\n  - text: Breathe in.\n  - text: Rest.\n"
    )
    env = {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}",
           "MEDITATE_SPEECH_TIMEOUT": "2"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "player", "check", str(path)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert (
        f"{path}:4:5: cannot speak this draft narration (nor the 1 other drafts): festival did "
        "not finish speaking within 2 s" in done.stdout + done.stderr
    )
