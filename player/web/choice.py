"""What a listener chose in a form (a session's length, ambience, bells and narrator, or a
timer's), read from the query and checked. Pure: what is wrong is said per field, in words for
the page, never as an exception."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from player.common.errors import MeditateError
from player.session.catalog import BELL_SECONDS, SYNTHS
from player.session.flex import TOLERANCE_SECONDS
from player.session.timer import DEFAULT_TIMER_BELL, TimerPlan, plan_timer
from player.session.units import format_clock, parse_decibels, parse_duration, parse_minutes
from player.sound.render import RenderOptions
from player.web.narrator import Narrator, NarratorMissing, parse_narrator

VOLUME_RANGE = (-20.0, 10.0)  # dB, the ambience slider; the command line takes -40 to 20
FIELD_CHARACTERS = 40  # no field of these forms needs more
TIMER_MINUTES = (0.1, 240.0)  # a timer in the browser: six seconds (tests) to four hours


@dataclass(frozen=True)
class Problem:
    field: str  # the form field it is about
    message: str


@dataclass(frozen=True)
class SessionChoice:
    """How a session is to sound. `length` None: as written."""

    length: float | None = None
    ambient: bool = True
    volume: float = 0.0
    bells: bool = True
    narrator: Narrator | None = None

    def options(self) -> RenderOptions:
        """The render options `meditate export` takes for the same choice."""
        return RenderOptions(ambient=self.ambient, ambient_offset_db=self.volume, bells=self.bells)

    def query(self) -> str:
        """The choice as a query string that reads back as the same choice."""
        fields: dict[str, str] = {"set": "1"}
        if self.length is not None:
            fields["length"] = format_clock(self.length)
        if self.ambient:
            fields["ambient"] = "on"
        fields["volume"] = f"{self.volume:g}"
        if self.bells:
            fields["bells"] = "on"
        if self.narrator is not None:
            fields["voice"] = self.narrator.value
        return urlencode(fields)


@dataclass(frozen=True)
class TimerChoice:
    minutes: float = 10.0
    interval: float | None = None  # minutes
    warmup: float = 0.0  # seconds
    bell: str = DEFAULT_TIMER_BELL
    ambience: str | None = None  # a synth's name
    volume: float = 0.0

    def plan(self) -> TimerPlan:
        return plan_timer(
            self.minutes * 60,
            interval=None if self.interval is None else self.interval * 60,
            warmup=self.warmup,
            bell=self.bell,
            ambient=self.ambience,
            ambient_volume=self.volume,
        )


def session_choice(
    query: Mapping[str, str], shortest: float, longest: float | None
) -> tuple[SessionChoice, list[Problem]]:
    """The choice a session page's query holds; a length is checked against the session's
    range (`longest` None: no limit). Without `set`, the form was never sent: the defaults."""
    problems: list[Problem] = []
    length = None
    written = _field(query, "length")
    if written:
        length = _length(written, shortest, longest, problems)
    volume = _volume(_field(query, "volume"), problems)
    narrator = None
    voice = _field(query, "voice")
    if voice:
        try:
            narrator = parse_narrator(voice)
        except NarratorMissing as error:
            problems.append(Problem("voice", f"That narrator cannot speak here: {error}."))
    sent = "set" in query
    choice = SessionChoice(
        length,
        ambient="ambient" in query if sent else True,
        volume=volume,
        bells="bells" in query if sent else True,
        narrator=narrator,
    )
    return choice, problems


def timer_choice(query: Mapping[str, str]) -> tuple[TimerChoice, list[Problem]]:
    """The timer a query asks for. Bare numbers are minutes, except the warm-up's seconds."""
    problems: list[Problem] = []
    default = TimerChoice()
    asked = _minutes(query, "minutes", problems)
    minutes = default.minutes if asked is None else asked
    low, high = TIMER_MINUTES
    if not low <= minutes <= high:
        problems.append(Problem("minutes", f"A timer lasts from {low:g} to {high:g} minutes."))
        minutes = default.minutes
    interval = _minutes(query, "interval", problems) or None  # 0: no interval bells
    if interval is not None and interval >= minutes:
        problems.append(
            Problem("interval", "The interval must be shorter than the sitting, or left empty.")
        )
        interval = None
    warmup = 0.0
    written = _field(query, "warmup")
    if written:
        try:
            warmup = parse_duration(written)
        except ValueError:
            problems.append(Problem("warmup", "Give the warm-up in seconds, such as 10."))
    bell = _field(query, "bell") or default.bell
    if bell not in BELL_SECONDS:
        problems.append(Problem("bell", f"Choose a bell: {', '.join(BELL_SECONDS)}."))
        bell = default.bell
    ambience = _field(query, "ambience") or "none"
    if ambience != "none" and ambience not in SYNTHS:
        problems.append(Problem("ambience", f"Choose an ambience: none, {', '.join(SYNTHS)}."))
        ambience = "none"
    volume = _volume(_field(query, "volume"), problems)
    choice = TimerChoice(
        minutes, interval, warmup, bell, None if ambience == "none" else ambience, volume
    )
    if not problems:
        try:
            choice.plan()
        except MeditateError as error:
            problems.append(Problem("minutes", f"{error}."))
    return choice, problems


def range_text(shortest: float, longest: float | None) -> str:
    top = format_clock(longest) if longest is not None else "as long as you like"
    return f"from {format_clock(shortest)} to {top}"


def _field(query: Mapping[str, str], name: str) -> str:
    return str(query.get(name, "")).strip()[:FIELD_CHARACTERS]


def _length(
    written: str, shortest: float, longest: float | None, problems: list[Problem]
) -> float | None:
    try:
        seconds = parse_duration(written)
    except ValueError:
        problems.append(Problem("length", "Give a length such as 12:00 or 12m."))
        return None
    too_short = seconds < shortest - TOLERANCE_SECONDS
    too_long = longest is not None and seconds > longest + TOLERANCE_SECONDS
    if too_short or too_long:
        problems.append(
            Problem(
                "length",
                f"{format_clock(seconds)} is out of reach: this session can last "
                f"{range_text(shortest, longest)}.",
            )
        )
        return None
    return seconds


def _volume(written: str, problems: list[Problem]) -> float:
    if not written:
        return 0.0
    low, high = VOLUME_RANGE
    try:
        volume = parse_decibels(written)
    except ValueError:
        volume = high + 1
    if not low <= volume <= high:
        problems.append(Problem("volume", f"The ambience volume goes from {low:g} to +{high:g} dB"))
        return 0.0
    return volume


def _minutes(query: Mapping[str, str], name: str, problems: list[Problem]) -> float | None:
    """A duration in minutes, as `meditate timer` reads one: a bare number is minutes; 90s,
    1m30s or 1:30 say their unit."""
    written = _field(query, name)
    if not written:
        return None
    try:
        seconds = parse_minutes(written)
    except ValueError:
        problems.append(Problem(name, "Give minutes, such as 20, or a time such as 1m30s."))
        return None
    return seconds / 60
