"""The `meditate` command line: thin commands over the layers below."""

import os

# numpy's OpenBLAS starts a thread per core as numpy is imported, which costs a busy machine
# tens of milliseconds before the first sound; nothing here multiplies matrices.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from player.common.memory import one_arena

one_arena()  # before any thread starts: see player/common/memory.py

from player.cli.app import main  # noqa: E402

__all__ = ["main"]
