"""Prepares a loaded session for sound: finds each file it names, reads how long each sound
plays (from headers, without decoding) and speaks its drafts. Problems are reported at their
place in the script, like the loader's, and all at once.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from player.common.cache import Cache, user_cache
from player.common.errors import MeditateError
from player.common.images import NotAnImage, image_info
from player.prepare.drafts import (
    VoiceProblem,
    draft_voice,
    ready_voice,
    speak_drafts,
    text_problem,
)
from player.prepare.lookup import NotFound, find_file, is_bundled, search_dirs
from player.prepare.narrator import Narrator, draft_settings
from player.prepare.probe import UnreadableAudio, clip_seconds
from player.session.format import MAX_CLIP_SECONDS, MAX_SESSION_SECONDS
from player.session.loader import load_session
from player.session.model import (
    AmbientBed,
    Bell,
    FileRef,
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
from player.session.problems import Problem, SessionError, sorted_problems
from player.session.units import format_clock


def load_prepared(
    path: Path, cache: Cache | None = None, narrator: Narrator | None = None
) -> Session:
    """Load a session file and prepare it. Raises SessionError listing every problem."""
    return prepare_session(load_session(path), cache, narrator)


def prepare_session(
    session: Session, cache: Cache | None = None, narrator: Narrator | None = None
) -> Session:
    """The session with every file found and measured and every draft spoken.

    With a `narrator`, the narration it speaks (see narrator.py) is not spoken here: each
    such step names the file its speech will be kept in, and lasts as long as it is
    estimated to (`Narration.narrated`), so that it can be spoken while the session plays.

    Raises SessionError listing every problem, each at its place in the script.
    """
    prepared, problems = prepare_what_can_be(session, cache, narrator)
    if problems:
        raise SessionError(problems)
    return prepared


def prepare_what_can_be(
    session: Session, cache: Cache | None = None, narrator: Narrator | None = None
) -> tuple[Session, list[Problem]]:
    """The session with every file that can be found found, measured or spoken (the steps
    and beds whose files cannot, left out), and the problems of those that cannot."""
    preparer = _Preparer(session, cache or user_cache(), narrator)
    prepared = preparer.session()
    return prepared, sorted_problems(preparer.problems)


class _Preparer:
    def __init__(self, session: Session, cache: Cache, narrator: Narrator | None = None) -> None:
        self.source = session
        self.cache = cache
        self.narrator = narrator
        self.dirs = search_dirs(session.path)
        self.problems: list[Problem] = []
        self.drafts: dict[str, Path] = {}  # each draft's text, and the speech made of it

    def fail(self, where: Location, message: str) -> None:
        self.problems.append(Problem(where, message))

    def session(self) -> Session:
        session = self.source
        self.speak_drafts()
        steps = self.steps(session.steps)
        beds = tuple(self.bed(bed) for bed in session.ambient)
        cover = self.image(session.cover) if session.cover else None
        prepared = dataclasses.replace(
            session,
            steps=steps,
            ambient=tuple(bed for bed in beds if bed is not None),
            cover=cover,
        )
        if not self.problems:
            self.check_total(prepared)
        return prepared

    # -- files

    def found(self, ref: FileRef, what: str) -> FileRef | None:
        try:
            return FileRef(ref.written, ref.where, find_file(ref, self.dirs, what))
        except NotFound as error:
            self.fail(ref.where, str(error))
            return None

    def image(self, ref: FileRef) -> FileRef | None:
        """A cover that is really a PNG or JPEG image, or a problem saying what it is."""
        located = self.found(ref, "cover image")
        if located is None:
            return None
        try:
            image_info(located.found.read_bytes())
        except NotAnImage as error:
            self.fail(ref.where, f"cover image '{ref.written}' cannot be used: {error}")
            return None
        except OSError as error:
            self.fail(ref.where, f"cover image '{ref.written}' cannot be read: {error.strerror}")
            return None
        return located

    def measured(self, ref: FileRef, what: str) -> FileRef | None:
        located = self.found(ref, what)
        if located is None:
            return None
        return self.timed(located, what, ref.written)

    def timed(self, ref: FileRef, what: str, shown: str) -> FileRef | None:
        try:
            seconds = clip_seconds(ref.found, self.cache)
        except UnreadableAudio as error:
            self.fail(ref.where, f"{what} '{shown}' is unusable: {error}")
            return None
        if seconds > MAX_CLIP_SECONDS:
            self.fail(
                ref.where,
                f"{what} '{shown}' is {format_clock(seconds)} long; a sound file may last at "
                f"most {format_clock(MAX_CLIP_SECONDS)}: split it into shorter clips",
            )
            return None
        return FileRef(ref.written, ref.where, ref.path, seconds)

    # -- steps

    def steps(self, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        prepared = (self.step(step) for step in steps)
        return tuple(step for step in prepared if step is not None)

    def step(self, step: Step) -> Step | None:
        if isinstance(step, Narration):
            return self.narration(step)
        if isinstance(step, Bell) and step.file is not None:
            file = self.measured(step.file, "bell sound")
            return dataclasses.replace(step, file=file) if file else None
        if isinstance(step, Silence) and step.bells and step.bells.bell.file is not None:
            ring = step.bells.bell
            assert ring.file is not None
            file = self.measured(ring.file, "bell sound")
            if file is None:
                return None
            bells = dataclasses.replace(step.bells, bell=dataclasses.replace(ring, file=file))
            return dataclasses.replace(step, bells=bells)
        if isinstance(step, Repeat):
            inner = self.steps(step.steps)
            return dataclasses.replace(step, steps=inner) if inner else None
        return step

    def narration(self, step: Narration) -> Narration | None:
        if self.narrator is not None and step.text:
            if step.draft or self.narrator.replace_recorded:
                return self.narrated(step, self.narrator)
            assert step.clip is not None
            located = self.found(step.clip, "narration clip")
            if located is None:
                return None
            if is_bundled(located.found):
                return self.narrated(step, self.narrator)
            clip = self.timed(located, "narration clip", step.clip.written)  # her own: kept
        elif step.draft:
            clip = self.spoken(step)
        else:
            assert step.clip is not None
            clip = self.measured(step.clip, "narration clip")
        if clip is None:
            return None
        fades = step.fade_in + step.fade_out
        seconds = clip.length
        if fades > seconds + 1e-9:
            self.fail(
                step.where,
                f"fade_in and fade_out together ({fades:g}s) are longer than "
                f"the clip ({seconds:.2f}s)",
            )
        return dataclasses.replace(step, clip=clip)

    def narrated(self, step: Narration, narrator: Narrator) -> Narration | None:
        """The step as the narrator will speak it: the file its speech is kept in, and how
        long it is expected to last."""
        from player.sound.speech import estimated_seconds, speech_file

        assert step.text is not None
        problem = text_problem(step.text)
        if problem:
            self.fail(step.where, f"cannot speak this narration: {problem}")
            return None
        target = speech_file(step.text, narrator.ready, self.cache)
        seconds = estimated_seconds(step.text, narrator.ready)
        written = step.clip.written if step.clip else ""
        return dataclasses.replace(
            step, clip=FileRef(written, step.where, target, seconds), narrated=True
        )

    def speak_drafts(self) -> None:
        """Speak every draft of the session in one batch; report what cannot be spoken."""
        if self.narrator is not None:
            return  # the narrator speaks them
        drafts = [s for s in flatten(self.source.steps) if isinstance(s, Narration) and s.draft]
        speakable: dict[str, Location] = {}
        for step in drafts:
            assert step.text is not None
            problem = text_problem(step.text)
            if problem:
                self.fail(step.where, f"cannot speak this draft narration: {problem}")
            else:
                speakable.setdefault(step.text, step.where)
        if not speakable:
            return
        settings = self.source.voice
        first = next(iter(speakable.values()))
        try:
            settings = draft_settings(settings, self.source.language)
        except MeditateError as error:
            self.fail(settings.where if settings and settings.where else first, f"voice: {error}")
            return
        voice = draft_voice(settings, self.source.path)
        try:
            ready_voice(voice)
        except VoiceProblem as error:
            where = settings.where if settings and settings.where else first
            self.fail(where, f"voice: {error}")
            return
        except MeditateError as error:
            self.fail(first, f"cannot speak this draft narration: {error}")
            return
        texts = list(speakable)
        try:
            wavs = speak_drafts(texts, voice, self.cache)
        except MeditateError as error:
            more = f" (nor the {len(texts) - 1} other drafts)" if len(texts) > 1 else ""
            self.fail(first, f"cannot speak this draft narration{more}: {error}")
            return
        self.drafts = dict(zip(texts, wavs, strict=True))

    def spoken(self, step: Narration) -> FileRef | None:
        assert step.text is not None
        wav = self.drafts.get(step.text)
        if wav is None:
            return None  # its problem is reported already
        return self.timed(FileRef("", step.where, path=wav), "spoken draft", str(wav))

    # -- beds

    def bed(self, bed: AmbientBed) -> AmbientBed | None:
        if bed.file is None:
            return bed
        file = self.measured(bed.file, "ambient sound")
        return dataclasses.replace(bed, file=file) if file else None

    def check_total(self, session: Session) -> None:
        if not session.steps:
            return
        seconds = sum(weight * step_seconds(step) for step, weight in weighted(session.steps))
        if seconds > MAX_SESSION_SECONDS:
            self.fail(
                session.steps[0].where,
                f"the session lasts {format_clock(seconds)}; the limit is 24:00:00 - "
                "shorten silences or repeats",
            )
