"""Levelling each source so that the mix lands on target, without measuring the mix first."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from player.common.audio_format import SAMPLE_RATE
from player.prepare.session import load_prepared
from player.session.timeline import compile_timeline
from player.sound.decode import decode
from player.sound.levels import level_offset_db, mix_gate_lufs, source_gain_db
from player.sound.loudness import block_powers, gated_lufs
from player.sound.mastering import Limiter
from player.sound.render import Renderer, RenderOptions

REPO = Path(__file__).resolve().parent.parent


def measured_gate(pcm: np.ndarray) -> float:
    """The relative gate BS.1770 sets for this audio: 10 LU under the mean of its blocks."""
    powers = block_powers(pcm.astype(np.float32) / 32768)
    powers = powers[-0.691 + 10 * np.log10(np.maximum(powers, 1e-30)) > -70]
    return -0.691 + 10 * np.log10(powers.mean()) - 10


def test_the_gate_of_the_mix_is_foreseen_from_the_timeline_within_a_db() -> None:
    timeline = compile_timeline(load_prepared(REPO / "sessions" / "three-breaths.yaml"))
    renderer = Renderer(timeline, RenderOptions(loudness=-23))
    foreseen = mix_gate_lufs(timeline, renderer.target)
    assert foreseen == pytest.approx(measured_gate(renderer.pcm(0, renderer.length)), abs=1.0)


def test_everything_is_raised_by_the_share_of_softer_sources_and_only_then(write_session):
    voice = load_prepared(REPO / "sessions" / "three-breaths.yaml")
    timeline = compile_timeline(voice)
    assert level_offset_db(timeline, bells=False) == pytest.approx(0.0)
    raised = level_offset_db(timeline, bells=True)  # two chimes 3 dB under the voice
    assert 0.1 < raised < 1.0


def test_a_clip_is_levelled_as_the_limiter_will_leave_it() -> None:
    clip = decode(REPO / "audio" / "narration" / "three-breaths" / "01-arrive.ogg")
    limiter = Limiter()
    gate, target = -29.0, -14.0  # loud enough that the limiter must catch the peaks
    gain = source_gain_db(clip, target, gate, limiter)
    assert gain is not None
    scaled = clip * np.float32(10 ** (gain / 20))
    caught = limiter.gain(scaled)
    assert caught is not None and caught.min() < 0.9  # the limiter did act
    limited = scaled * caught[:, None]
    powers = block_powers(limited)
    kept = powers[-0.691 + 10 * np.log10(np.maximum(powers, 1e-30)) > gate]
    # the meter follows the limiter through its K-weighting approximately: 0.05 LU off for
    # festival's clip of this text, 0.11 LU for Kokoro's
    assert -0.691 + 10 * np.log10(kept.mean()) == pytest.approx(target, abs=0.15)


def test_a_clip_below_the_absolute_gate_keeps_its_own_level() -> None:
    hush = np.random.default_rng(2).integers(-1, 2, (3 * SAMPLE_RATE, 2)) / 32767
    assert gated_lufs(block_powers(hush)) is None
    assert source_gain_db(hush.astype(np.float32), -16.0, -31.0, Limiter()) is None
