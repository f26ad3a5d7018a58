"""One sitting with a session: what `meditate play` drives, as a command drives a database.

It puts together the renderer, the buffer, the player and the device, runs the listening
loop, and logs the sitting in the practice log.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from player.common.audio_format import SAMPLE_RATE
from player.common.clock import now
from player.live.buffer import PcmBuffer, preroll_frames, renders_all_first
from player.live.devices import Device, default_device
from player.live.holding import Wait
from player.live.listen import Listening, listen
from player.live.player import Player
from player.live.screen import Layout, chapter_title
from player.practice.history import Sitting, record, worth_logging
from player.session.timeline import Timeline
from player.sound.render import Renderer, RenderOptions

if TYPE_CHECKING:
    from player.prepare.unfolding import Unfolding


@dataclass(frozen=True)
class Outcome:
    """A sitting that ended: how, when it began, and the chapter it ended in."""

    listening: Listening
    began: datetime.datetime
    chapter: str  # the chapter at the position where it stopped


class LiveSession:
    """Plays one timeline live, with the keys and display of a terminal when there is one."""

    def __init__(
        self,
        timeline: Timeline,
        options: RenderOptions | None = None,
        device: Device | None = None,
        *,
        open_ended: bool = False,
        ends_at: int | None = None,
        unfolding: Unfolding | None = None,
    ) -> None:
        """`unfolding`: the session's narrator speaking it as it plays; `timeline` is then
        the part placed so far (see player.prepare.unfolding)."""
        self.timeline = timeline
        self.options = options or RenderOptions()
        self.device = device
        self.open_ended = open_ended  # a sitting until q: ending it so is completing it
        self.ends_at = ends_at  # a timer's end (a frame): what follows is its bell ringing out
        self.unfolding = unfolding
        self.waits: list[Wait] = []  # each time playback waited for the narrator

    def play(
        self,
        *,
        out: TextIO,
        keys_fd: int | None,
        start: int = 0,
        width: int = 80,
        rows: int = 24,
        started: Callable[[], None] | None = None,
    ) -> Outcome:
        """Play from frame `start` until the end, `q` or Ctrl-C; `started` is called once the
        device plays. Raises NoAudioDevice."""
        device = self.device or default_device()
        unfolding = self.unfolding
        timeline, plan = self.timeline, None
        if unfolding is not None:
            plan = unfolding.plan
            if not device.waits_for_rendering or renders_all_first():
                timeline = unfolding.whole()  # a device that cannot wait: all spoken first
                unfolding = None
            else:
                timeline = unfolding.update()
        options = dataclasses.replace(self.options, start=start)
        buffer = PcmBuffer(Renderer(timeline, options, plan=plan))
        if unfolding is not None:
            if buffer.renderable_until() <= start:  # it cannot begin without the narrator
                unfolding.start()
            started = _then(started, unfolding.start)  # else once the first sound is out
        player = Player(
            timeline, buffer, device, preroll=preroll_frames(timeline.length), unfolding=unfolding
        )
        began = now()
        try:
            listening = listen(
                player,
                out=out,
                keys_fd=keys_fd,
                start=start,
                layout=Layout(width, rows, open_ended=self.open_ended, ends_at=self.ends_at),
                started=started,
            )
        finally:
            if self.unfolding is not None:
                self.unfolding.close()
            buffer.close()
        self.timeline = player.timeline
        self.waits = player.waits
        return Outcome(listening, began, chapter_title(self.timeline, listening.position))

    def log(self, outcome: Outcome, log_path: Path) -> bool:
        """Record the sitting in the practice log if it counts as practice; True if recorded.

        Raises MeditateError when the log cannot be written.
        """
        listening = outcome.listening
        # an open sitting ends when the sitter says: that is completing it, from a minute on
        completed = listening.completed or (self.open_ended and listening.quit)
        if not worth_logging(listening.seconds, completed and not self.open_ended):
            return False
        session = self.timeline.session
        length = None if self.open_ended else self.timeline.seconds
        if self.ends_at is not None:
            length = self.ends_at / SAMPLE_RATE  # a timer lasts what was asked: not its ring-out
        sitting = Sitting(
            outcome.began,
            session.name,
            session.title,
            listening.seconds,
            completed,
            listening.chapters,
            length,
        )
        record(log_path, sitting)
        return True


def _then(first: Callable[[], None] | None, second: Callable[[], None]) -> Callable[[], None]:
    def both() -> None:
        if first is not None:
            first()
        second()

    return both
