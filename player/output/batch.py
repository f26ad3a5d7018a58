"""Exports many sessions at once, N in parallel processes, reporting progress in one stream."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from player.common.errors import MeditateError
from player.sound.render import RenderOptions

if TYPE_CHECKING:
    from player.output.export import FileSettings
    from player.prepare.narrator import NarratorChoice

_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class BatchItem:
    name: str
    session: Path
    target: Path
    frames: int  # rendered length, for the progress display


@dataclass(frozen=True)
class BatchOutcome:
    item: BatchItem
    error: str | None  # None when written
    loudness: float | None = None  # integrated loudness written, as ffmpeg measured it


def plan(
    sessions: list[tuple[str, Path]],
    folder: Path,
    suffix: str,
    *,
    force: bool,
    length: float | None = None,
    captions: str | None = None,
    narrator: NarratorChoice | None = None,
) -> tuple[list[BatchItem], list[str]]:
    """What to write where, and the problems of sessions that cannot be exported.

    Refuses, before any work, to replace existing files (captions beside them too, in the
    format `captions` names) without `force`.
    """
    from player.prepare.unfolding import prepare_narrated
    from player.session.problems import SessionError
    from player.session.timeline import compile_timeline

    items: list[BatchItem] = []
    problems: list[str] = []
    for name, path in sessions:
        try:  # with a narrator, how long it lasts is estimated: it is spoken by the worker
            timeline = compile_timeline(prepare_narrated(path, narrator).session, length)
        except SessionError as error:
            problems.extend(str(p) for p in error.problems)
            continue
        except MeditateError as error:
            problems.append(f"{name}: {error}")
            continue
        items.append(BatchItem(name, path, folder / f"{name}{suffix}", timeline.length))
    targets = [item.target for item in items]
    if captions:
        targets += [item.target.with_suffix(f".{captions}") for item in items]
    existing = [target for target in targets if target.exists()]
    if existing and not force:
        names = ", ".join(p.name for p in existing[:3]) + (" ..." if len(existing) > 3 else "")
        raise MeditateError(
            f"{len(existing)} file(s) exist in {folder} ({names}): use --force to replace them"
        )
    return items, problems


def run(
    items: list[BatchItem],
    *,
    jobs: int,
    options: RenderOptions,
    settings: FileSettings,
    force: bool,
    progress: Callable[[int], None],
    finished: Callable[[BatchOutcome], None],
    length: float | None = None,
    worker_setup: Callable[[], None] | None = None,
    captions: str | None = None,
    narrator: NarratorChoice | None = None,
) -> list[BatchOutcome]:
    """Export every item, `jobs` at a time. Ctrl-C or SIGTERM stops all, leaving no partials.

    With `captions` (vtt, srt or lrc), each file gets its captions beside it in that format.

    `worker_setup` runs first in each worker process (a module-level function, so it can be
    sent there): the command line passes the signal handling it wants its workers to have.
    """
    if not items:
        return []  # no processes to start
    context = multiprocessing.get_context("spawn")
    # A shared counter, not a queue: a queue's feeder thread can hold a stopping worker
    # until someone reads it, and after Ctrl-C nobody does.
    frames = context.Value("q", 0)
    reported = 0
    outcomes: list[BatchOutcome] = []
    pool = context.Pool(jobs, initializer=_start_worker, initargs=(frames, worker_setup))
    try:
        pending = {
            pool.apply_async(
                _export_item, (item, options, settings, force, length, captions, narrator)
            ): item
            for item in items
        }
        while pending:
            time.sleep(_POLL_SECONDS)
            reported = _report(frames, reported, progress)
            for result in [r for r in pending if r.ready()]:
                outcome = BatchOutcome(pending.pop(result), *result.get())
                outcomes.append(outcome)
                finished(outcome)
        _report(frames, reported, progress)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    return outcomes


def _report(frames: Any, reported: int, progress: Callable[[int], None]) -> int:
    """Pass on the frames rendered since `reported`; returns the new total."""
    total = int(frames.value)
    if total > reported:
        progress(total - reported)
    return total


_worker_frames: Any = None
_worker_busy = False


def worker_busy() -> bool:
    """In a worker process: whether it is exporting now (a stop then has cleaning up to do)."""
    return _worker_busy


def _start_worker(frames: Any, setup: Callable[[], None] | None) -> None:
    global _worker_frames
    _worker_frames = frames
    if setup is not None:
        setup()


def _export_item(
    item: BatchItem,
    options: RenderOptions,
    settings: FileSettings,
    force: bool,
    length: float | None,
    captions: str | None,
    narrator: NarratorChoice | None = None,
) -> tuple[str | None, float | None]:
    """Runs in a worker: the error message (None when the file was written) and the
    loudness written."""
    from player.output.export import export, write_captions
    from player.prepare.unfolding import prepare_narrated, spoken_timeline

    global _worker_busy
    assert _worker_frames is not None
    counter = _worker_frames

    def report(count: int) -> None:
        with counter.get_lock():
            counter.value += count

    _worker_busy = True
    try:
        narrated = prepare_narrated(item.session, narrator)
        timeline, plan = spoken_timeline(narrated, length)
        result = export(
            timeline, item.target, options=options, settings=settings, force=force,
            progress=report, plan=plan, narrator=narrated.credit,
        )  # fmt: skip
        if captions:
            write_captions(timeline, item.target.with_suffix(f".{captions}"), captions, force=force)
    except MeditateError as error:
        return str(error), None
    except KeyboardInterrupt:
        # Ctrl-C or SIGTERM: the partial file is already removed. A worker that ends by
        # SystemExit ends quietly; one that ends by KeyboardInterrupt prints a traceback.
        raise SystemExit(130) from None
    finally:
        _worker_busy = False
    return None, result.loudness
