"""Pacing: text cut into phrases at its punctuation, with the pauses every engine gets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from player.sound.pacing import (
    EDGE_SECONDS,
    MAX_TEXT_CHARACTERS,
    PAUSE_CLAUSE,
    PAUSE_SENTENCE,
    Phrase,
    UnspeakableText,
    join_phrases,
    paced_phrases,
    trim,
)
from player.sound.speech import FASTEST, SLOWEST, speed_for


def test_sentences_end_with_the_long_pause_and_the_last_phrase_with_none() -> None:
    assert paced_phrases("Breathe in. Breathe out!  Are you here?") == [
        Phrase("Breathe in.", PAUSE_SENTENCE),
        Phrase("Breathe out!", PAUSE_SENTENCE),
        Phrase("Are you here?", 0.0),
    ]


def test_commas_and_dashes_pause_when_both_sides_have_three_words() -> None:
    text = (
        "Let your shoulders soften, and let your jaw release; "
        "feel the ground beneath you - steady and kind."
    )
    assert paced_phrases(text) == [
        Phrase("Let your shoulders soften,", PAUSE_CLAUSE),
        Phrase("and let your jaw release;", PAUSE_CLAUSE),
        Phrase("feel the ground beneath you -", PAUSE_CLAUSE),
        Phrase("steady and kind.", 0.0),
    ]


def test_short_clauses_stay_together() -> None:
    assert paced_phrases("Now, gently, breathe in. Yes, 3.5 times.") == [
        Phrase("Now, gently, breathe in.", PAUSE_SENTENCE),
        Phrase("Yes, 3.5 times.", 0.0),
    ]


def test_an_ellipsis_ends_a_sentence_and_closing_quotes_stay_with_it() -> None:
    assert [p.text for p in paced_phrases('Breathe in... and out. Say "I am here." Rest.')] == [
        "Breathe in...",
        "and out.",
        'Say "I am here."',
        "Rest.",
    ]


def test_stray_marks_make_no_phrase_of_their_own() -> None:
    assert paced_phrases("... Breathe in. ... Rest. --") == [
        Phrase("Breathe in.", PAUSE_SENTENCE),
        Phrase("Rest.", 0.0),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("  \n\t", "empty"),
        ("... !? -- ;", "no words"),
        ("Breathe. " * (MAX_TEXT_CHARACTERS // 9 + 1), "split it into several"),
    ],
)
def test_text_no_engine_should_speak_is_refused_with_its_reason(text: str, reason: str) -> None:
    with pytest.raises(UnspeakableText, match=reason):
        paced_phrases(text)


@given(st.text(max_size=300))
def test_phrases_keep_every_word_in_order(text: str) -> None:
    try:
        phrases = paced_phrases(text)
    except UnspeakableText:
        return
    spoken = " ".join(p.text for p in phrases).split()
    assert [w for w in spoken if any(c.isalnum() or c == "_" for c in w)] == [
        w for w in text.split() if any(c.isalnum() or c == "_" for c in w)
    ]
    assert phrases[-1].pause_after == 0.0
    assert all(p.pause_after in (PAUSE_CLAUSE, PAUSE_SENTENCE) for p in phrases[:-1])


def test_joined_phrases_have_their_pauses_and_edges_exactly() -> None:
    rate = 16000
    tone = (8000 * np.sin(np.arange(rate // 2) * 0.3)).astype(np.int16)
    padded = np.concatenate([np.zeros(4000, np.int16), tone, np.zeros(3000, np.int16)])
    phrases = [Phrase("a b c,", PAUSE_CLAUSE), Phrase("d e f.", 0.0)]
    joined = join_phrases([padded, padded], phrases, rate)
    edge = round(EDGE_SECONDS * rate)
    assert len(joined) == 2 * edge + 2 * len(tone) + round(PAUSE_CLAUSE * rate)
    assert not joined[:edge].any() and not joined[-edge:].any()
    gap = joined[edge + len(tone) : edge + len(tone) + round(PAUSE_CLAUSE * rate)]
    assert not gap.any()


def test_trim_keeps_quiet_speech_and_drops_silence() -> None:
    rate = 22050
    quiet = (300 * np.sin(np.arange(rate) * 0.2)).astype(np.int16)  # about -40 dBFS
    samples = np.concatenate([np.zeros(rate, np.int16), quiet, np.zeros(rate, np.int16)])
    assert abs(len(trim(samples, rate)) - rate) <= round(0.01 * rate)
    assert len(trim(np.zeros(rate, np.int16), rate)) == 0


def test_a_faster_rate_asks_a_faster_engine_within_bounds() -> None:
    slow, usual, fast = (speed_for(rate, 0.3) for rate in (90, 120, 150))
    assert SLOWEST <= slow < usual < fast <= FASTEST
    assert speed_for(240, 0.3) == FASTEST and speed_for(60, 0.1) == SLOWEST
