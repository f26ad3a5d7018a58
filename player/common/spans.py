"""Spans of frames (start, end), joined where they meet."""

from __future__ import annotations

from collections.abc import Iterable


def merge_spans(spans: Iterable[tuple[int, int]], bridge: int = 1) -> list[tuple[int, int]]:
    """The spans sorted, the empty ones dropped, and those that overlap or leave a gap shorter
    than `bridge` frames between them joined (by default: those that overlap or touch)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(span for span in spans if span[1] > span[0]):
        if merged and start - merged[-1][1] < bridge:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
