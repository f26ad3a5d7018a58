"""Files that appear whole or not at all, and never replace a file unasked.

Every file meditate writes goes through `atomic_output` (or `write_file`, its one-call form):
exports, plots, new sessions, cached measurements, bells and speech. The practice log is the
one exception: it is an SQLite database, which keeps itself consistent.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shlex
import time
from collections.abc import Iterator
from pathlib import Path

from player.common.errors import MeditateError

_MARK = ".meditate-partial"
# .{target name}.{writer's pid}-{random}.meditate-partial{suffix}
_PARTIAL = re.compile(r"\..+\.(?P<pid>\d+)-[0-9a-f]{8}" + re.escape(_MARK) + r"(\.[^.]*)?")
STALE_AFTER_SECONDS = 24 * 60 * 60
NAME_MAX = 255  # bytes in a file name, on every common file system
# What link() says where a file system has no hard links.
_NO_HARD_LINKS = frozenset(
    {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS}
)


@contextlib.contextmanager
def atomic_output(target: Path, *, force: bool) -> Iterator[Path]:
    """Yield a hidden temporary path beside `target`; move it into place if the block succeeds.

    Without `force` an existing `target` is an error, checked before the block runs and again
    at the move, which never replaces a file that appeared meanwhile. If the block raises
    (KeyboardInterrupt too), the temporary file is removed and `target` is left untouched.
    """
    _check_target(target, force=force)
    clean_stale_partials(target.parent)
    partial = _create_partial(target)
    try:
        yield partial
        _move_into_place(partial, target, force=force)
    except OSError as error:
        _remove(partial)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise MeditateError(f"disk full while writing {target}") from error
        if error.errno == errno.EFBIG:
            raise MeditateError(f"file size limit reached while writing {target}") from error
        raise
    except BaseException:
        _remove(partial)
        raise


def clean_stale_partials(folder: Path) -> list[Path]:
    """Remove temporary files that interrupted exports left in `folder`; return them.

    A temporary file is stale when the process that wrote it is gone, or it is over a day old.
    """
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _PARTIAL.fullmatch(entry.name)
        if not match:
            continue
        try:
            age = now - entry.lstat().st_mtime
        except FileNotFoundError:
            continue
        if age < STALE_AFTER_SECONDS and process_alive(int(match["pid"])):
            continue
        with contextlib.suppress(FileNotFoundError, PermissionError):
            entry.unlink()
            removed.append(entry)
    return removed


def write_file(target: Path, content: bytes | str, *, force: bool) -> None:
    """Write `content` (text as UTF-8) to `target` atomically; see `atomic_output`."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_output(target, force=force) as partial:
        partial.write_bytes(data)


def _check_target(target: Path, *, force: bool) -> None:
    folder = target.parent
    size = len(target.name.encode("utf-8"))
    if size > NAME_MAX:
        raise MeditateError(
            f"cannot write {target}: its name is {size} bytes long, and a file name holds at "
            f"most {NAME_MAX}: choose a shorter name"
        )
    if target.is_dir():
        raise MeditateError(f"{target} is a folder: give the name of a file to write")
    if os.path.lexists(target) and not force:
        raise _exists(target)
    if not folder.exists():
        raise MeditateError(missing_folder(folder))
    if not folder.is_dir():
        raise MeditateError(f"{folder} is not a folder: choose another place for {target.name}")


def shortened(name: str, limit: int) -> str:
    """`name` cut to at most `limit` bytes of UTF-8, at a character's boundary."""
    return name.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def _create_partial(target: Path) -> Path:
    token = secrets.token_hex(4)
    tail = f".{os.getpid()}-{token}{_MARK}{target.suffix}"
    # as long a name as the target's would not fit: the partial keeps what of it fits
    name = shortened(target.name, NAME_MAX - 1 - len(tail.encode("utf-8")))
    partial = target.with_name(f".{name}{tail}")
    folder = target.parent
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except PermissionError:
        raise MeditateError(
            f"cannot write in folder {folder}: permission denied "
            "(choose another folder or fix its permissions)"
        ) from None
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise MeditateError(f"disk full while writing {target}") from None
        raise MeditateError(
            f"cannot write in folder {folder}: {error.strerror} (choose another folder)"
        ) from None
    return partial


def _move_into_place(partial: Path, target: Path, *, force: bool) -> None:
    if force:
        os.replace(partial, target)
        return
    try:
        os.link(partial, target)
    except FileExistsError:
        raise _exists(target) from None
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        _claim_then_replace(partial, target)
        return
    os.unlink(partial)


def _claim_then_replace(partial: Path, target: Path) -> None:
    """Without hard links: claim the name with O_EXCL, then replace our own empty claim."""
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileExistsError:
        raise _exists(target) from None
    try:
        os.replace(partial, target)
    except BaseException:
        _remove(target)
        raise


def missing_folder(folder: Path) -> str:
    """What to say, and what to run, when the folder to write in does not exist."""
    return f"folder {folder} does not exist: create it with  mkdir -p {shlex.quote(str(folder))}"


class OutputExists(MeditateError):
    """The file to write exists and may not be replaced; `path` names it."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} exists: use --force to replace it")
        self.path = path


def _exists(target: Path) -> OutputExists:
    return OutputExists(target)


def process_alive(pid: int) -> bool:
    """Whether a process `pid` runs on this machine (whoever owns it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
