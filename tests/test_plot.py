"""A picture of a session, drawn from the rendered mix."""

from __future__ import annotations

import struct
import subprocess
import sys

import numpy as np
from click.testing import CliRunner

from player.cli import main


def png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_show_plot_draws_a_png_of_the_expected_size(tmp_path) -> None:
    target = tmp_path / "three-breaths.png"
    result = CliRunner().invoke(main, ["show", "three-breaths", "--plot", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {target} (the plot of three-breaths)\n"  # not only drawn
    assert png_size(target) == (1200, 450)
    assert target.stat().st_size > 20_000  # a real picture, not an empty canvas


def test_an_existing_picture_is_not_replaced(tmp_path) -> None:
    target = tmp_path / "mine.png"
    target.write_bytes(b"keep me")
    result = CliRunner().invoke(main, ["show", "three-breaths", "--plot", str(target)])
    assert result.exit_code == 2 and "exists" in result.output
    assert target.read_bytes() == b"keep me"


def test_without_matplotlib_the_message_says_how_to_add_it(tmp_path) -> None:
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from player.cli import main; sys.exit(main())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "show", "three-breaths", "--plot", str(tmp_path / "x.png")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "pip install 'meditate[plot]'" in done.stderr and "Traceback" not in done.stderr


def test_the_foreseen_loudness_follows_a_real_render(write_session) -> None:
    import numpy as np

    from player.prepare.session import load_prepared
    from player.session.timeline import compile_timeline
    from player.sound.foresee import momentary_loudness
    from player.sound.loudness import block_powers
    from player.sound.render import Renderer

    path = write_session(
        """
        title: Waves and words
        ambient:
          - sound: synth:ocean
            volume: -14 dB
            duck: 6 dB
            fade_in: 5s
        steps:
          - bell: chime
          - silence: 6s
          - narration: narration/three-breaths/01-arrive.ogg
            fade_in: 1s
          - silence: 20s
          - narration: narration/three-breaths/02-in.ogg
          - silence: 15s
        """
    )
    timeline = compile_timeline(load_prepared(path))
    seconds, foreseen = momentary_loudness(Renderer(timeline))
    renderer = Renderer(timeline)
    pcm = renderer.pcm(0, renderer.length).astype(np.float32) / 32768
    rendered = -0.691 + 10 * np.log10(np.maximum(block_powers(pcm), 1e-12))
    assert len(foreseen) == len(rendered) and seconds[0] == 0.2
    sound = rendered > -50
    apart = np.abs(foreseen - rendered)[sound]
    assert sound.mean() > 0.95
    assert np.median(apart) < 0.3
    assert np.mean(apart < 1.5) > 0.98  # more only for a moment as a sound starts


def test_kept_tick_energies_are_made_again_when_the_code_that_makes_them_changes(
    monkeypatch,
) -> None:
    from player.sound import foresee

    made: list[int] = []

    def make() -> np.ndarray:
        made.append(1)
        return np.ones(3, dtype=np.float32)

    foresee._remembered("a user's bed", make)
    foresee._remembered("a user's bed", make)
    assert len(made) == 1  # kept in the cache
    monkeypatch.setattr(foresee, "ticks_version", lambda: "other code")
    foresee._remembered("a user's bed", make)
    assert len(made) == 2
