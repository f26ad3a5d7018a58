"""What `meditate record` records: each line once, its take's name, the choice of lines, and
where each line's sound comes from today."""

from __future__ import annotations

from pathlib import Path

import pytest

from player.common.paths import bundled_sessions_dir
from player.prepare.lines import line_statuses
from player.session.loader import load_session
from player.session.recording import SelectionError, Status, lines_of, select, slug_for


def bundled(name: str) -> Path:
    return bundled_sessions_dir() / f"{name}.yaml"


def test_three_breaths_has_four_lines_and_the_breaths_in_the_repeat_are_recorded_once():
    lines = lines_of(load_session(bundled("three-breaths")))
    assert [(line.number, line.plays, line.file_name) for line in lines] == [
        (1, 1, "01-arrive.flac"),
        (2, 3, "02-in.flac"),
        (3, 3, "03-out.flac"),
        (4, 1, "04-return.flac"),
    ]
    assert lines[1].text == "Breathe in slowly."
    assert lines[1].chapter == "Three breaths"
    assert [line.ordinals for line in lines] == [(0,), (1,), (2,), (3,)]


def test_a_shared_breath_cue_in_two_repeats_is_one_line_for_every_step_that_says_it():
    session = load_session(bundled("embracing-separation"))
    lines = lines_of(session)
    breathe_in = [line for line in lines if line.clip == "narration/common/breathe-in.ogg"]
    assert len(breathe_in) == 1
    assert len(breathe_in[0].ordinals) == 2  # written in two repeats
    assert breathe_in[0].plays == 7  # repeat 3 and repeat 4
    assert breathe_in[0].file_name.endswith("-breathe-in.flac")
    names = [line.file_name for line in lines]
    assert len(set(names)) == len(names)


def test_drafts_saying_the_same_words_are_one_line(write_session):
    path = write_session(
        """
        title: Drafts
        steps:
          - text: Welcome. Let your eyes close.
          - silence: 2s
          - text: Breathe   in.
          - repeat: 2
            steps:
              - text: Breathe in.
              - silence: 1s
        """,
        "evening.yaml",
    )
    lines = lines_of(load_session(path))
    assert [(line.file_name, line.ordinals, line.plays) for line in lines] == [
        ("01-welcome-let-your-eyes.flac", (0,), 1),
        ("02-breathe-in.flac", (1, 2), 3),
    ]
    assert all(line.draft for line in lines)


def test_slugs_come_from_the_clip_name_or_the_first_words():
    assert slug_for("narration/grounding/01-welcome.ogg", "Welcome.") == "welcome"
    assert slug_for("grounding/voice/12-breathe-in.flac", None) == "breathe-in"
    assert slug_for("my voice/Ärger über Dinge.MP3", None) == "arger-uber-dinge"
    assert slug_for(None, "Let the day go, gently, now.") == "let-the-day-go"
    assert slug_for(None, "…") == "line"
    assert slug_for("07.wav", "Soften your jaw.") == "soften-your-jaw"


def test_a_take_name_used_by_another_line_gets_a_suffix(write_session, make_wav, tmp_path):
    make_wav(tmp_path / "x" / "voice" / "02-arrive.flac", 0.5)
    path = write_session(
        """
        title: Clash
        steps:
          - narration: x/voice/02-arrive.flac
            text: First.
          - narration: other/arrive.ogg
            text: Second.
        """,
        "x.yaml",
    )
    lines = lines_of(load_session(path))
    assert [line.file_name for line in lines] == ["01-arrive.flac", "02-arrive-2.flac"]


def test_only_from_and_missing_choose_lines(write_session, make_wav, tmp_path):
    make_wav(tmp_path / "mine" / "voice" / "02-in.flac", 0.5)
    path = write_session(
        """
        title: Mixed
        steps:
          - narration: narration/three-breaths/01-arrive.ogg
            text: Arrive.
          - narration: mine/voice/02-in.flac
            text: In.
          - text: Out.
          - narration: gone.wav
            text: Gone.
        """,
        "mine.yaml",
    )
    session = load_session(path)
    lines = lines_of(session)
    statuses = line_statuses(session, lines)
    assert list(statuses.values()) == [
        Status.BUNDLED,
        Status.RECORDED,
        Status.DRAFT,
        Status.MISSING,
    ]

    def numbers(**chosen) -> list[int]:
        return [line.number for line in select(lines, statuses, **chosen)]

    assert numbers() == [1, 2, 3, 4]
    assert numbers(only=[3, 1]) == [1, 3]
    assert numbers(start=2) == [2, 3, 4]
    assert numbers(missing=True) == [1, 3, 4]
    assert numbers(missing=True, start=2) == [3, 4]
    with pytest.raises(SelectionError, match="there is no line 5: the lines are numbered 1 to 4"):
        select(lines, statuses, only=[5])
    with pytest.raises(SelectionError, match="no line 0"):
        select(lines, statuses, start=0)
