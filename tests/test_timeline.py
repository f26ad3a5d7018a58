"""The timeline: every event on its exact sample, repeats expanded, chapters and beds placed."""

from __future__ import annotations

import pytest

from player.common.audio_format import SAMPLE_RATE
from player.prepare.session import load_prepared
from player.session.timeline import EventKind, compile_timeline


def test_an_event_at_12_345_seconds_starts_on_its_exact_sample(write_session, make_wav, tmp_path):
    make_wav(tmp_path / "click.wav", 0.01)
    path = write_session("title: T\nsteps:\n  - silence: 12.345\n  - narration: click.wav\n")
    timeline = compile_timeline(load_prepared(path))
    click = timeline.events[1]
    assert click.kind is EventKind.NARRATION
    assert click.start == round(12.345 * 44100) == 544414
    assert click.length == 441


def test_clip_lengths_come_from_headers_at_any_sample_rate(write_session, make_wav, tmp_path):
    make_wav(tmp_path / "a.wav", 1.5, rate=22050)
    make_wav(tmp_path / "b.wav", 0.75, rate=48000, channels=2)
    path = write_session("title: T\nsteps:\n  - narration: a.wav\n  - narration: b.wav\n")
    first, second = compile_timeline(load_prepared(path)).events
    assert (first.start, first.length) == (0, round(1.5 * SAMPLE_RATE))
    assert (second.start, second.length) == (round(1.5 * SAMPLE_RATE), round(0.75 * SAMPLE_RATE))


def test_repeats_expand_in_order_and_starts_do_not_drift(write_session) -> None:
    path = write_session(
        """
        title: T
        steps:
          - repeat: 1000
            steps:
              - silence: 0.1
              - bell: chime
        """
    )
    timeline = compile_timeline(load_prepared(path))
    assert len(timeline.events) == 2000
    last = timeline.events[-1]
    assert last.kind is EventKind.BELL and last.bell == "chime"
    assert last.start == round((999 * 5.1 + 0.1) * SAMPLE_RATE)
    assert timeline.length == round(1000 * 5.1 * SAMPLE_RATE)
    assert all(a.end == b.start for a, b in zip(timeline.events, timeline.events[1:], strict=False))


def test_chapters_start_where_their_first_step_starts_and_end_at_the_next(write_session):
    path = write_session(
        """
        title: T
        steps:
          - bell: singing-bowl
          - chapter: One
          - silence: 30s
          - chapter: Two
          - silence: 1m
        """
    )
    timeline = compile_timeline(load_prepared(path))
    opening, one, two = timeline.chapters  # the bell before One opens the session
    assert (opening.title, opening.start, opening.end) == ("Opening", 0, 12 * SAMPLE_RATE)
    assert (one.title, one.start, one.end) == ("One", 12 * SAMPLE_RATE, 42 * SAMPLE_RATE)
    assert (two.title, two.start, two.end) == ("Two", 42 * SAMPLE_RATE, 102 * SAMPLE_RATE)
    assert [e.chapter for e in timeline.events] == [0, 1, 2]
    assert timeline.chapter_at(0) == 0
    assert timeline.chapter_at(42 * SAMPLE_RATE) == 2


def test_a_session_that_starts_with_a_chapter_or_has_none_gets_no_opening(write_session):
    starts = compile_timeline(
        load_prepared(write_session("title: T\nsteps:\n  - chapter: One\n  - silence: 5s\n"))
    )
    assert [c.title for c in starts.chapters] == ["One"]
    none = compile_timeline(load_prepared(write_session("title: T\nsteps:\n  - silence: 5s\n")))
    assert none.chapters == () and none.chapter_at(0) == -1


def test_beds_span_the_session_or_the_chapters_they_name(write_session) -> None:
    path = write_session(
        """
        title: T
        ambient:
          - sound: synth:brown-noise
            fade_in: 2s
            fade_out: 3s
            duck: 6 dB
          - sound: synth:drone
            from: Two
            until: Two
            fade_in: 50s
            fade_out: 50s
        steps:
          - chapter: One
          - silence: 30s
          - chapter: Two
          - silence: 1m
          - chapter: Three
          - silence: 10s
        """
    )
    whole, middle = compile_timeline(load_prepared(path)).beds
    assert (whole.start, whole.end, whole.fade_in, whole.fade_out, whole.duck_db) == (
        0, 100 * SAMPLE_RATE, 2 * SAMPLE_RATE, 3 * SAMPLE_RATE, 6.0,
    )  # fmt: skip
    assert (middle.start, middle.end) == (30 * SAMPLE_RATE, 90 * SAMPLE_RATE)
    assert middle.fade_in + middle.fade_out <= middle.end - middle.start
    assert middle.fade_in == pytest.approx(30 * SAMPLE_RATE, abs=1)
