"""The limiter keeps every sample under the ceiling with a gain that moves smoothly."""

from __future__ import annotations

import numpy as np

from player.sound.mastering import Limiter, sliding_min, trailing_mean


def test_sliding_min_and_trailing_mean_match_their_definitions() -> None:
    values = np.random.default_rng(3).random(500)
    assert np.array_equal(sliding_min(values, 17), [values[i : i + 17].min() for i in range(484)])
    means = trailing_mean(values, 9)
    padded = np.concatenate([np.full(8, values[0]), values])
    assert np.allclose(means, [padded[i : i + 9].mean() for i in range(500)])


def test_no_sample_passes_the_ceiling_and_gain_changes_are_gradual() -> None:
    limiter = Limiter()
    rng = np.random.default_rng(5)
    mix = (rng.standard_normal((44100, 2)) * 0.1).astype(np.float32)
    mix[20000:20100] *= 30  # a burst far over full scale
    context = limiter.reach_before
    gain = limiter.gain(mix)
    assert gain is not None
    limited = mix * gain[:, None]
    inner = slice(context, len(mix) - limiter.reach_after)
    assert np.max(np.abs(limited[inner])) <= limiter.ceiling * (1 + 1e-6)
    assert np.max(np.abs(np.diff(gain[inner]))) < 1.0 / limiter.attack * 1.01
    assert gain[5000] == 1.0 and gain[40000] == 1.0  # untouched away from the burst


def test_quiet_material_is_left_alone() -> None:
    assert Limiter().gain(np.full((1000, 2), 0.1, np.float32)) is None
