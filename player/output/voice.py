"""Her copy of a session and the takes beside it: what `meditate record` writes.

A bundled session is copied into your sessions folder at the first kept take (the copy hides
the bundled one, as any same-named session of yours does); your own sessions are edited where
they are. Each take is a FLAC file in `<session name>/voice/` beside the script. Both are
written atomically, the take first and then the script, so a script never names a take that
is not there, whenever the writing stops.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.common.errors import MeditateError
from player.common.files import atomic_output, write_file
from player.common.paths import bundled_sessions_dir, user_sessions_dir
from player.output.encoder import open_encoder
from player.session.edit import EditError, Said, narrations, set_clips
from player.session.recording import VOICE_FOLDER, Line, clip_written


class SessionCopy:
    """Where takes of one session go, and the script that names them."""

    def __init__(self, source: Path, target: Path) -> None:
        self.source = source  # the script recorded from
        self.target = target  # the script her takes are written into
        self.voice_folder = target.parent / target.stem / VOICE_FOLDER

    @classmethod
    def of(cls, session_path: Path) -> SessionCopy:
        """A bundled session goes to a copy in your sessions folder; any other is edited."""
        if _inside(session_path, bundled_sessions_dir()):
            return cls(session_path, user_sessions_dir() / session_path.name)
        return cls(session_path, session_path)

    @property
    def copying(self) -> bool:
        return self.source != self.target

    def check_writable(self) -> None:
        """Fail now, not after the first take, when the takes could not be saved."""
        if self.copying and self.target.exists():
            raise MeditateError(
                f"you have your own {self.target.stem} already ({self.target}): "
                f"record into it with  meditate record {self.target.stem}"
            )
        folder = self.voice_folder
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not os.access(folder, os.W_OK) or (
            self.target.exists() and not os.access(self.target, os.W_OK)
        ):
            raise MeditateError(
                f"cannot write beside {self.target}: permission denied "
                "(fix the folder's permissions, or copy the session somewhere you can write)"
            )

    def written(self, line: Line) -> str:
        """How the script names this line's take."""
        return clip_written(self.target.stem, line.file_name)

    def keep(self, line: Line, samples: np.ndarray) -> Path:
        """Save a take of `line` and point every step that says it at the take. A take of the
        line saved before is replaced. Raises MeditateError (the disk full, the script
        changed meanwhile); what was kept before stays as it was."""
        clip = self.voice_folder / line.file_name
        try:
            self.voice_folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise MeditateError(f"cannot create {self.voice_folder}: {error.strerror}") from None
        with (
            atomic_output(clip, force=True) as partial,
            open_encoder(
                partial, "flac", sample_rate=SAMPLE_RATE, channels=1, name=str(clip)
            ) as encoder,
        ):
            encoder.write(samples.astype("<i2").tobytes())
        self._point_at(line, self.written(line))
        return clip

    def _point_at(self, line: Line, written: str) -> None:
        exists = self.target.exists()
        script = self.target if exists else self.source
        data = script.read_bytes()
        bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
        text = data[len(bom) :].decode("utf-8")
        said = narrations(text)
        for ordinal in line.ordinals:
            now = said[ordinal] if ordinal < len(said) else None
            if now is None or not _still_says(now, line, written):
                raise MeditateError(
                    f"{script} changed while recording (line {line.number} is not where it "
                    "was): your takes so far are kept; run meditate record again"
                )
        try:
            edited = set_clips(text, dict.fromkeys(line.ordinals, written))
        except EditError as error:
            raise MeditateError(f"cannot point {script} at the new take: {error}") from None
        write_file(self.target, bom + edited.encode("utf-8"), force=exists)


def _still_says(now: Said, line: Line, written: str) -> bool:
    """The step is still the one planned: it names the clip it did (or the take), and a
    draft still says the same words."""
    if now.clip not in (line.clip, written):
        return False
    return line.clip is not None or _words(now.text) == _words(line.text)


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False
