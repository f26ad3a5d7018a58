"""Placing a session whose narrator speaks as it plays (session/layout.py): planned by
estimate, placed by the real lengths of the clips before each event, flexible silences
absorbing the difference; and where playback may wait for a clip (live/holding.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from player.common.audio_format import SAMPLE_RATE, seconds_to_frames
from player.live.holding import hold_at
from player.prepare.narrator import NarratorChoice, choose_narrator
from player.prepare.session import prepare_session
from player.session.layout import Layout
from player.session.loader import load_session
from player.session.model import Narration, Session, flatten
from player.session.timeline import EventKind, compile_timeline
from player.sound.placed import mixable_until

SESSION = """
title: Placed
ambient:
  - sound: synth:pink-noise
    fade_in: 2s
    fade_out: 2s
steps:
  - bell: chime
  - chapter: One
  - text: Breathe in slowly.
  - silence: 3s
  - text: And let it go, all the way out.
  - silence: 20s
    flex: true
    min: 10s
  - chapter: Two
  - text: Rest here.
  - silence: 4s
"""


@pytest.fixture
def narrated(write_session) -> Session:
    """The session prepared with espeak-ng as its narrator: nothing is spoken yet."""
    loaded = load_session(write_session(SESSION))
    return prepare_session(loaded, narrator=choose_narrator(NarratorChoice("espeak-ng"), loaded))


def clips(session: Session) -> list[Path]:
    steps = [s for s in flatten(session.steps) if isinstance(s, Narration) and s.narrated]
    return [s.clip.found for s in steps]


def estimates(session: Session) -> list[float]:
    steps = [s for s in flatten(session.steps) if isinstance(s, Narration) and s.narrated]
    return [s.clip.length for s in steps]


def placed(session: Session, real: list[float]):
    return compile_timeline(session, spoken=dict(zip(clips(session), real, strict=True)))


def test_narration_is_planned_by_an_estimate_nothing_spoken(narrated) -> None:
    assert all(not clip.exists() for clip in clips(narrated))
    first, second, _ = estimates(narrated)
    assert 0.8 < first < 3.0 and second > first  # more words, longer
    plan = compile_timeline(narrated)
    speech = [e for e in plan.events if e.kind is EventKind.NARRATION]
    assert [e.length for e in speech] == [seconds_to_frames(s) for s in estimates(narrated)]


def test_where_an_event_starts_depends_only_on_the_clips_before_it(narrated) -> None:
    first, second, third = estimates(narrated)
    one = placed(narrated, [first + 0.5, second, third])
    other = placed(narrated, [first + 0.5, second + 2.0, third - 0.3])
    assert one.events[:3] == other.events[:3]  # the bell, the first clip, the silence after it
    assert one.events[3].start == other.events[3].start  # the second clip, however long it is
    assert one.events[3].start == 5 * SAMPLE_RATE + seconds_to_frames(first + 0.5) + 3 * SAMPLE_RATE


def test_a_flexible_silence_absorbs_what_the_clips_before_it_ran_over(narrated) -> None:
    first, second, third = estimates(narrated)
    plan = compile_timeline(narrated)
    real = placed(narrated, [first + 0.5, second + 1.0, third + 0.2])
    flex_planned, flex_real = plan.events[4], real.events[4]
    over = (
        seconds_to_frames(first + 0.5) - seconds_to_frames(first)
        + seconds_to_frames(second + 1.0) - seconds_to_frames(second)
    )  # fmt: skip
    assert flex_real.length == flex_planned.length - over
    assert real.events[5].start == plan.events[5].start  # after it, all is where it was planned
    assert real.chapters[-1].start == plan.chapters[-1].start
    assert real.length == plan.length + seconds_to_frames(third + 0.2) - seconds_to_frames(third)


def test_a_flexible_silence_absorbs_no_more_than_its_min_allows(narrated) -> None:
    first, second, third = estimates(narrated)
    plan = compile_timeline(narrated)
    real = placed(narrated, [first + 30.0, second, third])
    assert real.events[4].length == 10 * SAMPLE_RATE  # its min
    late = real.events[5].start - plan.events[5].start
    assert late == seconds_to_frames(first + 30.0) - seconds_to_frames(first) - 10 * SAMPLE_RATE


def test_a_session_without_a_narrator_is_laid_out_as_written(write_session) -> None:
    clip = "narration: narration/three-breaths/02-in.ogg\n    text:"
    path = write_session(SESSION.replace("text:", clip))
    session = prepare_session(load_session(path))
    layout = Layout(session)
    layout.advance()
    assert layout.complete and layout.timeline() == compile_timeline(session)


def test_placing_stops_at_the_first_clip_not_spoken_yet(narrated) -> None:
    layout = Layout(narrated)
    layout.advance()
    first = clips(narrated)[0]
    assert layout.pending is not None and layout.pending.clip.found == first
    part = layout.timeline()
    assert not part.complete and part.frontier == 5 * SAMPLE_RATE  # after the chime
    assert [e.kind for e in part.events] == [EventKind.BELL]
    assert part.placed_chapters == 2 and len(part.chapters) == 3  # Two is only expected
    assert mixable_until(part) <= part.frontier
    layout.learn(first, 1.5)
    assert layout.advance()
    assert layout.timeline().frontier == 5 * SAMPLE_RATE + seconds_to_frames(1.5) + 3 * SAMPLE_RATE


def test_playback_waits_for_a_clip_only_where_nothing_is_cut(narrated) -> None:
    first = estimates(narrated)[0]
    layout = Layout(narrated, spoken={clips(narrated)[0]: first})
    layout.advance()
    part = layout.timeline()
    speech = next(e for e in part.events if e.kind is EventKind.NARRATION)
    silence = part.events[2]
    # the end of what can be rendered falls inside the first clip: wait before it
    assert hold_at(part, speech.start + 100, speech.start) == speech.start
    # ... inside the silence after it: wait there
    assert hold_at(part, silence.start + 2 * SAMPLE_RATE, 0) == silence.start + 2 * SAMPLE_RATE
    # inside the opening bell, when playback is in it: the bell rings on (never the voice)
    assert hold_at(part, 3 * SAMPLE_RATE, 1000) == 3 * SAMPLE_RATE
    assert hold_at(part, 3 * SAMPLE_RATE, 0) == 3 * SAMPLE_RATE
