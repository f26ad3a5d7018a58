"""Click parameter types: each converts and checks one kind of value, failing the same way."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

from player.common.errors import MeditateError
from player.session.format import MAX_SESSION_SECONDS
from player.session.units import parse_decibels, parse_duration, parse_minutes


class SessionParam(click.ParamType):
    """A session name from the search path, or a path to a YAML file."""

    name = "session"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        if isinstance(value, Path):
            return value
        from player.session.library import resolve

        try:
            return resolve(str(value))
        except MeditateError as error:
            self.fail(str(error), param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from player.session.library import discover

        if "/" in incomplete or incomplete.startswith("."):
            return [CompletionItem(incomplete, type="file")]
        return [CompletionItem(e.name) for e in discover() if e.name.startswith(incomplete)]


class _QuantityParam(click.ParamType):
    """A number written with its unit, read by one of the session format's own parsers."""

    def __init__(self, parse: Callable[[str], float]) -> None:
        self.parse = parse

    def problem(self, number: float) -> str | None:
        """What is wrong with a parsed value, or None when it is fine."""
        return None

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        try:
            number = self.parse(str(value))
        except ValueError as error:
            self.fail(f"{value!r}: {error}", param, ctx)
        problem = self.problem(number)
        if problem:
            self.fail(f"{value!r}: {problem}", param, ctx)
        return number


class DurationParam(_QuantityParam):
    """A duration such as 10m, 1m30s, 90 or 1:30, in seconds; with `bare_minutes`, as a timer
    takes it, a bare number is minutes."""

    name = "duration"

    def __init__(self, allow_zero: bool = False, bare_minutes: bool = False) -> None:
        super().__init__(parse_minutes if bare_minutes else parse_duration)
        self.allow_zero = allow_zero

    def problem(self, number: float) -> str | None:
        if number <= 0 and not (self.allow_zero and number == 0):
            return "must be longer than zero"
        if number > MAX_SESSION_SECONDS:
            return "a session may last at most 24 hours"
        return None


class DecibelsParam(_QuantityParam):
    """A level in dB such as -6 or '+3 dB', within a range."""

    name = "dB"

    def __init__(self, low: float, high: float) -> None:
        super().__init__(parse_decibels)
        self.low, self.high = low, high

    def problem(self, number: float) -> str | None:
        if not self.low <= number <= self.high:
            return f"expected {self.low:g} to {self.high:g}"
        return None


class TimesParam(click.ParamType):
    """Times such as 0,25m,30m,55m, in seconds (a bare number is minutes, as in a timer)."""

    name = "times"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[float, ...]:
        if isinstance(value, tuple):
            return value
        times = []
        for part in str(value).split(","):
            try:
                times.append(parse_minutes(part.strip()))
            except ValueError as error:
                self.fail(f"{part.strip()!r} in {value!r}: {error}", param, ctx)
        return tuple(times)


class BitrateParam(click.ParamType):
    """A bit rate such as 128k, from 32k to 320k."""

    name = "bitrate"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        match = re.fullmatch(r"(\d+)\s*k?", str(value).strip().lower())
        if not match or not 32 <= int(match.group(1)) <= 320:
            self.fail(f"{value!r}: expected a bit rate from 32k to 320k, such as 128k", param, ctx)
        return f"{int(match.group(1))}k"


@dataclass(frozen=True)
class VoiceSpec:
    engine: str
    name: str | None
    model: Path | None


class VoiceParam(click.ParamType):
    """ENGINE, ENGINE:VOICE or ENGINE:FILE (a Piper .onnx or flite .flitevox voice file)."""

    name = "engine[:voice]"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> VoiceSpec:
        if isinstance(value, VoiceSpec):
            return value
        from player.session.catalog import ENGINE_NAMES, MODEL_SUFFIXES

        engine, _, voice = str(value).partition(":")
        if engine not in ENGINE_NAMES:
            self.fail(
                f"{value!r}: unknown engine {engine!r} (engines: {', '.join(ENGINE_NAMES)})",
                param,
                ctx,
            )
        suffix = MODEL_SUFFIXES.get(engine)
        if suffix and voice.endswith(suffix):
            return VoiceSpec(engine, None, Path(voice).expanduser().absolute())
        return VoiceSpec(engine, voice or None, None)


class LanguageParam(click.ParamType):
    """A BCP 47 language tag such as es, fr or en-GB, in its usual case."""

    name = "code"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from player.session.language import BadLanguage, language_tag

        try:
            return language_tag(str(value))
        except BadLanguage as error:
            self.fail(str(error), param, ctx)


SESSION = SessionParam()
DURATION = DurationParam()
OFFSET = DurationParam(allow_zero=True)
MINUTES = DurationParam(bare_minutes=True)  # a timer's: 10 is ten minutes
MINUTES_OFFSET = DurationParam(allow_zero=True, bare_minutes=True)
TIMES = TimesParam()
BITRATE = BitrateParam()
VOICE_SPEC = VoiceParam()
LANGUAGE = LanguageParam()
