"""What of a timeline still being placed (a narrator has yet to speak some clips; see
player.session.layout) can be mixed already, exactly as it will be once all is placed."""

from __future__ import annotations

from player.common.audio_format import seconds_to_frames
from player.common.spans import merge_spans
from player.session.timeline import EventKind, Timeline

BEYOND = 1 << 40  # frames: later than any session can reach (some 790 years)


def mixable_until(timeline: Timeline) -> int:
    """The frame before which every frame of the mix is known: all of it for a whole
    timeline. While a clip is awaited, its start (nothing after it is placed), or earlier
    where a bed may end before its end is known: the bed's fade-out begins no earlier than
    the least its end can be, less the fade, and its fades are shortened only when it turns
    out shorter than both together."""
    if timeline.complete:
        return timeline.length
    assert timeline.frontier is not None
    until = timeline.frontier
    for span in timeline.beds:
        if span.end_known:
            continue
        fade_in = seconds_to_frames(span.bed.fade_in)
        fade_out = seconds_to_frames(span.bed.fade_out)
        if span.end - span.start < fade_in + fade_out:
            until = min(until, span.start)
        else:
            until = min(until, span.end - fade_out)
    return until


def speech_spans(timeline: Timeline, bridge: int) -> list[tuple[int, int]]:
    """Where narration sounds, in time order, spans less than `bridge` apart merged: the clip
    awaited at the frontier of a timeline still being placed sounds from there on for as
    long as anything can last."""
    spans = [(e.start, e.end) for e in timeline.events if e.kind is EventKind.NARRATION]
    if timeline.frontier is not None:
        spans.append((timeline.frontier, BEYOND))
    return merge_spans(spans, bridge)


def ends_at(timeline: Timeline) -> int:
    """Where the session ends, as far as mixing knows: its end, or, while it is still being
    placed, beyond any frame there can be."""
    return timeline.length if timeline.complete else BEYOND
