"""Square cover art for podcast directories, which ask for 1400 to 3000 pixels a side.

ffmpeg (a separate process, as for all audio) scales the image to fill the square, crops what
overflows evenly from both sides, and writes a JPEG: small, and read everywhere.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from player.common.errors import MeditateError
from player.common.files import atomic_output
from player.common.images import NotAnImage, image_info
from player.common.paths import bundled_audio_dir
from player.common.programs import FFMPEG_INSTALL_HINT

MIN_SIDE = 1400
MAX_SIDE = 3000
BUNDLED_COVER = "cover-1400.png"  # the default cover, drawn at podcast size


def bundled_cover() -> Path:
    return bundled_audio_dir() / BUNDLED_COVER


def square_side(width: int, height: int) -> int:
    """The side of the square cover made from an image: its short side, within 1400-3000."""
    return min(max(min(width, height), MIN_SIDE), MAX_SIDE)


def write_square_cover(source: Path, target: Path, *, force: bool) -> int:
    """Write `source` (PNG or JPEG) as a square JPEG cover at `target`; returns its side."""
    try:
        info = image_info(source.read_bytes())
    except OSError as error:
        raise MeditateError(f"cover {source}: cannot be read ({error.strerror})") from None
    except NotAnImage as error:
        raise MeditateError(f"cover {source}: cannot be used: {error}") from None
    side = square_side(info.width, info.height)
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise MeditateError(FFMPEG_INSTALL_HINT)
    fill = f"scale={side}:{side}:force_original_aspect_ratio=increase:flags=lanczos"
    with atomic_output(target, force=force) as partial:
        done = subprocess.run(
            [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", str(source),
             "-vf", f"{fill},crop={side}:{side},format=yuvj444p", "-frames:v", "1",
             "-q:v", "2", "-fflags", "+bitexact", "-f", "image2", "-c:v", "mjpeg",
             "-update", "1", str(partial)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            reason = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
            raise MeditateError(f"cover {source}: ffmpeg could not convert it: {reason[0]}")
    return side
