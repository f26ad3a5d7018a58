"""Memory stays flat: decoded sounds are held only while they are still to be played, and
mono clips in one channel. (Peak figures are measured by benchmarks/rss.py.)"""

from __future__ import annotations

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.prepare.session import load_prepared
from player.session.timeline import compile_timeline
from player.sound.decode import decode
from player.sound.render import BLOCK, Renderer, RenderOptions
from player.sound.sources import SoundCache, file_sound


class Held:
    identity = None

    def __init__(self, nbytes: int) -> None:
        self.nbytes = nbytes


def test_a_sound_needed_no_more_is_dropped_and_past_the_budget_the_one_needed_last() -> None:
    next_use: dict[str, int | None] = {"soon": 10, "later": 500, "gone": None, "new": 0}
    cache = SoundCache(budget=250, next_use=next_use.get)
    for key in ("soon", "later", "gone"):
        cache.get(key, lambda: Held(100))
    assert list(cache.items) == ["soon", "gone"]  # 'later' made way past the budget
    cache.drop_unneeded()
    assert list(cache.items) == ["soon"]
    cache.get("new", lambda: Held(200))
    assert list(cache.items) == ["new"]  # the sound just made is kept, whatever it costs


def test_a_mono_clip_is_held_in_one_channel_and_read_as_two(make_wav, tmp_path) -> None:
    path = make_wav(tmp_path / "mono.wav", 1.0, channels=1)
    sound = file_sound(path, "mono.wav", 1.0).opened()
    whole = decode(path)
    assert sound.nbytes == len(whole) * 4  # float32, one channel
    assert np.array_equal(sound.read(1000, 5000), whole[1000:6000])
    assert np.array_equal(sound.samples, whole)


def test_the_renderer_holds_only_the_clips_still_to_come(make_wav, write_session, tmp_path):
    steps = []
    for index in range(6):
        clip = make_wav(tmp_path / f"line-{index}.wav", 2.0, frequency=300.0 + 50 * index)
        steps += [f"  - narration: {clip.name}", "  - silence: 1s"]
    path = write_session("title: Six lines\nsteps:\n" + "\n".join(steps) + "\n")
    renderer = Renderer(compile_timeline(load_prepared(path)), RenderOptions(ambient=False))
    one_clip = 2 * SAMPLE_RATE * 4  # 2 s, mono, float32
    most = 0
    for start in range(0, renderer.length, BLOCK):
        renderer.pcm(start, start + BLOCK)
        most = max(most, renderer.decoded_bytes)
    assert most <= 2 * one_clip + BLOCK * 8  # the clip playing, and the next one at most
    renderer.pcm(renderer.length - 1, renderer.length)
    assert renderer.decoded_bytes == 0  # all played: nothing left held
