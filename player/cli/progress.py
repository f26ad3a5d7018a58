"""A progress bar on stderr when it is a terminal; nothing otherwise."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from player.common.audio_format import SAMPLE_RATE
from player.session.units import format_clock


@contextlib.contextmanager
def frames_progress(total: int, label: str, *, enabled: bool) -> Iterator[Callable[[int], None]]:
    """Yields `advance(frames)`; draws a bar of audio time done when enabled."""
    if not enabled:
        yield lambda frames: None
        return
    import click

    with click.progressbar(
        length=total,
        label=label,
        file=sys.stderr,
        show_eta=True,
        show_percent=True,
        width=30,
        item_show_func=None,
    ) as bar:
        done = 0

        def advance(frames: int) -> None:
            nonlocal done
            done += frames
            bar.label = (
                f"{label} {format_clock(done / SAMPLE_RATE)}/{format_clock(total / SAMPLE_RATE)}"
            )
            bar.update(frames)

        yield advance


@contextlib.contextmanager
def count_progress(total: int, label: str, *, enabled: bool) -> Iterator[Callable[[int], None]]:
    """Yields `advance(count)`; draws a bar of things done (clips spoken) when enabled."""
    if not enabled or total <= 0:
        yield lambda count: None
        return
    import click

    with click.progressbar(
        length=total, label=label, file=sys.stderr, show_percent=True, width=30
    ) as bar:
        yield bar.update
