"""`meditate publish`: sessions as a podcast feed and a web page in a folder, kept up to date."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.shell_completion import CompletionItem

from player.cli.exits import EXIT_INTERRUPTED, EXIT_USER_ERROR
from player.cli.params import BITRATE, DecibelsParam
from player.common.errors import MeditateError

if TYPE_CHECKING:
    from player.output.batch import BatchOutcome
    from player.output.publish.publish import Report
    from player.output.publish.settings import PublishSettings


class _Checked(click.ParamType):
    """A value checked by one of publish's own checks (shared with publish.yaml)."""

    def __init__(self, name: str, check_name: str) -> None:
        self.name = name
        self.check_name = check_name

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from player.output.publish import settings

        try:
            return str(getattr(settings, self.check_name)(str(value)))
        except ValueError as error:
            self.fail(str(error), param, ctx)


def _complete_sessions(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    from player.session.library import discover

    return [CompletionItem(e.name) for e in discover() if e.name.startswith(incomplete)]


@click.command("publish")
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("names", nargs=-1, metavar="[SESSION]...", shell_complete=_complete_sessions)
@click.option("--all", "publish_all", is_flag=True, help="Publish every visible session.")
@click.option(
    "--base-url",
    type=_Checked("url", "base_url"),
    metavar="URL",
    help="Where the folder will be served, e.g. https://example.org/meditations/.",
)
@click.option("--title", type=_Checked("text", "text"), help="The podcast's title.")
@click.option("--author", type=_Checked("text", "text"), help="Who makes it.")
@click.option(
    "--description", type=_Checked("text", "text"), help="What it is, in a sentence or two."
)
@click.option(
    "--owner-name",
    type=_Checked("text", "text"),
    metavar="NAME",
    help="Who podcast directories write to about it (itunes:owner).",
)
@click.option(
    "--owner-email",
    type=_Checked("email", "email"),
    metavar="EMAIL",
    help="Their email address, which directories check ownership by.",
)
@click.option(
    "--cover",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Cover art (PNG or JPEG); made square, 1400 to 3000 pixels a side.",
)
@click.option(
    "--language",
    type=_Checked("code", "language"),
    help="Its language, e.g. en or de [the sessions' language: when they share one, else en].",
)
@click.option(
    "--explicit/--clean", default=None, help="Whether podcast apps mark it explicit [clean]."
)
@click.option("--bitrate", type=BITRATE, help="Bit rate of the MP3s [128k].")
@click.option(
    "--loudness", type=DecibelsParam(-40, -5), metavar="LUFS", help="Loudness target [-16]."
)
@click.option(
    "--voice",
    type=_Checked("engine[:voice]", "voice"),
    metavar="ENGINE[:VOICE]",
    help="Speak every session's narration with this voice (none: their own clips) [none].",
)
@click.option(
    "--recorded",
    type=click.Choice(["keep", "replace"]),
    help="With --voice: keep the lines you recorded yourself, or speak them too [keep].",
)
@click.option(
    "--prune", is_flag=True, help="Remove the episodes, and their files, of sessions not named now."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    help="Sessions exported at once (default: the number of cores).",
)
@click.option(
    "--force", is_flag=True, help="Replace files in the folder that publish did not write."
)
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
def publish(
    folder: Path,
    names: tuple[str, ...],
    publish_all: bool,
    prune: bool,
    jobs: int | None,
    force: bool,
    quiet: bool,
    **given: Any,
) -> None:
    """Publish sessions as a podcast: MP3s, a feed and a web page in FOLDER.

    Upload the folder to any web server or static host, at the address given by
    --base-url, and subscribe to its feed.xml in a podcast app. Options are
    remembered in FOLDER/publish.yaml, so running it again needs none: only
    sessions whose script, sounds or options changed are exported again.
    Episodes of sessions no longer named stay until --prune; files that
    publish did not write are never replaced (without --force) or deleted.
    --voice narrates every session with one voice (your own recordings kept
    unless --recorded replace); --voice none goes back to their own clips.

    \b
    Example:
      meditate publish site --all --base-url https://example.org/meditations/
      meditate publish site
      meditate publish site grounding three-breaths --prune
      meditate publish site --voice festival
    """
    from player.cli.signals import sigterm_as_keyboard_interrupt
    from player.output.publish.settings import ALL, PublishSettings, read_settings

    sigterm_as_keyboard_interrupt()
    if names and publish_all:
        raise click.UsageError("name sessions or give --all, not both")
    if folder.exists() and not folder.is_dir():
        raise MeditateError(f"{folder} is not a folder: choose a folder to publish into")
    _check_names(names)  # before anything is written or remembered
    selection = ALL if publish_all else tuple(_remembered_form(n) for n in names) or None
    if given["cover"] is not None:
        given["cover"] = given["cover"].absolute()
    recorded = given.pop("recorded")
    given["replace_recorded"] = None if recorded is None else recorded == "replace"
    asked = PublishSettings(sessions=selection, **{k: v for k, v in given.items() if v is not None})
    settings = read_settings(folder).merged(asked)
    if settings.sessions is None:
        raise click.UsageError("name the sessions to publish, or give --all")
    try:
        _publish(folder, settings, prune, jobs, force, quiet)
    except KeyboardInterrupt:
        click.echo(
            "meditate: publish interrupted; the feed names only complete files. Run it again "
            "to finish: what was exported is kept.",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)


def _check_names(names: tuple[str, ...]) -> None:
    """Refuse a run that names a session that does not exist, saying each one."""
    from player.session.library import discover, resolve

    entries = discover() if names else ()
    unknown: list[str] = []
    for name in names:
        try:
            resolve(name, entries)
        except MeditateError as error:
            unknown.append(str(error))
    if not unknown:
        return
    for line in unknown[:-1]:
        click.echo(f"meditate: {line}", err=True)
    raise MeditateError(f"{unknown[-1]}; nothing was published")


def _remembered_form(name: str) -> str:
    """A session as publish.yaml keeps it: its name, or the full path to its file."""
    from player.session.library import looks_like_path

    return str(Path(name).expanduser().absolute()) if looks_like_path(name) else name


def _publish(
    folder: Path, settings: PublishSettings, prune: bool, jobs: int | None, force: bool,
    quiet: bool,
) -> None:  # fmt: skip
    from player.cli.progress import frames_progress
    from player.cli.signals import stop_worker_once
    from player.output.export import LOUDNESS_TOLERANCE
    from player.output.publish.publish import plan_publish, run_publish
    from player.output.publish.settings import ALL, DEFAULT_LOUDNESS
    from player.session.library import discover, resolve

    sessions: list[tuple[str, Path]] = []
    missing: list[tuple[str, str]] = []
    if settings.sessions == ALL:
        sessions = [(entry.name, entry.path) for entry in discover()]
    else:
        for name in settings.sessions or ():
            try:
                path = resolve(name)
            except MeditateError as error:
                missing.append((Path(name).stem, f"meditate: {error}"))
                continue
            sessions.append((path.stem, path))
    plan = plan_publish(folder, settings, sessions, prune=prune, force=force, missing=missing)
    for _, problem in plan.problems:
        click.echo(problem, err=True)
    for note in plan.notes:
        click.echo(note, err=True)
    show_bar = not quiet and sys.stderr.isatty()
    target = settings.loudness or DEFAULT_LOUDNESS

    def finished(outcome: BatchOutcome) -> None:
        name = outcome.item.name
        if outcome.error:
            click.echo(f"meditate: {name}: {outcome.error}", err=True)
            return
        reached = outcome.loudness
        if reached is not None and abs(reached - target) > LOUDNESS_TOLERANCE:
            click.echo(
                f"meditate: {name}: reached {reached:.1f} LUFS, not {target:g}: its peaks are at "
                "the ceiling",
                err=True,
            )
        if not quiet and not show_bar:
            loudness = f" ({reached:.1f} LUFS)" if reached is not None else ""
            click.echo(f"Exported {name}{loudness}")

    exporting = sum(1 for entry in plan.entries if entry.action == "export")
    label = f"Exporting {exporting} of {len(plan.entries)} sessions"
    with frames_progress(plan.frames, label, enabled=show_bar) as advance:
        report = run_publish(
            plan, jobs=jobs or os.cpu_count() or 1, progress=advance, finished=finished,
            worker_setup=stop_worker_once,
        )  # fmt: skip
    if not quiet:
        _summary(folder, report)
    if report.failed:
        sys.exit(EXIT_USER_ERROR)


def _summary(folder: Path, report: Report) -> None:
    counts = [
        (len(report.exported), "exported"),
        (len(report.reused), "finished earlier"),
        (len(report.unchanged), "unchanged"),
        (len(report.failed), "failed"),
        (len(report.pruned), "removed"),
    ]
    done = ", ".join(f"{count} {what}" for count, what in counts if count)
    plural = "" if report.episodes == 1 else "s"
    click.echo(f"Published {report.episodes} episode{plural} in {folder}: {done or 'no changes'}")
    if report.kept:
        click.echo(
            f"Still published, though not named: {', '.join(report.kept)} (--prune removes them)"
        )
    click.echo(f"Feed: {report.feed_url}")
    click.echo(f"Page: {report.page_url}")
