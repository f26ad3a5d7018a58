"""A picture of a session: loudness of the mix (foreseen from its sources, without rendering
it: see player.sound.foresee), what sounds when, chapters, beds.

matplotlib is an optional extra (`pip install 'meditate[plot]'`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.common.errors import MeditateError
from player.common.files import OutputExists, atomic_output
from player.session.timeline import EventKind, Timeline
from player.sound.foresee import momentary_loudness
from player.sound.render import Renderer

WIDTH_INCHES, HEIGHT_INCHES, DPI = 12.0, 4.5, 100
_COLOURS = {EventKind.NARRATION: "#4c72b0", EventKind.BELL: "#dd8452", EventKind.SILENCE: "#e5e5e5"}


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
    seconds, loudness = momentary_loudness(renderer)
    minutes = seconds / 60
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
