"""Pointing narration at new clips edits only those values: every comment, blank line, key
order and quote of the script stays as it was."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from player.common.paths import bundled_sessions_dir
from player.session.edit import EditError, narrations, set_clips, yaml_scalar
from player.session.loader import load_session
from player.session.model import Narration, flatten
from player.session.starter import starter_text

BUNDLED = sorted(bundled_sessions_dir().glob("*.yaml"))


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """(removed, added) pairs of a line-for-line edit; fails if lines were added or removed."""
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def without_clips(path: Path) -> list[object]:
    """The loaded steps with narration clips and places left out: all that must not change."""
    steps = []
    for step in flatten(load_session(path).steps):
        if isinstance(step, Narration):
            step = dataclasses.replace(step, clip=None, draft=False)
        steps.append(dataclasses.replace(step, where=None))
    return steps


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_bundled_session_keeps_all_but_its_narration_values(path: Path, tmp_path: Path):
    text = path.read_text()
    count = len(narrations(text))
    clips = {i: f"{path.stem}/voice/{i + 1:02d}-x.flac" for i in range(count)}
    edited = set_clips(text, clips)
    for old, new in changed_lines(text, edited):
        assert old.split("narration: ")[0] == new.split("narration: ")[0]  # same indent and dash
        assert new.endswith(".flac")
    assert [said.clip for said in narrations(edited)] == list(clips.values())
    copy = tmp_path / path.name
    copy.write_text(edited)
    assert without_clips(copy) == without_clips(path)


def test_a_draft_gets_its_narration_key_first_and_the_template_keeps_its_comments(
    tmp_path: Path,
):
    text = starter_text("evening", called="evening")
    count = len(narrations(text))
    edited = set_clips(text, {0: "evening/voice/01-welcome.flac"})
    first_text = "  - text: Welcome."
    assert text.count(first_text) == 1
    assert edited == text.replace(
        first_text, "  - narration: evening/voice/01-welcome.flac\n    text: Welcome."
    )
    assert len(narrations(edited)) == count
    path = tmp_path / "evening.yaml"
    path.write_text(edited)
    first = next(s for s in flatten(load_session(path).steps) if isinstance(s, Narration))
    assert first.clip is not None and first.clip.written == "evening/voice/01-welcome.flac"
    assert first.text and first.text.startswith("Welcome.")


WAYS = [
    ("  - text: Hi   # c\n", "  - narration: v/1.flac\n    text: Hi   # c\n"),
    ("  - {text: Hi}\n", "  - {narration: v/1.flac, text: Hi}\n"),
    ("  - narration:\n    text: Hi\n", "  - narration: v/1.flac\n    text: Hi\n"),
    (
        "  - narration: ~  # later\n    text: Hi\n",
        "  - narration: v/1.flac  # later\n    text: Hi\n",
    ),
    ('  - narration: "old one.ogg"\n    text: Hi\n', "  - narration: v/1.flac\n    text: Hi\n"),
    (
        "  - narration: |\n      old.ogg\n\n    text: Hi\n",
        "  - narration: v/1.flac\n\n    text: Hi\n",
    ),
    (
        "  - volume: -2 dB\n    text: Hi\n",
        "  - narration: v/1.flac\n    volume: -2 dB\n    text: Hi\n",
    ),
]


@pytest.mark.parametrize(("before", "after"), WAYS)
def test_each_way_of_writing_a_narration_step_is_edited_in_place(before: str, after: str):
    head = "# a comment\ntitle: T\nsteps:\n"
    assert set_clips(head + before, {0: "v/1.flac"}) == head + after


def test_windows_line_ends_unicode_and_nested_repeats_are_kept():
    text = (
        "title: Ünïcode ☃ 𝄞\r\nsteps:\r\n  - repeat: 2\r\n    steps:\r\n"
        "      - repeat: 2\r\n        steps:\r\n          - narration: a.ogg  # 𝄞\r\n"
        "            text: Ça va\r\n  - text: Ende\r\n"
    )
    edited = set_clips(text, {0: "s/voice/01-a.flac", 1: "s/voice/02-ende.flac"})
    assert edited == text.replace("a.ogg", "s/voice/01-a.flac").replace(
        "  - text: Ende", "  - narration: s/voice/02-ende.flac\r\n    text: Ende"
    )


def test_a_step_repeated_through_a_yaml_alias_is_edited_once():
    text = "title: T\nsteps:\n  - &cue {narration: in.ogg, text: In}\n  - *cue\n"
    edited = set_clips(text, {0: "t/voice/01-in.flac", 1: "t/voice/01-in.flac"})
    assert edited == text.replace("in.ogg", "t/voice/01-in.flac")
    with pytest.raises(EditError, match="alias"):
        set_clips(text, {0: "a.flac", 1: "b.flac"})


def test_a_step_that_is_not_there_is_refused():
    with pytest.raises(EditError, match="1 narration steps, not 3"):
        set_clips("title: T\nsteps:\n  - text: Hi\n", {2: "x.flac"})
    with pytest.raises(EditError, match="no longer reads as YAML"):
        set_clips("title: [\n", {0: "x.flac"})


@given(st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s))
def test_any_clip_name_is_written_so_that_it_reads_back_the_same(name: str):
    text = "title: T\nsteps:\n  - text: Hi  # keep me\n  - {text: Yo}\n"
    edited = set_clips(text, {0: name, 1: name})
    assert [said.clip for said in narrations(edited)] == [name, name]
    assert "# keep me" in edited


def test_plain_names_stay_plain_and_others_are_quoted():
    assert yaml_scalar("grounding/voice/01-welcome.flac") == "grounding/voice/01-welcome.flac"
    assert yaml_scalar("my session/voice/01-x.flac") == "my session/voice/01-x.flac"
    assert yaml_scalar("yes") == '"yes"'
    assert yaml_scalar("a: b") == '"a: b"'
