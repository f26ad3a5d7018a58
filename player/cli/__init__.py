"""The `meditate` command line: thin commands over the layers below."""

import os

# numpy's OpenBLAS starts a thread per core as numpy is imported, which costs a busy machine
# tens of milliseconds before the first sound; nothing here multiplies matrices.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from player.cli.app import main

__all__ = ["main"]
