"""Click parameter types: each converts and checks one kind of value, failing the same way."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

from .errors import MeditateError


class SessionParam(click.ParamType):
    """A session name from the search path, or a path to a YAML file."""

    name = "session"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        if isinstance(value, Path):
            return value
        from .library import resolve

        try:
            return resolve(str(value))
        except MeditateError as error:
            self.fail(str(error), param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from .library import discover

        if "/" in incomplete or incomplete.startswith("."):
            return [CompletionItem(incomplete, type="file")]
        return [CompletionItem(e.name) for e in discover() if e.name.startswith(incomplete)]


class DurationParam(click.ParamType):
    """A duration such as 10m, 1m30s, 90 or 1:30, in seconds."""

    name = "duration"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        from .units import parse_duration

        if isinstance(value, float):
            return value
        try:
            seconds = parse_duration(str(value))
        except ValueError as error:
            self.fail(f"{value!r}: {error}", param, ctx)
        if seconds <= 0:
            self.fail(f"{value!r}: must be longer than zero", param, ctx)
        return seconds


class DecibelsParam(click.ParamType):
    """A level in dB such as -6 or '+3 dB', within a range."""

    name = "dB"

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        from .units import parse_decibels

        if isinstance(value, float):
            return value
        try:
            level = parse_decibels(str(value))
        except ValueError as error:
            self.fail(f"{value!r}: {error}", param, ctx)
        if not self.low <= level <= self.high:
            self.fail(f"{value!r}: expected {self.low:g} to {self.high:g}", param, ctx)
        return level


class BitrateParam(click.ParamType):
    """A bit rate such as 128k, from 32k to 320k."""

    name = "bitrate"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        match = re.fullmatch(r"(\d+)\s*k?", str(value).strip().lower())
        if not match or not 32 <= int(match.group(1)) <= 320:
            self.fail(f"{value!r}: expected a bit rate from 32k to 320k, such as 128k", param, ctx)
        return f"{int(match.group(1))}k"


SESSION = SessionParam()
DURATION = DurationParam()
BITRATE = BitrateParam()
