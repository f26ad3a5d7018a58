"""`meditate timer` and bells over silences: bells where they are asked for, to the sample."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from measure import ffprobe
from pseudo_terminal import Terminal

from player.cli import main
from player.common.audio_format import SAMPLE_RATE
from player.common.paths import history_path
from player.practice.history import read
from player.prepare.session import load_prepared
from player.session.timeline import compile_timeline
from player.sound.render import Renderer, RenderOptions

PLAY = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def onsets(samples: np.ndarray, rate: int = SAMPLE_RATE) -> list[float]:
    """Where a bell starts out of quiet: the first sample 40 dB over one LSB of dither after at
    least a second without one."""
    mono = np.abs(samples.astype(np.float64)).mean(axis=1)
    loud = np.flatnonzero(mono > 100)
    if len(loud) == 0:
        return []
    gaps = np.flatnonzero(np.diff(loud) > rate)  # a second or more of quiet before the next
    return [loud[0] / rate, *(loud[gap + 1] / rate for gap in gaps)]


def wav(path: Path) -> np.ndarray:
    with wave.open(str(path)) as reader:
        return np.frombuffer(reader.readframes(reader.getnframes()), "<i2").reshape(-1, 2)


def test_a_timer_rings_each_bell_on_its_time_and_ends_with_three_strikes(tmp_path) -> None:
    target = tmp_path / "sit.wav"
    code, out = run("timer", "2m", "--interval", "30s", "--warmup", "5s", "-o", str(target))
    assert code == 0, out
    assert "(0:05 warmup + 2:00 + 0:20 ring-out, 6 chapters" in out  # what the file holds
    found = onsets(wav(target))
    expected = [5.0, 35.0, 65.0, 95.0, 125.0]
    assert len(found) == len(expected)
    assert max(abs(a - b) for a, b in zip(found, expected, strict=True)) < 0.020
    chapters = [c["tags"]["title"] for c in ffprobe(target)["chapters"]]
    assert chapters == ["Opening", "Bell 1", "Bell 2", "Bell 3", "Bell 4", "End"]
    # the end bell is struck three times, four seconds apart
    tail = np.abs(wav(target)[round(125 * SAMPLE_RATE) :].astype(np.float64)).mean(axis=1)
    energy = [tail[round(s * SAMPLE_RATE) : round((s + 0.05) * SAMPLE_RATE)].mean() for s in
              (3.9, 4.05, 7.9, 8.05)]  # fmt: skip
    assert energy[1] > 2 * energy[0] and energy[3] > 2 * energy[2]


def test_a_schedule_of_bells_and_ambient_are_honoured(tmp_path) -> None:
    target = tmp_path / "walk.wav"
    code, out = run(
        "timer", "3m", "--bells", "0,1m,2m30s", "--ambient", "none", "--bell", "chime",
        "-o", str(target),
    )  # fmt: skip
    assert code == 0, out
    assert [round(t, 2) for t in onsets(wav(target))] == [0.0, 60.0, 150.0, 180.0]


def test_the_timer_played_equals_the_timer_exported(tmp_path) -> None:
    exported = tmp_path / "sit.wav"
    assert run("timer", "1m", "--interval", "20s", "--ambient", "rain", "-o", str(exported))[0] == 0
    home = tmp_path / "home"
    home.mkdir()
    raw = home / "out.raw"
    (home / ".asoundrc").write_text(
        f'pcm.!default {{ type file; slave.pcm "null"; file "{raw}"; format "raw" }}\n'
    )
    env = {**os.environ, "HOME": str(home), "MEDITATE_PREROLL": "all"}
    done = subprocess.run(
        [*PLAY, "timer", "1m", "--interval", "20s", "--ambient", "rain", "--no-log"], env=env,
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert raw.read_bytes() == wav(exported).tobytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["10m", "--interval", "10m"], "--interval 10:00 is not shorter than the sitting"),
        (["10m", "--interval", "20m"], "--interval 20:00 is not shorter than the sitting"),
        (["10m", "--bells", "0,5m,3m"], "--bells: the times must rise"),
        (["10m", "--bells", "0,10m"], "--bells: 10:00 is not before the end of the sitting"),
        (["10m", "--bell", "missing.wav"], "--bell missing.wav: no such built-in sound"),
        (["10m", "--bell", "gong"], "(built-in: singing-bowl, bell, chime; or give a sound file"),
        (["10m", "--bell", "singing bowl"], "did you mean 'singing-bowl'?"),
        (["10m", "--ambient", "missing.ogg"], "--ambient missing.ogg: no such built-in sound"),
        (["25h"], "a session may last at most 24 hours"),
        (["0"], "must be longer than zero"),
        (["10m", "--interval", "0"], "must be longer than zero"),
        (["10m", "--warmup", "-5s"], "cannot be negative"),
    ],
)
def test_bad_timer_choices_are_one_line_each(args, message) -> None:
    code, out = run("timer", *args)
    assert code == 2
    assert message in out and "Traceback" not in out and len(out.splitlines()) == 1


def test_a_bell_file_that_is_not_sound_is_named(tmp_path) -> None:
    junk = tmp_path / "gong.wav"
    junk.write_text("not a wave at all")
    code, out = run("timer", "10m", "--bell", str(junk))
    assert code == 2 and f"--bell {junk}: not a readable audio file" in out


def test_an_open_sitting_stopped_in_its_first_minute_says_it_is_not_logged() -> None:
    env = {**os.environ, "MEDITATE_DEVICE": "silent", "MEDITATE_NOW": "2026-11-26T06:30"}
    term = Terminal([*PLAY, "timer", "--interval", "5m", "--ambient", "ocean"], env)
    term.read_until("0:01 sat, until you press q")
    term.type("q")
    assert term.finish() == 0
    assert re.search(r"Sat for 0:0\d \(not logged: under a minute\)\.", term.shown())
    assert json.loads(run("history", "--json")[1])["all"] == []


def test_a_timer_counts_down_to_its_end_bell_and_shows_the_ring_out_as_such() -> None:
    env = {**os.environ, "MEDITATE_DEVICE": "silent", "MEDITATE_NOW": "2026-11-26T06:30"}
    term = Terminal([*PLAY, "timer", "3s"], env)
    first = re.search(r"(\d+:\d\d) [━─]+ (\S+)", term.read_until(re.compile(r"[━─] \S")))
    assert first is not None and first.groups() == ("0:00", "-0:03")  # not -0:23: the ring-out
    term.read_until(re.compile(r"0:03 ━+ \+ ring-out"))
    term.type("q")  # during the ring-out: the sitting was sat in full
    assert term.finish() == 0
    assert "Sat for 0:03." in term.shown()
    (sitting,) = read(history_path())
    assert sitting.completed and sitting.title == "Timer 0:03"
    assert sitting.length == 3.0 and 2.7 <= sitting.seconds <= 3.0  # the ring-out not counted


def test_in_a_timer_a_bare_number_is_minutes(tmp_path) -> None:
    target = tmp_path / "sit.wav"
    code, out = run("timer", "0.2", "--interval", "0.1", "--warmup", "0.05", "-o", str(target))
    assert code == 0, out
    starts = [(c["tags"]["title"], float(c["start_time"])) for c in ffprobe(target)["chapters"]]
    assert starts == [("Opening", 0.0), ("Bell 1", 3.0), ("Bell 2", 9.0), ("End", 15.0)]
    assert "A bare number is minutes" in run("timer", "--help")[1]


def test_without_a_device_the_hint_gives_this_timer_again_with_its_own_values(tmp_path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".asoundrc").write_text("pcm.!default { type hw; card 9 }\n")
    done = subprocess.run(
        [*PLAY, "timer", "5", "--interval", "90s", "--bell", "chime"],
        env={**os.environ, "HOME": str(home)}, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "export it: meditate timer 5m --interval 1m30s --bell chime -o sit.mp3" in done.stderr


SILENCES = """
title: Bells in silence
steps:
  - chapter: Sit
  - silence: 4m
    flex: true
    bells:
      every: 1m
  - silence: 1m
    bells:
      at: [0, 30s]
      sound: chime
"""


def test_bells_ring_through_silences_and_scale_as_the_format_says(write_session) -> None:
    session = load_prepared(write_session(SILENCES))
    natural = compile_timeline(session)
    assert [r.start / SAMPLE_RATE for r in natural.rings] == [60, 120, 180, 240, 270]
    longer = compile_timeline(session, 9 * 60.0)  # the flexible 4m becomes 8m
    assert [r.start / SAMPLE_RATE for r in longer.rings] == [
        60,
        120,
        180,
        240,
        300,
        360,
        420,
        480,
        510,
    ]  # fmt: skip: every keeps its spacing; at: stays at the start and half way
    pcm = Renderer(natural, RenderOptions(ambient=False)).pcm(0, natural.length)
    assert [round(t, 3) for t in onsets(pcm)] == [60.0, 120.0, 180.0, 240.0, 270.0]


@pytest.mark.parametrize(
    ("bells", "message"),
    [
        ("{every: 5m}", "every 5m never rings in a silence of 4m"),
        ("{at: [1m, 5m]}", "at 5m is past the end of this 4m silence"),
        ("{at: [2m, 1m]}", "the times of at: must rise"),
        ("{}", "bells need either every: (such as 5m) or at: (a list of times)"),
    ],
)
def test_bells_that_cannot_ring_are_located_errors(write_session, bells, message) -> None:
    path = write_session(f"title: T\nsteps:\n  - silence: 4m\n    bells: {bells}\n")
    code, out = run("check", str(path))
    assert code == 2 and message in out


def test_a_bell_struck_three_times_lasts_two_spacings_more(write_session) -> None:
    once = compile_timeline(load_prepared(write_session("title: T\nsteps:\n  - bell: chime\n")))
    thrice = compile_timeline(
        load_prepared(
            write_session("title: T\nsteps:\n  - bell: chime\n    strikes: 3\n", "b.yaml")
        )
    )
    assert thrice.length - once.length == 8 * SAMPLE_RATE


def test_an_open_sitting_shows_its_bell_without_a_count_of_bells_still_to_come(tmp_path) -> None:
    from player.live.screen import Layout, LiveScreen, Moment
    from player.prepare.session import prepare_session
    from player.session.timeline import compile_timeline
    from player.session.timer import plan_timer, timer_session

    plan = plan_timer(None, interval=300.0)
    timeline = compile_timeline(prepare_session(timer_session(plan, tmp_path)))
    moment = Moment(position=44100 * 13, paused=False)
    lines = LiveScreen(timeline, Layout(80, unicode=True, open_ended=True)).lines(moment)
    assert lines[1] == "Bell 1" and "0:13 sat" in lines[3]
    counted = LiveScreen(timeline, Layout(80, unicode=True)).lines(moment)
    assert counted[1].startswith("Chapter 1/")
