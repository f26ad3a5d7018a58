"""A picture of a session: loudness of the rendered mix, what sounds when, chapters, beds.

matplotlib is an optional extra (`pip install 'meditate[plot]'`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.common.errors import MeditateError
from player.common.files import OutputExists, atomic_output
from player.session.timeline import EventKind, Timeline
from player.sound.loudness import block_powers
from player.sound.render import Renderer

WIDTH_INCHES, HEIGHT_INCHES, DPI = 12.0, 4.5, 100
_CHUNK = 60 * SAMPLE_RATE
_COLOURS = {EventKind.NARRATION: "#4c72b0", EventKind.BELL: "#dd8452", EventKind.SILENCE: "#e5e5e5"}


def momentary_loudness(renderer: Renderer) -> tuple[np.ndarray, np.ndarray]:
    """Minutes and momentary loudness (LUFS, 400 ms blocks every 100 ms) of the whole mix."""
    times: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for start in range(0, renderer.length, _CHUNK):
        pcm = renderer.pcm(start, min(start + _CHUNK, renderer.length)).astype(np.float32) / 32768
        powers = block_powers(pcm)
        with np.errstate(divide="ignore"):
            values.append(-0.691 + 10 * np.log10(np.maximum(powers, 1e-12)))
        times.append(start + 0.2 * SAMPLE_RATE + np.arange(len(powers)) * 0.1 * SAMPLE_RATE)
    minutes = np.concatenate(times) / SAMPLE_RATE / 60 if times else np.zeros(0)
    return minutes, np.concatenate(values) if values else np.zeros(0)


def draw(timeline: Timeline, target: Path, renderer: Renderer | None = None) -> Path:
    """Draw `timeline` into the PNG `target`, which must not exist yet."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MeditateError(
            "--plot needs matplotlib, an optional extra: pip install 'meditate[plot]' "
            "(in a checkout: .venv/bin/pip install -e '.[plot]')"
        ) from None
    if target.suffix.lower() != ".png":
        raise MeditateError(f"--plot writes PNG images: name the file {target.stem}.png")
    if target.exists():
        raise MeditateError(f"{target} exists: choose another name or remove it")
    renderer = renderer or Renderer(timeline)
    minutes, loudness = momentary_loudness(renderer)
    figure, axes = plt.subplots(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    floor, top = -60.0, 0.0
    for event in timeline.events:
        axes.axvspan(
            event.start / SAMPLE_RATE / 60, event.end / SAMPLE_RATE / 60, ymin=0.0, ymax=0.06,
            color=_COLOURS[event.kind], linewidth=0,
        )  # fmt: skip
    axes.plot(minutes, np.clip(loudness, floor, top), color="#333333", linewidth=0.6,
              label="mix, momentary loudness")  # fmt: skip
    target_lufs = renderer.options.loudness
    axes.axhline(target_lufs, color="#999999", linestyle=":", linewidth=0.8, label="target")
    positions = np.arange(0, timeline.length, SAMPLE_RATE // 10)
    for index, span in enumerate(renderer.timeline.beds if renderer.options.ambient else ()):
        level = renderer.bed_loudness(index, positions)
        if level is None:
            continue
        axes.plot(positions / SAMPLE_RATE / 60, np.clip(level, floor, top), linewidth=1.2,
                  label=f"ambient: {span.bed.label}")  # fmt: skip
    for mark in timeline.chapters:
        x = mark.start / SAMPLE_RATE / 60
        axes.axvline(x, color="#55a868", linewidth=0.8)
        axes.text(x, top - 2, f" {mark.title}", rotation=90, va="top", fontsize=8, color="#2d6a3e")
    for kind, colour in _COLOURS.items():
        axes.plot([], [], color=colour, linewidth=6, label=kind.value)
    axes.set_xlim(0, max(timeline.length / SAMPLE_RATE / 60, 1 / 60))
    axes.set_ylim(floor, top)
    axes.set_xlabel("minutes")
    axes.set_ylabel("LUFS")
    axes.set_title(timeline.session.title)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=7, ncol=7, frameon=False)
    figure.tight_layout()
    try:
        with atomic_output(target, force=False) as partial:
            figure.savefig(partial, dpi=DPI, format="png")
    except OutputExists:
        raise MeditateError(f"{target} exists: choose another name or remove it") from None
    finally:
        plt.close(figure)
    return target
