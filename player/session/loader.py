"""Reads a session file into a validated `Session`, reporting every problem with its place.

The YAML is composed into nodes (never constructed into Python objects), so no tag can run
code and every value keeps its line and column.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from player.common.errors import MeditateError
from player.common.paths import bundled_audio_dir
from player.prepare.probe import UnreadableAudio, clip_seconds
from player.session import catalog
from player.session.format import (
    AMBIENT_FIELDS,
    AUDIO_SUFFIXES,
    DEFAULT_AMBIENT_FADE_IN,
    DEFAULT_AMBIENT_FADE_OUT,
    DEFAULT_AMBIENT_VOLUME_DB,
    DEFAULT_BELL_VOLUME_DB,
    FORMAT_VERSION,
    IMAGE_SUFFIXES,
    MAX_CLIP_SECONDS,
    MAX_EXPANDED_STEPS,
    MAX_FILE_BYTES,
    MAX_REPEAT,
    MAX_SESSION_SECONDS,
    SESSION_FIELDS,
    STEP_FIELDS,
    VOICE_FIELDS,
    Field,
)
from player.session.model import (
    AmbientBed,
    Bell,
    Chapter,
    Location,
    Narration,
    Repeat,
    Session,
    Silence,
    Step,
    flatten,
    step_seconds,
    weighted,
)

if TYPE_CHECKING:
    from player.sound.speech import Voice
from player.session.units import format_clock, parse_decibels, parse_duration

_YAML = "tag:yaml.org,2002:"
_PLAIN_TAGS = {
    _YAML + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
}
_NODE_BUDGET = 100_000
_MAX_DEPTH = 64
_LoaderClass = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    where: Location
    message: str
    warning: bool = False

    def __str__(self) -> str:
        prefix = "warning: " if self.warning else ""
        return f"{self.where}: {prefix}{one_line(self.message)}"


_CONTROL = {code: f"\\x{code:02x}" for code in [*range(0x20), *range(0x7F, 0xA0)]} | {
    0x2028: "\\u2028",
    0x2029: "\\u2029",
    0x0A: "\\n",
    0x0D: "\\r",
    0x09: "\\t",
}


def one_line(text: str) -> str:
    """Control characters a file may hold, shown escaped so a message stays one line."""
    return text.translate(_CONTROL)


class SessionError(MeditateError):
    """A session file that cannot be used; holds every problem found in it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def load_session(path: Path) -> Session:
    """Read, parse and validate a session file. Raises SessionError listing every problem."""
    root = _compose(path)
    checker = _Checker(path)
    session = checker.session(root)
    if checker.problems:
        raise SessionError(sorted(checker.problems, key=lambda p: (p.where.line, p.where.column)))
    assert session is not None
    return session


# --- reading and parsing -------------------------------------------------------------------


def _file_problem(path: Path, message: str, line: int = 1, column: int = 1) -> SessionError:
    return SessionError([Problem(Location(path, line, column), message)])


def _read_text(path: Path) -> str:
    try:
        if path.is_dir():
            raise _file_problem(path, "is a folder, not a session file: name a .yaml file in it")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _file_problem(
                path, f"file is {size / 1e6:.1f} MB; a session file may be at most 1 MB"
            )
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise _file_problem(path, "no such session file") from None
    except PermissionError:
        raise _file_problem(path, "permission denied: make the file readable") from None
    except OSError as error:
        raise _file_problem(path, f"cannot read the file ({error.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise _file_problem(path, "file is over 1 MB; a session file may be at most 1 MB")
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise _file_problem(path, "binary data, not a YAML text file", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise _file_problem(
            path, "not UTF-8 text: save the file with UTF-8 encoding", line, column
        ) from None


def _compose(path: Path) -> Node | None:
    text = _read_text(path)
    try:
        return yaml.compose(text, Loader=_LoaderClass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = " ".join(part for part in (error.context, error.problem) if part)
        if "expected a single document" in reason:
            reason = "more than one YAML document (---): keep one session per file"
        raise _file_problem(path, f"YAML syntax error: {reason}", line, column) from None
    except yaml.YAMLError as error:
        raise _file_problem(path, f"YAML error: {str(error).splitlines()[0]}") from None
    except RecursionError:
        raise _file_problem(path, "nested too deeply to be a session") from None


# --- validation ----------------------------------------------------------------------------


class _OutOfBudget(Exception):
    pass


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _one_of(choices: Iterable[str]) -> str:
    names = sorted(choices)
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


class _Checker:
    """Walks the node tree once, building the model and collecting every problem."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.base_dirs = (path.parent, bundled_audio_dir())
        self.problems: list[Problem] = []
        self.budget = _NODE_BUDGET
        self.chapter_titles: list[str] = []
        self.voice: Voice | None = None  # for narration drafted from text

    # -- reporting

    def at(self, node: Node) -> Location:
        mark = node.start_mark
        return Location(self.path, mark.line + 1, mark.column + 1)

    def fail(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.at(node), message))

    def spend(self, node: Node) -> bool:
        """Counts a visited node against the budget; False when its tag is refused."""
        plain = self.refuse_tags(node)
        self.budget -= 1
        if self.budget < 0:
            self.fail(
                node,
                f"the file expands to more than {_NODE_BUDGET} values (through aliases "
                "and anchors); write the steps out or use repeat",
            )
            raise _OutOfBudget
        return plain

    # -- the document

    def session(self, root: Node | None) -> Session | None:
        if root is None:
            self.problems.append(
                Problem(Location(self.path, 1, 1), "empty file: a session needs title and steps")
            )
            return None
        try:
            return self._session(root)
        except _OutOfBudget:
            return None

    def _session(self, root: Node) -> Session | None:
        fields = self.mapping(root, SESSION_FIELDS, "a session: a mapping with title and steps")
        if fields is None:
            return None
        if "version" in fields:
            self.version(fields["version"])
        title = self.text(fields.get("title"))
        if "voice" in fields:
            self.voice = self.voice_settings(fields["voice"])
        steps_node = fields.get("steps")
        steps = self.steps(steps_node, depth=0) if steps_node is not None else ()
        # only chapters that made it into the steps can be named by a bed
        self.chapter_titles = [s.title for s in flatten(steps) if isinstance(s, Chapter)]
        ambient_node = fields.get("ambient")
        ambient = self.ambient_list(ambient_node) if ambient_node is not None else ()
        if steps_node is not None and steps:
            self.check_totals(steps_node, steps)
        cover = self.file_field(fields.get("cover"), IMAGE_SUFFIXES, "cover image")
        return Session(
            path=self.path,
            title=title or "",
            description=self.text(fields.get("description")),
            author=self.text(fields.get("author")),
            tags=self.text_list(fields.get("tags")),
            cover=cover,
            ambient=ambient,
            steps=steps,
        )

    def version(self, node: Node) -> None:
        if not isinstance(node, ScalarNode) or node.value.strip() != str(FORMAT_VERSION):
            self.fail(node, f"unknown format version: this meditate reads version {FORMAT_VERSION}")

    # -- containers

    def mapping(
        self, node: Node, fields: dict[str, Field], expected: str
    ) -> dict[str, Node] | None:
        """The mapping's values by key, after reporting unknown, repeated and missing keys."""
        if not self.spend(node):
            return None
        if not isinstance(node, MappingNode):
            self.fail(node, f"expected {expected}, found {_describe(node)}")
            return None
        found: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, "a key must be a plain word")
                continue
            key = key_node.value
            if key_node.tag != _YAML + "str":
                self.refuse_tags(key_node)
            if key_node.tag == _YAML + "merge":
                self.fail(key_node, "merge keys (<<) are not supported; write the keys out")
            elif key not in fields:
                self.fail(
                    key_node,
                    f"unknown key '{key}'{_did_you_mean(key, fields)} "
                    f"(expected one of: {', '.join(fields)})",
                )
            elif key in found:
                self.fail(key_node, f"'{key}' is given twice; keep one")
            else:
                found[key] = value_node
        for key, field in fields.items():
            if field.required and key not in found:
                self.fail(node, f"missing '{key}': {field.help[0].lower()}{field.help[1:]}")
        return found

    def refuse_tags(self, node: Node) -> bool:
        if node.tag in _PLAIN_TAGS:
            return True
        self.fail(node, f"YAML tag '{node.tag}' is not allowed: session files hold plain data")
        return False

    def sequence(self, node: Node, expected: str) -> list[Node]:
        if not self.spend(node):
            return []
        if not isinstance(node, SequenceNode):
            self.fail(node, f"expected {expected}, found {_describe(node)}")
            return []
        return list(node.value)

    # -- scalars

    def scalar(self, node: Node | None, expected: str) -> str | None:
        if node is None:
            return None
        if not self.spend(node):
            return None
        if not isinstance(node, ScalarNode) or node.tag == _YAML + "null":
            self.fail(node, f"expected {expected}, found {_describe(node)}")
            return None
        return node.value

    def text(self, node: Node | None) -> str | None:
        value = self.scalar(node, "text")
        if value is None:
            return None
        if not value.strip():
            assert node is not None
            self.fail(node, "expected text, found an empty string")
            return None
        return value.strip()

    def text_list(self, node: Node | None) -> tuple[str, ...]:
        if node is None:
            return ()
        if isinstance(node, ScalarNode) and node.tag != _YAML + "null":
            return tuple(word.strip() for word in node.value.split(",") if word.strip())
        words = [self.text(item) for item in self.sequence(node, "a list of words")]
        return tuple(word for word in words if word)

    def duration(self, node: Node | None, default: float, *, allow_zero: bool = True) -> float:
        value = self.scalar(node, "a duration such as 20s, 2m or 1m30s")
        if value is None or node is None:
            return default
        try:
            seconds = parse_duration(value)
        except ValueError as error:
            self.fail(node, str(error))
            return default
        if seconds > MAX_SESSION_SECONDS:
            self.fail(node, f"{value} is longer than the 24-hour limit of a session")
            return default
        if seconds == 0 and not allow_zero:
            self.fail(node, "a duration must be longer than zero")
            return default
        return seconds

    def decibels(
        self, node: Node | None, default: float, low: float = -60.0, high: float = 12.0
    ) -> float:
        value = self.scalar(node, "a level in decibels such as -24 dB")
        if value is None or node is None:
            return default
        try:
            level = parse_decibels(value)
        except ValueError as error:
            self.fail(node, str(error))
            return default
        if not low <= level <= high:
            self.fail(node, f"{value} is out of range: expected {low:+g} dB to {high:+g} dB")
            return default
        return level

    def flag(self, node: Node | None) -> bool:
        value = self.scalar(node, "true or false")
        if value is None or node is None:
            return False
        word = value.strip().lower()
        if word in ("true", "yes", "on"):
            return True
        if word in ("false", "no", "off"):
            return False
        self.fail(node, f"expected true or false, found '{value}'")
        return False

    def hertz(self, node: Node | None) -> float | None:
        value = self.scalar(node, "a frequency in Hz such as 136.1")
        if value is None or node is None:
            return None
        try:
            hz = float(value.lower().removesuffix("hz").strip())
        except ValueError:
            self.fail(node, f"expected a frequency in Hz such as 136.1, found '{value}'")
            return None
        if not 0 < hz <= 4000:
            self.fail(node, f"{value} Hz is out of range: expected more than 0 and up to 4000")
            return None
        return hz

    # -- files

    def resolve(self, node: Node, raw: str, what: str, suffixes: tuple[str, ...]) -> Path | None:
        relative = Path(raw).expanduser()
        candidates = (
            [relative] if relative.is_absolute() else [d / relative for d in self.base_dirs]
        )
        for candidate in candidates:
            if candidate.is_file():
                if candidate.suffix.lower() not in suffixes:
                    self.fail(
                        node,
                        f"{what} '{raw}' is a {candidate.suffix or 'suffix-less'} file; "
                        f"expected one of {', '.join(suffixes)}",
                    )
                    return None
                return candidate
        looked = " and ".join(str(c.parent) for c in candidates)
        self.fail(node, f"{what} '{raw}' not found (looked in {looked}){_nearby(candidates)}")
        return None

    def file_field(self, node: Node | None, suffixes: tuple[str, ...], what: str) -> Path | None:
        raw = self.text(node)
        if raw is None or node is None:
            return None
        return self.resolve(node, raw, what, suffixes)

    def audio_length(self, node: Node, path: Path, what: str) -> float | None:
        try:
            seconds = clip_seconds(path)
        except UnreadableAudio as error:
            self.fail(node, f"{what} '{path}' is unusable: {error}")
            return None
        if seconds > MAX_CLIP_SECONDS:
            self.fail(
                node,
                f"{what} '{path}' is {format_clock(seconds)} long; a sound file may last at most "
                f"{format_clock(MAX_CLIP_SECONDS)}: split it into shorter clips",
            )
            return None
        return seconds

    # -- steps

    def steps(self, node: Node, depth: int) -> tuple[Step, ...]:
        if depth > _MAX_DEPTH:
            self.fail(node, f"repeats are nested more than {_MAX_DEPTH} deep")
            return ()
        items = self.sequence(node, "a list of steps")
        if isinstance(node, SequenceNode) and not items:
            self.fail(node, "steps is empty: add at least one step")
        built = (self.step(item, depth) for item in items)
        return tuple(step for step in built if step is not None)

    def step(self, node: Node, depth: int) -> Step | None:
        if not self.spend(node):
            return None
        if not isinstance(node, MappingNode):
            self.fail(
                node,
                f"expected a step (a mapping such as 'silence: 20s'), found {_describe(node)}",
            )
            return None
        keys = [k.value for k, _ in node.value if isinstance(k, ScalarNode)]
        kinds = [k for k in keys if k in STEP_FIELDS]
        if not kinds and "text" in keys:
            kinds = ["narration"]  # text alone is narration to be spoken as a draft
        if not kinds:
            first = next((k for k, _ in node.value), node)
            word = keys[0] if keys else ""
            self.fail(
                first,
                f"unknown step '{word}'{_did_you_mean(word, STEP_FIELDS)} "
                f"(a step is one of: {', '.join(STEP_FIELDS)})",
            )
            return None
        if len(kinds) > 1:
            self.fail(
                node,
                f"one step can be only one kind, found {' and '.join(kinds)}: "
                "split it into separate steps",
            )
            return None
        kind = kinds[0]
        fields = self.mapping(node, STEP_FIELDS[kind], f"a {kind} step")
        if fields is None:
            return None
        build: Callable[[Node, dict[str, Node], int], Step | None] = getattr(self, f"_{kind}")
        return build(node, fields, depth)

    def _narration(self, node: Node, fields: dict[str, Node], depth: int) -> Step | None:
        clip_node = fields.get("narration")
        text = self.text(fields.get("text"))
        volume = self.decibels(fields.get("volume"), 0.0)
        fade_in = self.duration(fields.get("fade_in"), 0.0)
        fade_out = self.duration(fields.get("fade_out"), 0.0)
        draft = clip_node is None or (
            isinstance(clip_node, ScalarNode) and clip_node.tag == _YAML + "null"
        )
        if draft:
            if text is None:
                if "text" not in fields:
                    self.fail(node, "narration needs a clip (narration: FILE) or text to speak")
                return None
            clip = self.spoken(node, text)
            seconds = self.audio_length(node, clip, "spoken draft") if clip else None
        else:
            assert clip_node is not None
            clip = self.file_field(clip_node, AUDIO_SUFFIXES, "narration clip")
            seconds = self.audio_length(clip_node, clip, "narration clip") if clip else None
        if clip is None or seconds is None:
            return None
        if seconds and fade_in + fade_out > seconds + 1e-9:
            self.fail(
                node,
                f"fade_in and fade_out together ({fade_in + fade_out:g}s) are longer than "
                f"the clip ({seconds:.2f}s)",
            )
        return Narration(clip, seconds, text, volume, fade_in, fade_out, self.at(node), draft)

    def spoken(self, node: Node, text: str) -> Path | None:
        """The cached speech of a draft's text, synthesised with espeak-ng if need be."""
        from player.common.paths import user_cache_dir
        from player.sound.speech import Voice, cached_speech

        try:
            return cached_speech(text, self.voice or Voice(), user_cache_dir() / "speech")
        except MeditateError as error:
            self.fail(node, f"cannot speak this draft narration: {error}")
            return None

    def voice_settings(self, node: Node) -> Voice | None:
        from player.sound.speech import Voice

        fields = self.mapping(node, VOICE_FIELDS, "voice settings: a mapping of name, rate, pitch")
        if fields is None:
            return None
        default = Voice()
        name = self.text(fields.get("name")) or default.name
        rate = self.whole_number(fields.get("rate"), 80, 450, default.rate_wpm)
        pitch = self.whole_number(fields.get("pitch"), 0, 99, default.pitch)
        return Voice(name=name, rate_wpm=rate, pitch=pitch)

    def whole_number(self, node: Node | None, low: int, high: int, default: int) -> int:
        value = self.scalar(node, f"a whole number from {low} to {high}")
        if value is None or node is None:
            return default
        try:
            number = int(value.replace("_", ""))
        except ValueError:
            self.fail(node, f"expected a whole number from {low} to {high}, found '{value}'")
            return default
        if not low <= number <= high:
            self.fail(node, f"{number} is out of range: {low} to {high}")
            return default
        return number

    def _silence(self, node: Node, fields: dict[str, Node], depth: int) -> Step | None:
        seconds = self.duration(fields["silence"], 0.0, allow_zero=False)
        flex = self.flag(fields.get("flex"))
        low = self.duration(fields.get("min"), 0.0)
        high_node = fields.get("max")
        high = self.duration(high_node, 0.0) if high_node is not None else None
        for key in ("min", "max"):
            if key in fields and not flex:
                self.fail(fields[key], f"'{key}' applies only to flexible silences: add flex: true")
        if flex and seconds:
            if high is not None and low > high:
                self.fail(fields["min"], f"min ({low:g}s) is more than max ({high:g}s)")
            elif seconds < low:
                self.fail(fields["silence"], f"the silence is shorter than its min ({low:g}s)")
            elif high is not None and seconds > high:
                self.fail(fields["silence"], f"the silence is longer than its max ({high:g}s)")
        if not seconds:
            return None
        return Silence(seconds, flex, low, high, self.at(node))

    def _bell(self, node: Node, fields: dict[str, Node], depth: int) -> Step | None:
        sound_node = fields["bell"]
        raw = self.text(sound_node)
        volume = self.decibels(fields.get("volume"), DEFAULT_BELL_VOLUME_DB)
        if raw is None:
            return None
        if raw in catalog.BELL_SECONDS:
            return Bell(raw, None, catalog.BELL_SECONDS[raw], volume, self.at(node))
        if Path(raw).suffix.lower() not in AUDIO_SUFFIXES:
            self.fail(
                sound_node,
                f"unknown bell '{raw}'{_did_you_mean(raw, catalog.BELL_SECONDS)} "
                f"(built-in bells: {', '.join(catalog.BELL_SECONDS)}; or give an audio file)",
            )
            return None
        path = self.resolve(sound_node, raw, "bell sound", AUDIO_SUFFIXES)
        seconds = self.audio_length(sound_node, path, "bell sound") if path else None
        if path is None or seconds is None:
            return None
        return Bell(None, path, seconds, volume, self.at(node))

    def _chapter(self, node: Node, fields: dict[str, Node], depth: int) -> Step | None:
        title = self.text(fields["chapter"])
        if title is None:
            return None
        return Chapter(title, self.at(node))

    def _repeat(self, node: Node, fields: dict[str, Node], depth: int) -> Step | None:
        count_node = fields["repeat"]
        value = self.scalar(count_node, f"a whole number from 1 to {MAX_REPEAT}")
        count = None
        if value is not None:
            try:
                count = int(value.replace("_", ""))
            except ValueError:
                self.fail(
                    count_node, f"expected a whole number from 1 to {MAX_REPEAT}, found '{value}'"
                )
            else:
                if not 1 <= count <= MAX_REPEAT:
                    self.fail(count_node, f"repeat {count} is out of range: 1 to {MAX_REPEAT}")
                    count = None
        steps_node = fields.get("steps")
        steps = self.steps(steps_node, depth + 1) if steps_node is not None else ()
        if count is None or not steps:
            return None
        if any(isinstance(step, Chapter) for step in flatten(steps)) and count > 1:
            self.fail(node, "a repeat with count above 1 cannot contain a chapter")
            return None
        return Repeat(count, steps, self.at(node))

    def check_totals(self, node: Node, steps: tuple[Step, ...]) -> None:
        seconds, count = _totals(steps)
        if count > MAX_EXPANDED_STEPS:
            self.fail(
                node, f"the repeats expand to {count} steps; the limit is {MAX_EXPANDED_STEPS}"
            )
        elif seconds > MAX_SESSION_SECONDS:
            self.fail(
                node,
                f"the session lasts {format_clock(seconds)}; the limit is 24:00:00 - "
                "shorten silences or repeats",
            )

    # -- ambient

    def ambient_list(self, node: Node) -> tuple[AmbientBed, ...]:
        beds = (self.bed(item) for item in self.sequence(node, "a list of ambient beds"))
        return tuple(bed for bed in beds if bed is not None)

    def bed(self, node: Node) -> AmbientBed | None:
        fields = self.mapping(node, AMBIENT_FIELDS, "an ambient bed (a mapping with sound)")
        if fields is None:
            return None
        synth, file = self.bed_sound(fields.get("sound"))
        pitch = self.hertz(fields.get("pitch"))
        beat = self.hertz(fields.get("beat"))
        for key in ("pitch", "beat"):
            if key in fields and synth != "drone":
                self.fail(fields[key], f"'{key}' applies only to sound: synth:drone")
        duck = self.decibels(fields.get("duck"), 0.0, low=0.0, high=60.0)
        from_chapter = self.chapter_ref(fields.get("from"))
        until_chapter = self.chapter_ref(fields.get("until"))
        if (
            from_chapter
            and until_chapter
            and self.chapter_titles.index(until_chapter) < self.chapter_titles.index(from_chapter)
        ):
            self.fail(fields["until"], f"chapter '{until_chapter}' comes before '{from_chapter}'")
        bed = AmbientBed(
            synth=synth,
            file=file,
            volume_db=self.decibels(fields.get("volume"), DEFAULT_AMBIENT_VOLUME_DB),
            fade_in=self.duration(fields.get("fade_in"), DEFAULT_AMBIENT_FADE_IN),
            fade_out=self.duration(fields.get("fade_out"), DEFAULT_AMBIENT_FADE_OUT),
            duck_db=duck,
            from_chapter=from_chapter,
            until_chapter=until_chapter,
            pitch_hz=pitch,
            beat_hz=beat,
            where=self.at(node),
        )
        return bed if (synth or file) else None

    def bed_sound(self, node: Node | None) -> tuple[str | None, Path | None]:
        raw = self.text(node)
        if raw is None or node is None:
            return None, None
        if raw.startswith(catalog.SYNTH_PREFIX):
            name = raw.removeprefix(catalog.SYNTH_PREFIX)
            if name not in catalog.SYNTHS:
                self.fail(
                    node,
                    f"unknown synth '{name}'{_did_you_mean(name, catalog.SYNTHS)} "
                    f"(available: {', '.join(catalog.SYNTHS)})",
                )
                return None, None
            return name, None
        path = self.resolve(node, raw, "ambient sound", AUDIO_SUFFIXES)
        if path is None or self.audio_length(node, path, "ambient sound") is None:
            return None, None
        return None, path

    def chapter_ref(self, node: Node | None) -> str | None:
        title = self.text(node)
        if title is None or node is None:
            return None
        if title not in self.chapter_titles:
            hint = _did_you_mean(title, self.chapter_titles)
            known = ", ".join(f"'{t}'" for t in self.chapter_titles) or "none"
            self.fail(node, f"no chapter titled '{title}'{hint} (chapters: {known})")
            return None
        return title


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _YAML + "null":
        return "nothing"
    value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    return f"'{value}'"


def _nearby(candidates: list[Path]) -> str:
    """A did-you-mean from the files beside where the missing one was looked for."""
    for candidate in candidates:
        folder = candidate.parent
        if folder.is_dir():
            names = [p.name for p in folder.iterdir() if p.is_file()]
            close = difflib.get_close_matches(candidate.name, names, n=1, cutoff=0.5)
            if close:
                return f"; did you mean '{close[0]}'?"
    return ""


def _totals(steps: tuple[Step, ...]) -> tuple[float, int]:
    """Seconds and number of steps once repeats are expanded, without expanding them."""
    counted = list(weighted(steps))
    return sum(w * step_seconds(s) for s, w in counted), sum(w for _, w in counted)
