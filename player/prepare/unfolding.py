"""A session's timeline while its narrator speaks it: placed as far as the real lengths of its
clips are known (player.session.layout), while a Speaker speaks the rest in the background,
in the order it is heard. Playback renders from it as it grows; an export waits for the
whole. Both place every clip by the same rule, from the same lengths (read from each clip's
header), so they are equal sample for sample however fast the clips were spoken.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from player.common.cache import Cache, user_cache
from player.common.errors import MeditateError
from player.prepare.narrator import Narrator, NarratorChoice, choose_narrator
from player.prepare.probe import UnreadableAudio, clip_seconds
from player.session.layout import Layout
from player.session.model import Narration, Session, flatten
from player.session.timeline import Timeline, compile_timeline, locate

POLL_SECONDS = 0.25


@dataclass(frozen=True)
class Narrated:
    """A session prepared for sound, with the narrator chosen for it, if one was."""

    session: Session
    narrator: Narrator | None

    @property
    def credit(self) -> str | None:
        """Who narrates, as an export's tags name it (None: the session's own clips)."""
        return self.narrator.credit if self.narrator else None


def prepare_narrated(
    path: Path, choice: NarratorChoice | None, cache: Cache | None = None
) -> Narrated:
    """The session at `path` prepared for sound with the narrator `choice` names. Raises
    MeditateError (SessionError) for what cannot be used."""
    from player.prepare.session import prepare_session
    from player.session.loader import load_session

    loaded = load_session(path)
    narrator = choose_narrator(choice, loaded) if choice is not None else None
    return Narrated(prepare_session(loaded, cache, narrator), narrator)


def spoken_so_far(session: Session, cache: Cache | None = None) -> dict[Path, float]:
    """The real lengths of the session's narrated clips spoken already (kept in the cache)."""
    cache = cache or user_cache()
    found = {}
    for step in flatten(session.steps):
        if isinstance(step, Narration) and step.narrated and step.clip is not None:
            clip = step.clip.found
            if clip not in found and clip.is_file():
                found[clip] = clip_seconds(clip, cache)
    return found


def spoken_timeline(
    narrated: Narrated,
    length_seconds: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[Timeline, Timeline | None]:
    """The whole timeline with every narrated clip spoken (`progress` told of each), and the
    plan that levels it (None without a narrator): what an export renders."""
    if narrated.narrator is None:
        return compile_timeline(narrated.session, length_seconds), None
    unfolding = Unfolding(narrated.session, narrated.narrator, length_seconds)
    try:
        return unfolding.whole(progress), unfolding.plan
    finally:
        unfolding.close()


class Unfolding:
    """The timeline of a session prepared with a narrator (see prepare_session), placed as
    its clips are spoken. Thread-safe: the renderer's thread and the player's share it."""

    def __init__(
        self,
        session: Session,
        narrator: Narrator | None,
        length_seconds: float | None = None,
        cache: Cache | None = None,
    ) -> None:
        from player.sound.speaker import Speaker

        self.session = session
        self.narrator = narrator
        self.cache = cache or user_cache()
        self.plan = compile_timeline(session, length_seconds)  # by estimate: what levels it
        self.layout = Layout(session, length_seconds)
        self.lines = _lines(self.layout)
        self.wholes = len(self.lines)  # clips to be placed, each once
        self._spoken: list[Path] = [target for _, target in self.lines if target.is_file()]
        self._condition = threading.Condition()
        self.speaker = (
            Speaker(narrator.ready, self.lines, self.cache, self._heard) if narrator else None
        )
        self.waited = 0.0  # seconds anyone waited for a clip to be spoken
        self._timeline = self.layout.timeline()
        self.update()

    @property
    def timeline(self) -> Timeline:
        """The timeline as far as it is placed now."""
        return self._timeline

    @property
    def spoken_count(self) -> int:
        return sum(1 for _, target in self.lines if target.is_file())

    def start(self) -> None:
        """Start speaking, in the background, what the cache does not hold yet."""
        if self.speaker is not None:
            self.speaker.start()

    def close(self) -> None:
        """Stop speaking: the clip being spoken is not kept (nothing half-made is)."""
        if self.speaker is not None:
            self.speaker.close()

    def update(self) -> Timeline:
        """The timeline with every clip spoken so far placed. Raises MeditateError when the
        clip placing waits for could not be spoken."""
        with self._condition:
            spoken, self._spoken = self._spoken, []
            for target in spoken:
                if target.is_file():
                    self.layout.learn(target, self._seconds(target))
            if self.layout.advance():
                self._timeline = self.layout.timeline()
            self._raise_if_failed()
            return self._timeline

    def wait(self, placed: Callable[[Timeline], bool], timeout: float | None = None) -> Timeline:
        """The timeline once `placed(timeline)` holds (or it is whole), or when `timeout`
        seconds have passed; the time spent waiting is added to `waited`."""
        began = time.monotonic()
        timeline = self.update()
        while not (timeline.complete or placed(timeline)):
            left = None if timeout is None else timeout - (time.monotonic() - began)
            if left is not None and left <= 0:
                break
            with self._condition:
                if not self._spoken:
                    self._condition.wait(POLL_SECONDS if left is None else min(POLL_SECONDS, left))
            timeline = self.update()
        self.waited += time.monotonic() - began
        return timeline

    def whole(self, progress: Callable[[int], None] | None = None) -> Timeline:
        """The whole timeline, every clip spoken: what an export renders. `progress` is
        called with the number of clips spoken since it was last called."""
        self.start()
        told = self.spoken_count
        timeline = self.update()
        while not timeline.complete:
            timeline = self.wait(lambda _: False, POLL_SECONDS)
            now = self.spoken_count
            if progress and now > told:
                progress(now - told)
                told = now
        return timeline

    def locate(self, reference: str, waiting: Callable[[], None] | None = None) -> int:
        """The frame `reference` (a chapter, or a time, as --from takes them) means, once
        what comes before it is placed; `waiting` is called first if that takes speaking.
        Raises MeditateError for a reference to nothing."""
        locate(self.timeline, reference)  # no such chapter, or past the end: said at once

        def placed(timeline: Timeline) -> bool:
            try:
                return locate(_placed_part(timeline), reference) < timeline.known_until
            except MeditateError:
                return False

        if waiting is not None and not placed(self.update()):
            waiting()
        return locate(_placed_part(self.wait(placed)), reference)

    def _heard(self, target: Path) -> None:
        """Called by the speaker's thread when a clip is kept (or could not be made)."""
        with self._condition:
            self._spoken.append(target)
            self._condition.notify_all()

    def _seconds(self, target: Path) -> float:
        try:
            return clip_seconds(target, self.cache)
        except UnreadableAudio as error:
            raise MeditateError(f"the spoken clip {target} is unusable: {error}") from None

    def _raise_if_failed(self) -> None:
        speaker = self.speaker
        pending = self.layout.pending
        if speaker is None or speaker.failure is None or pending is None:
            return
        if pending.clip is not None and pending.clip.found.is_file():
            return  # spoken before the failure: it will be placed
        engine = self.narrator.ready.engine.name if self.narrator else "the narrator"
        raise MeditateError(
            f"{pending.where}: {engine} could not speak this narration: {speaker.failure}"
        )


def _placed_part(timeline: Timeline) -> Timeline:
    """The timeline without the chapters it only expects (a whole one as it is)."""
    if timeline.complete:
        return timeline
    return dataclasses.replace(timeline, chapters=timeline.chapters[: timeline.placed_chapters])


def _lines(layout: Layout) -> list[tuple[str, Path]]:
    """Each narrated clip once, with its words, in the order it is first heard."""
    lines: dict[Path, str] = {}
    for step in layout.steps:
        if isinstance(step, Narration) and step.narrated:
            assert step.clip is not None and step.text is not None
            lines.setdefault(step.clip.found, step.text)
    return [(text, target) for target, text in lines.items()]
