"""Reading bells from a session file: a bell step's sound, and bells rung during a silence."""

from __future__ import annotations

from pathlib import PurePath

from yaml.nodes import Node

from player.session import catalog
from player.session.format import (
    AUDIO_SUFFIXES,
    DEFAULT_INTERVAL_BELL,
    DEFAULT_INTERVAL_VOLUME_DB,
    INTERVAL_BELL_FIELDS,
)
from player.session.model import Bell, FileRef, IntervalBells, Location
from player.session.problems import did_you_mean
from player.session.units import format_duration
from player.session.values import ValueReader


class BellReader(ValueReader):
    def bell_sound(
        self, node: Node, volume: float, where: Location, strikes: int = 1
    ) -> Bell | None:
        """A built-in bell or a sound file, named by `node`."""
        raw = self.text(node)
        if raw is None:
            return None
        if raw in catalog.BELL_SECONDS:
            return Bell(raw, None, volume, where, strikes)
        if PurePath(raw).suffix.lower() not in AUDIO_SUFFIXES:
            self.fail(
                node,
                f"unknown bell '{raw}'{did_you_mean(raw, catalog.BELL_SECONDS)} "
                f"(built-in bells: {', '.join(catalog.BELL_SECONDS)}; or give an audio file)",
            )
            return None
        return Bell(None, FileRef(raw, self.at(node)), volume, where, strikes)

    def interval_bells(self, node: Node, silence: float, longest: float) -> IntervalBells | None:
        """Bells over a silence written `silence` long, which may stretch to `longest`."""
        fields = self.mapping(node, INTERVAL_BELL_FIELDS, "bells: every: 5m, or at: [2m, 10m]")
        if fields is None:
            return None
        if ("every" in fields) == ("at" in fields):
            self.fail(node, "bells need either every: (such as 5m) or at: (a list of times)")
            return None
        every, at = None, ()
        if "every" in fields:
            every = self.duration(fields["every"], 0.0, allow_zero=False)
            if every and every >= longest:
                self.fail(
                    fields["every"],
                    f"every {format_duration(every)} never rings in a silence of "
                    f"{format_duration(longest)}: choose less, or at: [times]",
                )
                return None
            if not every:
                return None
        else:
            at = self.durations(fields["at"])
            late = [offset for offset in at if offset >= silence]
            if late:
                self.fail(
                    fields["at"],
                    f"at {format_duration(late[0])} is past the end of this "
                    f"{format_duration(silence)} silence",
                )
                return None
            if list(at) != sorted(set(at)):
                self.fail(fields["at"], "the times of at: must rise, each once, as in [2m, 10m]")
                return None
        volume = self.decibels(fields.get("volume"), DEFAULT_INTERVAL_VOLUME_DB)
        sound = fields.get("sound")
        bell = (
            self.bell_sound(sound, volume, self.at(sound))
            if sound is not None
            else Bell(DEFAULT_INTERVAL_BELL, None, volume, self.at(node))
        )
        return IntervalBells(bell, every, at, self.at(node)) if bell else None
