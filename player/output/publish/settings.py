"""What a publication is called and where it is served: `publish.yaml` in its folder.

Options given to `meditate publish` are written there, so the next run needs none; a value
given again replaces the remembered one. Each value is checked the same way wherever it
comes from, and a bad one in the file is reported at its line.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import yaml

from player.common.characters import character_name, unwritable
from player.common.errors import MeditateError
from player.common.files import write_file

SETTINGS_FILE = "publish.yaml"
DEFAULT_LANGUAGE = "en"
DEFAULT_BITRATE = "128k"
DEFAULT_LOUDNESS = -16.0  # LUFS: what podcast platforms ask of stereo speech
ALL = "all"
_EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\".]+")
NO_VOICE = "none"  # each session's own clips
_BITRATE = re.compile(r"(\d+)\s*k?")
_HEADER = (
    "# meditate publish: the settings of this folder's podcast. Edit freely; options given\n"
    "# to `meditate publish` replace what is here.\n"
)


@dataclass(frozen=True)
class PublishSettings:
    """Every value None until given: the file's and the command line's, merged."""

    base_url: str | None = None
    title: str | None = None
    author: str | None = None
    description: str | None = None
    owner_name: str | None = None  # itunes:owner: who directories write to about the podcast
    owner_email: str | None = None
    cover: Path | None = None
    language: str | None = None
    explicit: bool | None = None
    bitrate: str | None = None
    loudness: float | None = None
    voice: str | None = None  # ENGINE[:VOICE] that narrates every session, or NO_VOICE
    replace_recorded: bool | None = None  # the voice speaks the teacher's own lines too
    sessions: tuple[str, ...] | str | None = None  # names, or ALL

    def merged(self, newer: PublishSettings) -> PublishSettings:
        """These settings with every value `newer` gives replacing ours."""
        given = {
            f.name: getattr(newer, f.name)
            for f in dataclasses.fields(newer)
            if getattr(newer, f.name) is not None
        }
        return dataclasses.replace(self, **given)


def base_url(value: str) -> str:
    """An http(s) address with a host, ending in '/'. Raises ValueError saying what is wrong.

    An internationalised host is written in punycode (IDNA), as every podcast app can fetch
    it; a user name or password is refused, since the feed would publish it to anyone.
    """
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"{value!r} is not an http(s) address: give the address the folder will be served "
            "at, such as https://example.org/meditations/"
        )
    if "@" in parts.netloc:
        raise ValueError(
            f"{value!r} holds a user name or password ('...@'), which the feed would show to "
            "anyone: give the address without it"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"{value!r}: the address of a folder has no '?' or '#' part")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
        port = f":{parts.port}" if parts.port is not None else ""
    except (UnicodeError, ValueError):
        raise ValueError(f"{value!r}: '{parts.hostname}' cannot be a host name") from None
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    path = quote(parts.path, safe="/%:@!$&'()*+,;=-._~")  # a space becomes %20, and so on
    return f"{parts.scheme}://{host}{port}{path.rstrip('/')}/"


def text(value: str) -> str:
    """Words for the feed and the page: not empty, and only characters they can carry."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected text, got {value!r}")
    found = unwritable(value)
    if found:
        raise ValueError(
            f"{value!r} holds {character_name(found[0][1])}, a character that a podcast feed "
            "or a web page cannot carry: leave it out"
        )
    return value.strip()


def email(value: str) -> str:
    if not _EMAIL.fullmatch(value.strip()):
        raise ValueError(f"{value!r} is not an email address such as you@example.org")
    return value.strip()


def language(value: str) -> str:
    """A BCP 47 tag in its usual case; ValueError (with what was meant) for anything else."""
    from player.session.language import language_tag

    return language_tag(value)


def voice(value: str) -> str:
    """ENGINE, ENGINE:VOICE or ENGINE:FILE, or 'none' for each session's own clips."""
    from player.session.catalog import ENGINE_NAMES

    text = value.strip()
    engine = text.partition(":")[0]
    if text == NO_VOICE or engine in ENGINE_NAMES:
        return text
    raise ValueError(
        f"{value!r}: expected ENGINE[:VOICE] ({', '.join(ENGINE_NAMES)}), or {NO_VOICE} for "
        "each session's own clips"
    )


def bitrate(value: str) -> str:
    match = _BITRATE.fullmatch(str(value).strip().lower())
    if not match or not 32 <= int(match.group(1)) <= 320:
        raise ValueError(f"{value!r}: expected a bit rate from 32k to 320k, such as 128k")
    return f"{int(match.group(1))}k"


def loudness(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not -40 <= value <= -5:
        raise ValueError(f"{value!r}: expected a loudness from -40 to -5 (LUFS)")
    return float(value)


def read_settings(folder: Path) -> PublishSettings:
    """The settings in `folder`'s publish.yaml; empty ones when there is none."""
    path = folder / SETTINGS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return PublishSettings()
    except (OSError, UnicodeDecodeError) as error:
        raise MeditateError(f"cannot read {path}: {error}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        values = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise MeditateError(
            f"{where}: not valid YAML: {getattr(error, 'problem', error)}"
        ) from None
    if values is None:
        return PublishSettings()
    if not isinstance(values, dict) or not isinstance(node, yaml.MappingNode):
        raise MeditateError(f"{path}:1: expected keys and values, such as  base_url: https://...")
    lines = {key.value: value.start_mark.line + 1 for key, value in node.value}
    fields = {}
    for key, value in values.items():
        try:
            fields[key] = _field(str(key), value, folder)
        except ValueError as error:
            raise MeditateError(f"{path}:{lines.get(key, 1)}: {key}: {error}") from None
    return PublishSettings(**fields)


def write_settings(folder: Path, settings: PublishSettings) -> bool:
    """Write the settings that are set to `folder`'s publish.yaml; False when it already said
    the same."""
    values: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, Path):
            value = str(value)
        elif isinstance(value, tuple):
            value = list(value)
        values[name] = value
    text = _HEADER + yaml.safe_dump(values, sort_keys=False, allow_unicode=True, width=90)
    path = folder / SETTINGS_FILE
    if read_settings(folder) == settings and path.exists():
        return False  # the same values, perhaps with the user's own comments: left as written
    write_file(path, text, force=True)
    return True


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _sessions(value: Any) -> tuple[str, ...] | str:
    if value == ALL:
        return ALL
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    raise ValueError(f"expected '{ALL}' or a list of session names, got {value!r}")


def _cover(value: Any, folder: Path) -> Path:
    return (folder / Path(text(value)).expanduser()).absolute()


_FIELDS = [f.name for f in dataclasses.fields(PublishSettings)]


def _field(key: str, value: Any, folder: Path) -> Any:
    readers = {
        "base_url": lambda v: base_url(text(v)),
        "title": text,
        "author": text,
        "description": text,
        "owner_name": text,
        "owner_email": lambda v: email(text(v)),
        "cover": lambda v: _cover(v, folder),
        "language": lambda v: language(text(v)),
        "explicit": _flag,
        "bitrate": lambda v: bitrate(str(v)),
        "loudness": loudness,
        "voice": lambda v: voice(text(v)),
        "replace_recorded": _flag,
        "sessions": _sessions,
    }
    if key not in readers:
        close = difflib.get_close_matches(key, _FIELDS, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise ValueError(f"unknown key; {hint}(expected one of: {', '.join(_FIELDS)})")
    return readers[key](value)
