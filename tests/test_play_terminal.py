"""The live display and keys, run under a real pseudo-terminal; the terminal is always restored.

Sound goes to MEDITATE_DEVICE=silent, a device that keeps real time without a sound card.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from pseudo_terminal import ANSI, Terminal

# First and Second outlast any test, so only a key can move on from them.
SESSION = """
title: Keys Test
steps:
  - chapter: First
  - silence: 10m
  - chapter: Second
  - silence: 10m
  - chapter: Third
  - silence: 6s
"""


@pytest.fixture
def terminal(write_session, tmp_path: Path):
    session = write_session(SESSION)
    env = {**os.environ, "MEDITATE_DEVICE": "silent"}
    args = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]
    return lambda *extra: Terminal([*args, "play", str(session), *extra], env)


def test_the_display_shows_title_chapter_and_time_and_keys_work(terminal) -> None:
    term = terminal()
    screen = term.read_until("Chapter 1/3: First")
    assert "Keys Test" in screen and "space pause" in screen
    term.type(" ")
    term.read_until("paused")
    term.type(" ")
    term.read_until(re.compile(r"-\d+:\d\d\r?\n"))  # the clock line without "paused"
    term.type("n")
    term.read_until("Chapter 2/3: Second")
    term.type("\x1b[C")  # right arrow
    term.read_until("Chapter 3/3: Third")
    term.type("p")  # just started: back to the previous chapter
    term.read_until("Chapter 2/3: Second")
    term.type("q")
    assert term.finish() == 0
    screen = ANSI.sub(b"", term.raw).decode()
    assert "Stopped in 'Second' at 10:0" in screen
    assert "(not logged: under a minute)" in screen  # the README's rule, said when it applies
    # played by its path, so the path is what plays it again
    assert re.search(r"To go on: meditate play /\S+/session\.yaml --from 10:0\d", screen)
    assert term.restored()


def test_ctrl_c_stops_restores_the_terminal_and_says_how_to_resume(terminal) -> None:
    term = terminal("--from", "Second")
    term.read_until("Chapter 2/3: Second")
    term.type(b"\x03")
    assert term.finish() == 130
    screen = ANSI.sub(b"", term.raw).decode()
    assert re.search(
        r"Stopped in 'Second' at 10:\d\d \(not logged: under a minute\)\. "
        r"To go on: meditate play /\S+ --from 10:",
        screen,
    )
    assert term.restored()


def test_it_plays_to_the_end_and_says_so(terminal) -> None:
    term = terminal("--from", "Third")
    assert term.finish() == 0
    assert "Finished Keys Test." in ANSI.sub(b"", term.raw).decode()
    assert term.restored()


def test_a_killed_player_still_restores_the_terminal(terminal) -> None:
    import signal

    term = terminal()
    term.read_until("Chapter 1/3: First")
    os.kill(term.pid, signal.SIGTERM)
    assert term.finish() == 130
    assert "Stopped in 'First'" in ANSI.sub(b"", term.raw).decode()
    assert term.restored()


def test_q_shows_that_the_sound_is_fading_out(terminal) -> None:
    term = terminal()
    term.read_until("Chapter 1/3: First")
    term.type("q")
    screen = term.read_until("fading out")
    assert "q again stops at once" in screen
    assert term.finish() == 0
    assert term.restored()


WORDS = (
    "Let your attention rest on your belly. There is nothing to do here but breathe, and "
    "notice the rise and the fall of it, and let your hips soften into the ground."
)


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_the_words_wrap_to_the_terminal_so_the_whole_line_can_be_read(
    write_session, make_wav, tmp_path, columns: int
) -> None:
    make_wav(tmp_path / "belly.wav", 30.0, rate=8000)
    session = write_session(
        f"title: Wrapping\nsteps:\n  - chapter: Body\n  - narration: belly.wav\n    text: {WORDS}\n"
    )
    args = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]
    env = {**os.environ, "MEDITATE_DEVICE": "silent"}
    term = Terminal([*args, "play", str(session), "--no-log"], env, columns=columns)
    screen = term.read_until(re.compile(r"ground\.”\r?\n.*-0:\d\d"))
    term.type(b"\x03")
    assert term.finish() == 130
    lines = screen.replace("\r", "").split("\n")
    clock = re.compile(r"^\d+:\d\d [━─]", re.M)
    pictures = screen.replace("\r", "").split("Chapter 1/1: Body\n")[1:]
    picture = next(p for p in reversed(pictures) if clock.search(p)).split("\n")
    caption = picture[: next(i for i, line in enumerate(picture) if clock.match(line))]
    assert " ".join(caption) == f"“{WORDS}”"
    assert len(caption) > 1 and max(len(line) for line in lines) <= columns
