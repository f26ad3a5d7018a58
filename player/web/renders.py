"""Audio for the browser: each session and choice rendered once, by `meditate export`'s own
code, into the user cache, and served from there as it is, byte for byte.

Each render is a job whose progress the page polls, run by one of a few worker threads, each
of which waits for a render process of its own (render_process.py). Jobs are bounded: a few
at once, a few more waiting, and the rest refused until one finishes. A file reaches the
cache whole or not at all; closing the board stops every job at its next block and removes
what it was writing.
"""

from __future__ import annotations

import datetime
import functools
import logging
import pkgutil
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import player
from player.common.cache import Cache, code_version, key_of
from player.common.errors import MeditateError
from player.output.captions import Cue, caption_cues
from player.output.export import FileSettings
from player.output.publish.fingerprint import episode_digest
from player.session.timeline import ChapterMark
from player.sound.render import RenderOptions
from player.web.render_process import Audio, RenderStopped, render_apart

KIND = "serve"  # the cache folder of the rendered files
FORMAT = 1  # raise when the served file changes for the same choice
ISSUED = 512  # renders remembered for the audio and log requests
FINISHED_JOBS = 64  # finished jobs remembered for the pages that poll them
# The packages whose code decides what an export holds: their source is in every key.
_ENGINE_PACKAGES = ("common", "session", "prepare", "sound", "output")


class Busy(MeditateError):
    """Too many renders are waiting: the listener tries again soon."""


@dataclass(frozen=True)
class Render:
    """A finished audio file, and what the page and the practice log need to know of it."""

    key: str
    path: Path
    name: str  # the session's name, as the practice log keeps it
    title: str
    frames: int
    chapters: tuple[ChapterMark, ...]
    cues: tuple[Cue, ...]
    ends_at: int | None  # a timer's end bell: what follows is its ring-out, not time sat


@dataclass
class Job:
    """One render under way, or done; read by the pages that poll it."""

    id: str
    title: str
    stage: str = "Waiting for the renders before it"
    done: int = 0  # frames rendered
    total: int = 0  # frames to render; 0 until known
    render: Render | None = None
    error: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def share(self) -> float | None:
        """How much is rendered (0 to 1), or None while it is not known."""
        return min(self.done / self.total, 1.0) if self.total else None


def render_key(audio: Audio, options: RenderOptions, cache: Cache) -> str:
    """A digest of everything that decides the file an export of `audio` with `options`
    writes: the script and every file it plays by content, the placed timeline (and the plan
    and narrator of a narrated one), the options, the year (a tag) and the code that renders,
    encodes and tags."""
    timeline = audio.timeline
    session = timeline.session
    sources = (
        episode_digest(timeline, options, FileSettings(), cache)
        if session.path.is_file()
        else "made on the spot"  # a timer: built-in sounds only, all in the timeline
    )
    year = datetime.date.today().year
    return key_of(
        KIND, FORMAT, engine_version(), year, sources, timeline, options, audio.plan,
        audio.narrator,
    )  # fmt: skip


@functools.cache
def engine_version() -> str:
    """A digest of the source of every module that decides what an export holds."""
    root = Path(player.__file__).parent
    names = sorted(
        module.name
        for package in _ENGINE_PACKAGES
        for module in pkgutil.walk_packages([str(root / package)], f"player.{package}.")
    )
    return code_version(*names)


class RenderBoard:
    """The server's renders: those waiting and under way, and the files it has served."""

    def __init__(self, cache: Cache, *, workers: int = 1, waiting: int = 8) -> None:
        self.cache = cache
        self.limit = workers + waiting
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="meditate-render")
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()  # by what they render
        self._by_id: dict[str, Job] = {}
        self._issued: OrderedDict[str, Render] = OrderedDict()
        self._closing = threading.Event()

    def key(self, audio: Audio, options: RenderOptions) -> str:
        """The key of the file an export of `audio` with `options` writes."""
        return render_key(audio, options, self.cache)

    def cached(self, audio: Audio, key: str) -> Render | None:
        """The render under `key` (of `timeline`) if the cache holds it, issued to be served;
        else None."""
        path = self.cache.file(KIND, key, ".mp3")
        return self._issue(_render(key, path, audio)) if path.is_file() else None

    def start(
        self, identity: str, title: str, audio: Callable[[], Audio], options: RenderOptions
    ) -> Job:
        """The job that renders `audio()` (made in the job: it may speak narration) with
        `options`; one already known by `identity` if there is one. Raises Busy."""
        with self._lock:
            known = self._jobs.get(identity)
            # waiting, under way, or done with its file still there: failed ones are tried again
            if known is not None and _usable(known):
                self._jobs.move_to_end(identity)
                return known
            running = sum(not job.finished.is_set() for job in self._jobs.values())
            if running >= self.limit:
                raise Busy(f"the server is busy with {running} renders: try again in a minute")
            job = Job(secrets.token_hex(8), title)
            self._jobs[identity] = job
            self._by_id[job.id] = job
            self._forget_finished()
        self._executor.submit(self._run, job, audio, options)
        return job

    def job(self, job_id: str) -> Job | None:
        with self._lock:
            return self._by_id.get(job_id)

    def issued(self, key: str) -> Render | None:
        """A render this server made or found for a page, if its file is still there."""
        with self._lock:
            render = self._issued.get(key)
        return render if render is not None and render.path.is_file() else None

    def close(self) -> None:
        """Stop every job (each removes what it was writing) and wait for them."""
        self._closing.set()
        self._executor.shutdown(wait=True, cancel_futures=True)
        for job in list(self._by_id.values()):
            if not job.finished.is_set():
                job.error = "the server stopped"
                job.finished.set()

    def _run(self, job: Job, make: Callable[[], Audio], options: RenderOptions) -> None:
        try:
            job.stage = "Preparing the session"
            audio = make()
            key = self.key(audio, options)
            job.render = self.cached(audio, key) or self._rendered(job, audio, options, key)
            job.stage = "Ready"
        except RenderStopped:
            job.error = "the server stopped"
        except MeditateError as error:
            job.error = str(error)
        except Exception as error:  # a bug: said on the page, and with its traceback here
            job.error = f"the render failed ({type(error).__name__}: {error})"
            logging.getLogger(__name__).exception("rendering %s failed", job.title)
        finally:
            job.finished.set()
            self.cache.save()

    def _rendered(self, job: Job, audio: Audio, options: RenderOptions, key: str) -> Render:
        job.total, job.stage = audio.timeline.length, "Rendering"

        def advance(frames: int) -> None:
            job.done = frames

        target = (self.cache.root, KIND, key, ".mp3")
        render_apart(audio, options, target, advance, self._closing)
        return self._issue(_render(key, self.cache.file(KIND, key, ".mp3"), audio))

    def _issue(self, render: Render) -> Render:
        with self._lock:
            self._issued[render.key] = render
            self._issued.move_to_end(render.key)
            while len(self._issued) > ISSUED:
                self._issued.popitem(last=False)
        return render

    def _forget_finished(self) -> None:
        finished = [key for key, job in self._jobs.items() if job.finished.is_set()]
        for key in finished[: max(0, len(finished) - FINISHED_JOBS)]:
            self._by_id.pop(self._jobs.pop(key).id, None)


def _usable(job: Job) -> bool:
    return job.error is None and (job.render is None or job.render.path.is_file())


def _render(key: str, path: Path, audio: Audio) -> Render:
    timeline = audio.timeline
    session = timeline.session
    return Render(
        key,
        path,
        session.name,
        session.title,
        timeline.length,
        timeline.chapters,
        caption_cues(timeline),
        audio.ends_at,
    )
