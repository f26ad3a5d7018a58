"""What a new user meets first: messages that say what to do, and commands that do what they say."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from player.cli import main
from player.prepare.session import load_prepared
from player.session.timeline import compile_timeline, resume_frame

PLAY = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def problem(session: Path) -> str:
    code, out = run("check", str(session))
    assert code == 2
    return out.splitlines()[0]


# -- YAML a newcomer writes


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        (
            "title: T\nsteps:\n  - text: Breathe: in and out\n",
            "3:18: YAML syntax error: a colon and a space inside a value start a new key; put "
            'the value in quotes: text: "Breathe: in and out"',
        ),
        (
            "title: T\nsteps:\n\t- silence: 5s\n",
            "3:1: YAML syntax error: a tab: YAML indents with spaces only; replace the tab with "
            "spaces",
        ),
        (
            "title: T\nsteps:\n  - silence: 5s\n   - silence: 3s\n",
            "4:4: YAML syntax error: this line is indented 3 spaces, but the list items it "
            "follows are indented 2 (line 3, '- silence'): line them up, or indent less to end "
            "that block",
        ),
        (
            "title: T\nsteps:\n  -  bell: chime\n    volume: -3\n",
            "4:5: YAML syntax error: this key is indented 4 spaces, but the keys of the list "
            "item on line 3 are indented 5 ('bell'): line them up",
        ),
        (
            'title: T\nsteps:\n  - text: "Breathe in"  and out.\n',
            "3:25: YAML syntax error: words after the closing quote: quotes must hold the whole "
            "value; to keep the quotes in the words, put all of it in quotes of the other kind: "
            "text: '\"Breathe in\"  and out.'",
        ),
        (
            "title: T\nsteps:\n- text: Breathe in.\n  - silence: 5s\n",
            "4:3: YAML syntax error: this step ('- silence') is indented 2 spaces, as the keys of "
            "the step on line 3 ('- text') are, so YAML reads it as part of that step: start its "
            "dash where that step's dash is (indented 0 spaces)",
        ),
        (
            "title: T\nsteps:\n  - text: - a dash starts this\n",
            "3:11: YAML syntax error: a value cannot start with a dash and a space, which start a "
            'list; put the value in quotes: text: "- a dash starts this"',
        ),
        (
            "title: T\n  steps:\n  - silence: 5s\n",
            "2:8: YAML syntax error: this line is indented 2 spaces, more than 'title' on line 1, "
            "so YAML reads it as more of the value of 'title': line 'steps' up with 'title' "
            "(indented 0 spaces)",
        ),
        (
            "title: T\nsteps:\n  - text: Breathe in.\n      - silence: 5s\n",
            "4:16: YAML syntax error: this line is indented 6 spaces, more than '- text' on line "
            "3, so YAML reads it as more of the value of 'text': line '- silence' up with "
            "'- text' (indented 2 spaces)",
        ),
        (
            "title: T\nsteps:\n  - text: Breathe in\n      and out: slowly\n",
            "4:14: YAML syntax error: this line continues the value of 'text' (line 3), and a "
            'colon and a space inside a value start a new key; put the value in quotes: text: "'
            'Breathe in and out: slowly"',
        ),
        (
            "title: T\nvoice: festival\nsteps:\n  - silence: 5s\n",
            "2:8: voice takes settings, not one word: write voice: {engine: festival}",
        ),
        (
            "title: T\nvoice: festival:slt\nsteps:\n  - silence: 5s\n",
            "2:8: voice takes settings, not one word: write voice: {engine: festival, name: slt}",
        ),
    ],
    ids=[
        "colon",
        "tab",
        "list",
        "key",
        "after-quote",
        "step-among-keys",
        "dash-value",
        "indented-key",
        "more-of-a-value",
        "colon-on-next-line",
        "voice-engine",
        "voice-name",
    ],
)
def test_yaml_syntax_errors_say_what_to_change(tmp_path, text: str, advice: str) -> None:
    session = tmp_path / "typo.yaml"
    session.write_text(text)
    assert problem(session) == f"{session}:{advice}"


def test_a_step_that_starts_with_text_is_narration_and_common_words_find_their_step(tmp_path):
    session = tmp_path / "words.yaml"
    session.write_text(
        "title: T\nsteps:\n  - text: Hello.\n    silence: 5s\n  - duration: 20s\n  - gong: x\n"
    )
    code, out = run("check", str(session))
    assert code == 2
    lines = out.splitlines()
    assert lines[0] == (
        f"{session}:3:5: one step can be only one kind, found narration and silence: split it "
        "into separate steps"
    )
    assert lines[1].startswith(f"{session}:5:5: unknown step 'duration'; did you mean 'silence'?")
    assert lines[2].startswith(f"{session}:6:5: unknown step 'gong'; did you mean 'bell'?")


# -- times in one style


def test_show_with_a_length_prints_the_silences_as_they_will_last(tmp_path) -> None:
    session = tmp_path / "flex.yaml"
    session.write_text("title: T\nsteps:\n  - silence: 1m\n    flex: true\n  - silence: 10s\n")
    code, out = run("show", str(session), "--length", "3m")
    assert code == 0
    assert "0:00  silence 2m50s  (flex 0s-any, written 1m)" in out
    assert "2:50  silence 10s\n" in out


def test_a_start_past_the_end_is_told_in_minutes_and_seconds() -> None:
    code, out = run("export", "three-breaths", "--from", "99m")
    assert code == 2
    assert "--from 99m: the session is only 1:28 long" in out


# -- exporting where and how the user says


def test_export_format_and_folder_are_honoured_for_one_session(tmp_path) -> None:
    session = tmp_path / "short.yaml"
    session.write_text("title: Short\nsteps:\n  - silence: 1s\n")
    folder = tmp_path / "out"
    folder.mkdir()
    code, out = run("export", str(session), "-o", str(folder), "--format", "flac", "-q")
    assert code == 0, out
    assert [p.name for p in folder.iterdir()] == ["short.flac"]
    code, out = run("export", str(session), "-o", str(tmp_path / "x.mp3"), "--format", "ogg")
    assert code == 2 and "is mp3 but --format says ogg: pick one" in out
    missing = tmp_path / "not yet" / "a.mp3"
    code, out = run("export", str(session), "-o", str(missing))
    assert code == 2
    assert (
        f"folder {missing.parent} does not exist: create it with  mkdir -p '{missing.parent}'"
        in (out)
    )


def test_a_trailing_slash_names_a_folder_which_must_exist(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    session = tmp_path / "short.yaml"
    session.write_text("title: Short\nsteps:\n  - silence: 1s\n")
    for command in (["export", str(session)], ["timer", "3s"]):
        code, out = run(*command, "-o", "out/")
        assert code == 2
        assert out == "meditate: folder out does not exist: create it with  mkdir -p out\n"
    assert list(tmp_path.iterdir()) == [session]  # nothing written here, as out.mp3 was
    (tmp_path / "out").mkdir()
    code, out = run("export", str(session), "-o", "out/", "--format", "wav", "-q")
    assert code == 0 and [p.name for p in (tmp_path / "out").iterdir()] == ["short.wav"]


# -- playing, stopping, resuming


def test_stopping_says_how_to_go_on_by_the_path_played_quoted_and_from_the_clip_start(
    tmp_path, make_wav
) -> None:
    make_wav(tmp_path / "long.wav", 30.0)
    session = tmp_path / "My Morning.yaml"
    session.write_text("title: Morning\nsteps:\n  - narration: long.wav\n")
    env = {**os.environ, "MEDITATE_DEVICE": "silent"}
    player = subprocess.Popen(
        [*PLAY, "play", str(session)], env=env, stdout=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert player.stdout is not None
    assert player.stdout.readline().startswith("Playing Morning")
    time.sleep(1.5)  # into the clip: going on starts it again rather than mid-word
    player.send_signal(signal.SIGTERM)
    out, _ = player.communicate(timeout=120)
    assert player.returncode == 130
    assert f"To go on from the start of those words: meditate play '{session}' --from 0:00" in out


def test_the_time_stopped_at_is_the_time_shown_and_going_back_to_the_words_is_said(
    tmp_path, make_wav
) -> None:
    from player.cli.play import stopped_line
    from player.live.listen import Listening
    from player.live.session import Outcome

    make_wav(tmp_path / "clip.wav", 4.0, rate=8000)
    session = tmp_path / "s.yaml"
    session.write_text("title: T\nsteps:\n  - silence: 20s\n  - narration: clip.wav\n")
    timeline = compile_timeline(load_prepared(session))

    def stopped_at(seconds: float) -> str:
        listening = Listening(False, False, True, False, round(seconds * 44100), seconds)
        began = datetime.datetime(2026, 11, 25, 7, 0).astimezone()
        return stopped_line(timeline, Outcome(listening, began, ""), "s.yaml", "", [])

    # 19.6 s shows as 0:19 on the display's clock: said so, and gone on from
    assert stopped_at(19.6) == "Stopped at 0:19. To go on: meditate play s.yaml --from 0:19"
    assert stopped_at(22.5) == (
        "Stopped at 0:22. To go on from the start of those words: meditate play s.yaml --from 0:20"
    )


def test_going_on_starts_at_the_narration_playing(tmp_path, make_wav) -> None:
    make_wav(tmp_path / "clip.wav", 4.0)
    session = tmp_path / "s.yaml"
    session.write_text("title: T\nsteps:\n  - silence: 2s\n  - narration: clip.wav\n")
    timeline = compile_timeline(load_prepared(session))
    assert resume_frame(timeline, 5 * 44100) == 2 * 44100  # mid-clip: the clip's start
    assert resume_frame(timeline, 1 * 44100) == 1 * 44100  # in silence: where it stopped


def test_without_a_device_nothing_is_said_to_be_playing_and_the_way_out_is_named(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".asoundrc").write_text("pcm.!default { type hw; card 9 }\n")
    done = subprocess.run(
        [*PLAY, "play", "three-breaths"], env={**os.environ, "HOME": str(home)},
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert "meditate export three-breaths" in done.stderr
    assert "MEDITATE_DEVICE=silent" in done.stderr
    assert "MEDITATE_DEVICE=silent" in run("play", "--help")[1]


def test_a_wrong_default_session_names_its_variable(monkeypatch) -> None:
    monkeypatch.setenv("MEDITATE_DEFAULT", "nope")
    code, out = run("play")
    assert code == 2
    assert out.startswith("meditate: MEDITATE_DEFAULT=nope: no session named 'nope'")


def test_skipping_through_to_the_end_is_not_a_completed_sitting(tmp_path) -> None:
    import pty

    session = tmp_path / "long.yaml"
    session.write_text(
        "title: Long\nsteps:\n  - chapter: A\n  - silence: 10m\n  - chapter: B\n  - silence: 10m\n"
    )
    env = {**os.environ, "MEDITATE_DEVICE": "silent", "MEDITATE_NOW": "2026-11-25T07:00"}
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(PLAY[0], [*PLAY, "play", str(session)], env)
    shown = b""
    while b"Chapter 1/2" not in shown:
        shown += os.read(fd, 4096)
    os.write(fd, b"n")
    while b"Chapter 2/2" not in shown:
        shown += os.read(fd, 4096)
    os.write(fd, b"n")  # past the last chapter: the end
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.waitpid(pid, 0)
    assert b"Reached the end of Long, skipping much of it" in shown
    out = run("history", "--json")[1]
    assert '"completed": true' not in out  # a minute of practice is not a completed sitting


def test_history_counts_one_sitting_as_one(monkeypatch) -> None:
    import datetime

    from player.common.paths import history_path
    from player.practice.history import Sitting, record

    started = datetime.datetime(2026, 11, 25, 7, 0).astimezone()
    record(history_path(), Sitting(started, "grounding", "Grounding", 60.0, True))
    monkeypatch.setenv("MEDITATE_NOW", "2026-11-25T08:00")
    assert "Total: 1 minute in 1 sitting, 1 completed." in run("history")[1]


# -- new


def test_the_templates_bells_ring_at_its_written_length(tmp_path) -> None:
    from player.session.loader import load_session
    from player.session.model import Silence, flatten
    from player.session.starter import starter_text

    path = tmp_path / "calm.yaml"
    path.write_text(starter_text("calm"))
    (rest,) = [s for s in flatten(load_session(path).steps) if isinstance(s, Silence) and s.bells]
    assert rest.bells is not None and rest.bells.offsets(rest.seconds, rest.seconds)


def test_new_writes_to_a_path_when_given_one(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("new", "here.yaml")[0] == 0
    assert (tmp_path / "here.yaml").read_text().startswith("# here: your own guided meditation")
    assert "meditate play here.yaml" in (tmp_path / "here.yaml").read_text()
    assert run("play", "--help")[0] == 0
    assert run("new", "here.yaml")[0] == 2  # never replaced
