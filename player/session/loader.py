"""Reads a session file into a validated `Session`, reporting every problem with its place.

Pure: the only file it reads is the script. The files a script names are looked up, and
measured, by preparation (player.prepare), which also speaks drafts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from player.session import catalog
from player.session.bells_reader import BellReader
from player.session.format import (
    AMBIENT_FIELDS,
    AUDIO_SUFFIXES,
    DEFAULT_AMBIENT_FADE_IN,
    DEFAULT_AMBIENT_FADE_OUT,
    DEFAULT_AMBIENT_VOLUME_DB,
    DEFAULT_BELL_VOLUME_DB,
    FORMAT_VERSION,
    IMAGE_SUFFIXES,
    MAX_EXPANDED_STEPS,
    MAX_REPEAT,
    MAX_STRIKES,
    SESSION_FIELDS,
    STEP_FIELDS,
)
from player.session.language import BadLanguage, language_tag
from player.session.model import (
    AmbientBed,
    Chapter,
    FileRef,
    Location,
    Narration,
    Repeat,
    Session,
    Silence,
    Step,
    flatten,
    weighted,
)
from player.session.problems import Problem, SessionError, did_you_mean, sorted_problems
from player.session.voice_reader import VoiceReader
from player.session.yaml_source import OutOfBudget, compose, describe, is_null

_MAX_DEPTH = 64
# words people write for a step, and the step they mean
STEP_SYNONYMS = {
    **dict.fromkeys(("duration", "pause", "wait", "rest", "quiet", "gap"), "silence"),
    **dict.fromkeys(("say", "speak", "words", "script"), "text"),
    **dict.fromkeys(("audio", "clip", "file", "voice", "sound", "recording"), "narration"),
    **dict.fromkeys(("gong", "chime", "singing-bowl", "ring"), "bell"),
    **dict.fromkeys(("section", "part", "title", "heading"), "chapter"),
    **dict.fromkeys(("loop", "times", "cycle"), "repeat"),
}


def load_session(path: Path) -> Session:
    """Read, parse and validate a session file. Raises SessionError listing every problem."""
    session, problems = read_session(path)
    if problems:
        raise SessionError(problems)
    assert session is not None
    return session


def read_session(path: Path) -> tuple[Session | None, list[Problem]]:
    """The session as far as the file makes one (a step with a mistake left out), and every
    problem in it, in line order. Raises SessionError when the file cannot be read as YAML."""
    root = compose(path)
    reader = _SessionReader(path)
    session = reader.session(root)
    return session, sorted_problems(reader.problems)


class _SessionReader(BellReader, VoiceReader):
    """Walks the node tree once, building the model and collecting every problem."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.chapter_titles: list[str] = []

    # -- the document

    def session(self, root: Node | None) -> Session | None:
        if root is None:
            self.problems.append(
                Problem(Location(self.path, 1, 1), "empty file: a session needs title and steps")
            )
            return None
        try:
            return self._session(root)
        except OutOfBudget:
            return None

    def _session(self, root: Node) -> Session | None:
        fields = self.mapping(root, SESSION_FIELDS, "a session: a mapping with title and steps")
        if fields is None:
            return None
        if "version" in fields:
            self.version(fields["version"])
        title = self.text(fields.get("title"))
        voice = self.voice_settings(fields["voice"]) if "voice" in fields else None
        language = self.language(fields["language"]) if "language" in fields else None
        steps_node = fields.get("steps")
        steps = self.steps(steps_node, depth=0) if steps_node is not None else ()
        # only chapters that made it into the steps can be named by a bed
        self.chapter_titles = [s.title for s in flatten(steps) if isinstance(s, Chapter)]
        ambient_node = fields.get("ambient")
        ambient = self.ambient_list(ambient_node) if ambient_node is not None else ()
        if steps_node is not None and steps:
            self.check_count(steps_node, steps)
        return Session(
            path=self.path,
            title=title or "",
            description=self.text(fields.get("description")),
            author=self.text(fields.get("author")),
            tags=self.text_list(fields.get("tags")),
            cover=self.file_name(fields.get("cover"), IMAGE_SUFFIXES, "cover image"),
            ambient=ambient,
            steps=steps,
            voice=voice,
            language=language,
        )

    def version(self, node: Node) -> None:
        if not isinstance(node, ScalarNode) or node.value.strip() != str(FORMAT_VERSION):
            self.fail(node, f"unknown format version: this meditate reads version {FORMAT_VERSION}")

    def language(self, node: Node) -> str | None:
        written = self.text(node)
        if written is None:
            return None
        try:
            return language_tag(written)
        except BadLanguage as error:
            self.fail(node, str(error))
            return None

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
                f"expected a step (a mapping such as 'silence: 20s'), found {describe(node)}",
            )
            return None
        keys = [k.value for k, _ in node.value if isinstance(k, ScalarNode)]
        kinds = [k for k in keys if k in STEP_FIELDS]
        if keys[:1] == ["text"] and "narration" not in kinds:
            kinds = ["narration", *kinds]  # text first is narration, spoken as a draft
        elif not kinds and "text" in keys:
            kinds = ["narration"]
        if not kinds:
            first = next((k for k, _ in node.value), node)
            word = keys[0] if keys else ""
            meant = STEP_SYNONYMS.get(word.lower())
            hint = f"; did you mean '{meant}'?" if meant else did_you_mean(word, STEP_FIELDS)
            self.fail(
                first,
                f"unknown step '{word}'{hint} (a step is one of: {', '.join(STEP_FIELDS)})",
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
        draft = clip_node is None or is_null(clip_node)
        if draft:
            if text is None:
                if "text" not in fields:
                    self.fail(node, "narration needs a clip (narration: FILE) or text to speak")
                return None
            return Narration(None, text, volume, fade_in, fade_out, self.at(node), draft=True)
        clip = self.file_name(clip_node, AUDIO_SUFFIXES, "narration clip")
        if clip is None:
            return None
        return Narration(clip, text, volume, fade_in, fade_out, self.at(node))

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
        longest = (high if high is not None else math.inf) if flex else seconds
        bells = (
            self.interval_bells(fields["bells"], seconds, longest) if "bells" in fields else None
        )
        return Silence(seconds, flex, low, high, self.at(node), bells)

    def _bell(self, node: Node, fields: dict[str, Node], depth: int) -> Step | None:
        volume = self.decibels(fields.get("volume"), DEFAULT_BELL_VOLUME_DB)
        strikes = self.whole_number(fields.get("strikes"), 1, MAX_STRIKES, 1)
        return self.bell_sound(fields["bell"], volume, self.at(node), strikes)

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

    def check_count(self, node: Node, steps: tuple[Step, ...]) -> None:
        count = sum(weight for _, weight in weighted(steps))
        if count > MAX_EXPANDED_STEPS:
            self.fail(
                node, f"the repeats expand to {count} steps; the limit is {MAX_EXPANDED_STEPS}"
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

    def bed_sound(self, node: Node | None) -> tuple[str | None, FileRef | None]:
        raw = self.text(node)
        if raw is None or node is None:
            return None, None
        if raw.startswith(catalog.SYNTH_PREFIX):
            name = raw.removeprefix(catalog.SYNTH_PREFIX)
            if name not in catalog.SYNTHS:
                self.fail(
                    node,
                    f"unknown synth '{name}'{did_you_mean(name, catalog.SYNTHS)} "
                    f"(available: {', '.join(catalog.SYNTHS)})",
                )
                return None, None
            return name, None
        return None, self.file_name(node, AUDIO_SUFFIXES, "ambient sound")

    def chapter_ref(self, node: Node | None) -> str | None:
        title = self.text(node)
        if title is None or node is None:
            return None
        if title not in self.chapter_titles:
            hint = did_you_mean(title, self.chapter_titles)
            known = ", ".join(f"'{t}'" for t in self.chapter_titles) or "none"
            self.fail(node, f"no chapter titled '{title}'{hint} (chapters: {known})")
            return None
        return title
