"""Bells made a chunk at a time, and sounds struck several times, equal the whole made at
once, sample for sample, whatever part is asked for."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from player.common.audio_format import SAMPLE_RATE
from player.session.format import STRIKE_SECONDS
from player.sound.bells import BELL_MODELS, CHUNK, bell_frames, bell_peak, bell_sound
from player.sound.lazy import LazyBell, Struck
from player.sound.sources import Sound

NAMES = sorted(BELL_MODELS)


@pytest.mark.parametrize("name", NAMES)
def test_a_lazy_bell_whole_is_the_bell(name: str) -> None:
    lazy = LazyBell(name, bell_peak(name))
    assert lazy.frames == bell_frames(name) == len(bell_sound(name))
    assert np.array_equal(lazy.samples, bell_sound(name))


@given(
    name=st.sampled_from(NAMES),
    offset=st.integers(0, 5 * SAMPLE_RATE),
    count=st.integers(1, 3 * CHUNK),
)
def test_any_part_of_a_lazy_bell_is_that_part_of_the_bell(name: str, offset: int, count: int):
    whole = bell_sound(name)
    count = min(count, len(whole) - offset)
    part = LazyBell(name, bell_peak(name)).span(offset, count)
    assert part.dtype == np.float32
    assert np.array_equal(part, whole[offset : offset + count])


def _struck_at_once(one: np.ndarray, strikes: int) -> np.ndarray:
    spacing = round(STRIKE_SECONDS * SAMPLE_RATE)
    out = np.zeros(((strikes - 1) * spacing + len(one), 2), dtype=np.float32)
    for strike in range(strikes):
        out[strike * spacing : strike * spacing + len(one)] += one
    return out


@given(
    strikes=st.integers(2, 4),
    offset=st.integers(0, 20 * SAMPLE_RATE),
    count=st.integers(1, 4 * SAMPLE_RATE),
)
def test_a_struck_sound_in_parts_equals_it_struck_at_once(strikes: int, offset: int, count: int):
    one = bell_sound("chime")
    expected = _struck_at_once(one, strikes)
    offset = min(offset, len(expected) - 1)
    count = min(count, len(expected) - offset)
    lazy = Struck(LazyBell("chime", bell_peak("chime")), strikes)
    from_clip = Struck(Sound(np.asarray(one)), strikes)
    assert lazy.frames == len(expected)
    assert np.array_equal(lazy.span(offset, count), expected[offset : offset + count])
    assert np.array_equal(from_clip.span(offset, count), expected[offset : offset + count])
