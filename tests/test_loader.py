"""The loader: what a valid session becomes, and one clear located message per problem."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from player.prepare.session import load_prepared
from player.session.model import Bell, Chapter, Narration, Repeat, Silence
from player.session.problems import SessionError

WriteSession = Callable[..., Path]


def problems_of(path: Path) -> list[str]:
    with pytest.raises(SessionError) as caught:
        load_prepared(path)
    return [str(problem) for problem in caught.value.problems]


def only_problem(path: Path) -> str:
    found = problems_of(path)
    assert len(found) == 1, found
    return found[0]


def test_a_full_session_becomes_a_typed_model(write_session: WriteSession, make_wav, tmp_path):
    make_wav(tmp_path / "clips" / "hello.wav", 2.5)
    path = write_session(
        """
        title: Grounding
        description: Root into body and breath.
        author: A Teacher
        tags: [grounding, beginner]
        ambient:
          - sound: synth:drone
            volume: -22 dB
            duck: 6 dB
            pitch: 128
            beat: 6
            from: Arriving
        steps:
          - bell: singing-bowl
          - chapter: Arriving
          - narration: clips/hello.wav
            text: Hello.
            volume: -2 dB
            fade_out: 500ms
          - repeat: 2
            steps:
              - silence: 1m30s
                flex: true
                min: 30s
                max: 3m
        """
    )
    session = load_prepared(path)
    assert session.title == "Grounding"
    assert session.tags == ("grounding", "beginner")
    bed = session.ambient[0]
    assert (bed.synth, bed.volume_db, bed.duck_db, bed.pitch_hz, bed.beat_hz) == (
        "drone", -22.0, 6.0, 128.0, 6.0,
    )  # fmt: skip
    assert bed.from_chapter == "Arriving"
    bell, chapter, narration, repeat = session.steps
    assert isinstance(bell, Bell) and bell.name == "singing-bowl" and bell.seconds == 12.0
    assert isinstance(chapter, Chapter) and chapter.title == "Arriving"
    assert isinstance(narration, Narration)
    assert narration.clip is not None and narration.clip.path == tmp_path / "clips" / "hello.wav"
    assert narration.seconds == pytest.approx(2.5, abs=0.001)
    assert (narration.text, narration.volume_db, narration.fade_out) == ("Hello.", -2.0, 0.5)
    assert narration.where.line == 15
    assert isinstance(repeat, Repeat) and repeat.count == 2
    silence = repeat.steps[0]
    assert isinstance(silence, Silence)
    assert (silence.seconds, silence.flex, silence.min_seconds, silence.max_seconds) == (
        90.0, True, 30.0, 180.0,
    )  # fmt: skip


def test_every_problem_is_reported_in_line_order(write_session: WriteSession) -> None:
    path = write_session(
        """
        title: Many problems
        steps:
          - silence: -5s
          - bell: gong
          - silence: 0
        """
    )
    found = problems_of(path)
    assert [p.split(":")[1] for p in found] == ["3", "4", "5"]
    assert "cannot be negative" in found[0]
    assert "unknown bell 'gong'" in found[1]
    assert "longer than zero" in found[2]


def test_unknown_key_suggests_the_closest_valid_one(write_session: WriteSession) -> None:
    path = write_session("title: T\ndescripton: x\nsteps:\n  - silence: 1s\n")
    assert only_problem(path) == (
        f"{path}:2:1: unknown key 'descripton'; did you mean 'description'? "
        "(expected one of: version, title, description, author, tags, language, cover, voice, "
        "ambient, steps)"
    )


def test_unknown_step_kind_suggests_one(write_session: WriteSession) -> None:
    path = write_session("title: T\nsteps:\n  - silense: 3s\n")
    assert "3:5: unknown step 'silense'; did you mean 'silence'?" in only_problem(path)


def test_missing_clip_names_where_it_looked_and_suggests_a_neighbour(
    write_session: WriteSession, make_wav, tmp_path
) -> None:
    make_wav(tmp_path / "voice" / "01-arrive.wav", 0.5)
    path = write_session("title: T\nsteps:\n  - narration: voice/01-arive.wav\n")
    message = only_problem(path)
    assert message.startswith(f"{path}:3:16: narration clip 'voice/01-arive.wav' not found")
    assert str(tmp_path / "voice") in message
    assert message.endswith("did you mean '01-arrive.wav'?")


def test_paths_resolve_beside_the_session_before_the_bundled_audio(
    write_session: WriteSession, tmp_path
) -> None:
    bundled = "narration/three-breaths/02-in.ogg"
    path = write_session(f"title: T\nsteps:\n  - narration: {bundled}\n")
    assert "audio" in load_prepared(path).steps[0].clip.path.parts
    local = tmp_path / bundled  # the same name beside the session wins
    local.parent.mkdir(parents=True)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=d=0.5", "-c:a", "libvorbis",
         str(local)],
        check=True,
    )  # fmt: skip
    assert load_prepared(path).steps[0].clip.path == local


def test_yaml_syntax_errors_name_their_line(write_session: WriteSession) -> None:
    path = write_session("title: T\nsteps:\n  - silence: 3s\n   - bell: chime\n")
    message = only_problem(path)
    assert message.startswith(f"{path}:4:")
    assert "YAML syntax error" in message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("title: [a, b]\nsteps:\n  - silence: 1s\n", "1:8: expected text, found a list"),
        ("title: T\nsteps: 3\n", "2:8: expected a list of steps, found '3'"),
        ("title: T\nsteps:\n  - silence: soon\n", "3:14: expected a duration"),
        ("title: T\nsteps:\n  - bell: chime\n    volume: loud\n", "4:13: expected a level"),
        ("title: T\nsteps:\n  - silence: 1s\n    flex: maybe\n", "4:11: expected true or false"),
        (
            "title: T\nsteps:\n  - repeat: two\n    steps: [{silence: 1s}]\n",
            "3:13: expected a whole",
        ),
        ("title: T\nsteps:\n  - chapter:\n", "3:13: expected text, found nothing"),
    ],
)
def test_wrong_types_say_what_was_expected(write_session: WriteSession, body, expected) -> None:
    assert expected in only_problem(write_session(body))


def test_zero_and_negative_durations_have_their_own_messages(write_session: WriteSession):
    found = problems_of(write_session("title: T\nsteps:\n  - silence: 0s\n  - silence: -2\n"))
    assert "3:14: a duration must be longer than zero" in found[0]
    assert "4:14: a duration cannot be negative" in found[1]


def test_empty_steps_is_refused(write_session: WriteSession) -> None:
    assert "2:8: steps is empty: add at least one step" in only_problem(
        write_session("title: T\nsteps: []\n")
    )


def test_missing_title_and_steps_are_both_reported(write_session: WriteSession) -> None:
    found = problems_of(write_session("description: nothing else\n"))
    assert any("missing 'title'" in p for p in found)
    assert any("missing 'steps'" in p for p in found)


@pytest.mark.parametrize("count", ["0", "1001"])
def test_repeat_count_must_be_between_1_and_1000(write_session: WriteSession, count) -> None:
    path = write_session(f"title: T\nsteps:\n  - repeat: {count}\n    steps: [silence: 1s]\n")
    assert f"3:13: repeat {count} is out of range: 1 to 1000" in only_problem(path)


def test_a_session_over_24_hours_is_refused(write_session: WriteSession) -> None:
    path = write_session("title: T\nsteps:\n  - repeat: 25\n    steps:\n      - silence: 1h\n")
    assert "3:5: the session lasts 25:00:00; the limit is 24:00:00" in only_problem(path)


def test_nested_repeats_that_expand_too_far_are_refused_without_expanding(write_session):
    # a billion steps: expanding them would exhaust memory long before this could pass
    path = write_session(
        "title: T\nsteps:\n  - repeat: 1000\n    steps:\n      - repeat: 1000\n"
        "        steps:\n          - repeat: 1000\n            steps: [silence: 1ms]\n"
    )
    assert "expand to 1000000000 steps" in only_problem(path)


def test_duplicate_keys_are_reported(write_session: WriteSession) -> None:
    path = write_session("title: T\ntitle: U\nsteps:\n  - silence: 1s\n")
    assert "2:1: 'title' is given twice" in only_problem(path)


def test_a_step_with_two_kinds_is_refused(write_session: WriteSession) -> None:
    path = write_session("title: T\nsteps:\n  - silence: 1s\n    bell: chime\n")
    assert "one step can be only one kind, found silence and bell" in only_problem(path)


def test_min_and_max_need_flex(write_session: WriteSession) -> None:
    path = write_session("title: T\nsteps:\n  - silence: 10s\n    max: 20s\n")
    assert "4:10: 'max' applies only to flexible silences: add flex: true" in only_problem(path)


def test_ambient_checks_synth_names_chapters_and_drone_only_keys(write_session: WriteSession):
    path = write_session(
        """
        title: T
        ambient:
          - sound: synth:ocaen
          - sound: synth:rain
            beat: 4
          - sound: synth:drone
            from: Middle
        steps:
          - chapter: Start
          - silence: 1s
        """
    )
    found = problems_of(path)
    assert "3:12: unknown synth 'ocaen'; did you mean 'ocean'?" in found[0]
    assert "5:11: 'beat' applies only to sound: synth:drone" in found[1]
    assert "7:11: no chapter titled 'Middle' (chapters: 'Start')" in found[2]


def test_python_tags_are_refused_and_never_run(write_session: WriteSession, tmp_path) -> None:
    marker = tmp_path / "ran"
    path = write_session(
        f"title: !!python/object/apply:os.system ['touch {marker}']\nsteps:\n  - silence: 1s\n"
    )
    assert "1:8: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in (
        only_problem(path)
    )
    assert not marker.exists()


def test_an_alias_bomb_is_refused_within_the_node_budget(write_session: WriteSession) -> None:
    lines = ["x0: &x0 [{silence: 1s}, {silence: 1s}]"]
    lines += [
        f"x{i}: &x{i} [{{repeat: 1, steps: *x{i - 1}}}, {{repeat: 1, steps: *x{i - 1}}}]"
        for i in range(1, 40)
    ]
    path = write_session("\n".join(lines) + "\ntitle: T\nsteps: *x39\n")  # 2**40 steps
    found = problems_of(path)
    assert any("expands to more than 100000 values" in p for p in found)


def test_files_over_one_megabyte_are_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("title: T\nsteps:\n" + "  - silence: 1s\n" * 70_000)
    assert f"{path}:1:1: file is 1.1 MB; a session file may be at most 1 MB" == only_problem(path)


def test_non_utf8_bytes_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Méditation\nsteps:\n  - silence: 1s\n".encode("latin-1"))
    assert only_problem(path) == f"{path}:1:9: not UTF-8 text: save the file with UTF-8 encoding"


def test_a_folder_is_not_a_session(tmp_path: Path) -> None:
    assert "is a folder, not a session file" in only_problem(tmp_path)


def test_an_empty_file_says_what_a_session_needs(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n")
    assert only_problem(path) == f"{path}:1:1: empty file: a session needs title and steps"


def test_an_unreadable_clip_is_reported_at_its_step(write_session: WriteSession, tmp_path):
    (tmp_path / "fake.mp3").write_text("this is not audio\n")
    (tmp_path / "empty.wav").write_bytes(b"")
    path = write_session("title: T\nsteps:\n  - narration: fake.mp3\n  - narration: empty.wav\n")
    found = problems_of(path)
    assert "3:16: narration clip" in found[0] and "is unusable: not a readable audio" in found[0]
    assert "4:16:" in found[1] and "the file is empty (0 bytes)" in found[1]


def test_an_unknown_user_in_a_clip_path_is_a_located_problem(write_session) -> None:
    path = write_session("title: T\nsteps:\n  - narration: ~nosuchuser/x.wav\n")
    assert only_problem(path) == (
        f"{path}:3:16: narration clip '~nosuchuser/x.wav': ~nosuchuser names no user on this "
        "system (write the full path)"
    )
