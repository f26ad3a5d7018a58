"""Any narrator for any session: `--voice` speaks every narration with words, in the
background while play plays, through real engines and ALSA's file plugin; play equals the
export sample for sample, however slowly the voice speaks; nothing half-made is kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from measure import ffprobe, wav_samples
from test_play_alsa import PLAY, alsa_home

from player.output.tags import read_tags
from player.prepare.narrator import NarratorChoice
from player.prepare.unfolding import prepare_narrated
from player.session.model import Narration, flatten

VOICED = """
title: Voiced
ambient:
  - sound: synth:pink-noise
    volume: -24 dB
    duck: 6 dB
    fade_in: 1s
    fade_out: 1s
steps:
  - bell: chime
  - chapter: Breath
  - narration: narration/three-breaths/02-in.ogg
    text: Breathe in slowly.
  - silence: 2s
  - text: And let it go.
  - silence: 2s
    flex: true
"""


def run(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PLAY, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
        timeout=timeout, check=False,
    )  # fmt: skip


def playing_env(tmp_path: Path, bin_folder: Path | None = None) -> tuple[dict[str, str], Path]:
    """ALSA's file plugin for the card, the default preroll (so the voice speaks while it
    plays), an empty cache, and `bin_folder` first on PATH."""
    capture = tmp_path / "captured.raw"
    env = alsa_home(tmp_path, f'type file; slave.pcm "null"; file "{capture}"; format "raw"')
    env.pop("MEDITATE_PREROLL", None)
    env["MEDITATE_CACHE"] = str(tmp_path / "cache")
    if bin_folder is not None:
        env["PATH"] = f"{bin_folder}{os.pathsep}{env['PATH']}"
    return env, capture


def slow_festival(folder: Path, seconds: float) -> Path:
    """festival on PATH, taking `seconds` longer over every batch it speaks: a voice slower
    than the session plays."""
    real = subprocess.run(["which", "festival"], capture_output=True, text=True).stdout.strip()
    folder.mkdir(exist_ok=True)
    wrapper = folder / "festival"
    wrapper.write_text(
        f'#!/bin/sh\ncase "$*" in *.scm) sleep {seconds};; esac\nexec "{real}" "$@"\n'
    )
    wrapper.chmod(0o755)
    return folder


def captured(capture: Path) -> np.ndarray:
    return np.frombuffer(capture.read_bytes(), dtype="<i2").reshape(-1, 2)


def spoken_clips(cache: Path) -> list[Path]:
    return sorted((cache / "speech").glob("*")) if (cache / "speech").is_dir() else []


def test_play_speaks_with_the_voice_while_it_plays_and_equals_the_export(write_session, tmp_path):
    session = write_session(VOICED)
    env, capture = playing_env(tmp_path)
    done = run(env, "play", str(session), "--voice", "festival", "--no-log")
    assert done.returncode == 0, done.stderr
    assert len(spoken_clips(tmp_path / "cache")) == 2  # both lines, spoken while it played
    exported = tmp_path / "export.wav"
    done = run(env, "export", str(session), "--voice", "festival", "-o", str(exported), "-q")
    assert done.returncode == 0, done.stderr
    played = captured(capture)
    assert played.shape == wav_samples(exported).shape
    assert np.array_equal(played, wav_samples(exported))


def test_a_voice_slower_than_playback_is_waited_for_between_steps(write_session, tmp_path):
    session = write_session(VOICED)
    env, capture = playing_env(tmp_path, slow_festival(tmp_path / "bin", 1))
    done = run(env, "play", str(session), "--voice", "festival", "--no-log")
    assert done.returncode == 0, done.stderr
    assert "waiting for the voice" in done.stdout
    assert "Waited for the voice" in done.stdout
    exported = tmp_path / "export.wav"
    done = run(env, "export", str(session), "--voice", "festival", "-o", str(exported), "-q")
    assert done.returncode == 0, done.stderr
    assert np.array_equal(captured(capture), wav_samples(exported))


def test_ctrl_c_while_the_voice_speaks_keeps_nothing_half_made(write_session, tmp_path) -> None:
    session = write_session(VOICED)
    env, _ = playing_env(tmp_path, slow_festival(tmp_path / "bin", 60))
    process = subprocess.Popen(
        [*PLAY, "play", str(session), "--voice", "festival", "--no-log"], env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stdout.readline().startswith("Playing Voiced")  # the sound has started
    time.sleep(1)  # the chime plays; festival is speaking the first line
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert "To go on: meditate play" in out and "--voice festival" in out
    assert spoken_clips(tmp_path / "cache") == []  # neither a clip nor a partial one
    still = [p for p in Path("/proc").glob("[0-9]*/cmdline") if _mentions(p, tmp_path / "bin")]
    assert still == []  # the engine was stopped with it


def _mentions(cmdline: Path, folder: Path) -> bool:
    try:
        return str(folder).encode() in cmdline.read_bytes()
    except OSError:
        return False


def test_a_voice_that_fails_while_it_plays_is_one_located_line(write_session, tmp_path) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    broken = folder / "festival"
    real = subprocess.run(["which", "festival"], capture_output=True, text=True).stdout.strip()
    broken.write_text(f'#!/bin/sh\ncase "$*" in *.scm) echo "SIOD ERROR: out of heap" >&2; '
                      f'exit 3;; esac\nexec "{real}" "$@"\n')  # fmt: skip
    broken.chmod(0o755)
    session = write_session(VOICED)
    env, _ = playing_env(tmp_path, folder)
    done = run(env, "play", str(session), "--voice", "festival", "--no-log")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("meditate:")]
    assert f"{session}:11:5: festival could not speak this narration: festival failed while" in line
    assert "exit status 3: SIOD ERROR: out of heap" in line
    assert spoken_clips(tmp_path / "cache") == []


def test_an_export_with_a_voice_names_it_and_its_language_and_is_made_again_the_same(
    write_session, tmp_path
) -> None:
    session = write_session(VOICED.replace("title: Voiced", "title: Voiced\nlanguage: en-GB"))
    env, _ = playing_env(tmp_path)
    first, second = tmp_path / "first.mp3", tmp_path / "second.mp3"
    for target in (first, second):
        done = run(env, "export", str(session), "--voice", "espeak-ng", "-o", str(target), "-q")
        assert done.returncode == 0, done.stderr
    assert first.read_bytes() == second.read_bytes()
    tags = ffprobe(first)["format"]["tags"]
    assert tags["language"] == "eng"
    assert tags["NARRATOR"] == "espeak-ng (en-gb+f5)"  # the British voice, for en-GB
    assert read_tags(first).narrator == "espeak-ng (en-gb+f5)"


def test_a_teachers_own_recordings_are_kept_unless_she_asks(write_session, make_wav, tmp_path):
    make_wav(tmp_path / "voice" / "01-welcome.wav", 1.0)
    session = write_session(
        """
        title: Hers
        steps:
          - narration: voice/01-welcome.wav
            text: Welcome.
          - narration: narration/three-breaths/02-in.ogg
            text: Breathe in slowly.
          - narration: narration/three-breaths/03-out.ogg
          - text: A draft.
        """
    )

    def narrated(replace: bool) -> list[bool]:
        choice = NarratorChoice("espeak-ng", replace_recorded=replace)
        steps = flatten(prepare_narrated(session, choice).session.steps)
        return [step.narrated for step in steps if isinstance(step, Narration)]

    assert narrated(False) == [False, True, False, True]  # her take; a step without words
    assert narrated(True) == [True, True, False, True]


def test_what_the_voice_leaves_as_it_is_is_said_once(write_session, make_wav, tmp_path) -> None:
    make_wav(tmp_path / "voice" / "mine.wav", 1.0)
    session = write_session(
        """
        title: Kept
        steps:
          - narration: voice/mine.wav
            text: Welcome.
          - narration: narration/three-breaths/03-out.ogg
          - silence: 1s
        """
    )
    done = run(dict(os.environ), "export", str(session), "--voice", "espeak-ng",
               "-o", str(tmp_path / "kept.wav"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "meditate: 1 narration step has no text to speak, so it keeps its clip (line 5)",
        "meditate: 1 line is your own recording, kept (line 3; --replace-recorded speaks "
        "them with the voice too)",
    ]


@pytest.mark.parametrize(
    ("voice", "said"),
    [
        ("festival", "festival has no voice for the language 'es' (voices for it: espeak-ng:"),
        ("espeak-ng:en-usa", "espeak-ng has no voice 'en-usa'; did you mean 'en-us'?"),
        ("flite:rmss", "flite has no voice 'rmss'; did you mean 'rms'? (it has: "),
        ("festivl", "unknown engine 'festivl'"),
    ],
)
def test_a_voice_that_cannot_be_had_is_one_line(write_session, tmp_path, voice, said) -> None:
    spanish = "" if ":" in voice else "language: es\n"
    session = write_session(f"title: T\n{spanish}steps:\n  - text: Hola.\n")
    target = str(tmp_path / "never.wav")
    done = run(dict(os.environ), "export", str(session), "--voice", voice, "-o", target)
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert said in line and "Traceback" not in done.stderr


def test_an_engine_not_installed_says_how_to_install_it(write_session, tmp_path) -> None:
    session = write_session("title: T\nsteps:\n  - text: Rest.\n")
    env = {**os.environ, "PATH": str(tmp_path / "nothing")}
    done = subprocess.run(
        [sys.executable, "-m", "player", "play", str(session), "--voice", "flite"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert "flite is not installed: install it (Debian/Ubuntu: apt-get install flite" in line
