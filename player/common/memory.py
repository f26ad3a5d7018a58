"""How the process takes memory from the system.

glibc's malloc gives each thread that allocates its own arena, and memory freed into one
arena serves only the threads that use it: the renderer's thread, the clip decoder's and the
main thread each keep their own freed blocks, and the process holds all of them (15 MB more at
the peak of a sitting, measured by benchmarks/rss.py). One arena for every thread lets each
reuse what the others freed; the threads here allocate seldom enough not to wait on it.
"""

from __future__ import annotations

import ctypes
import sys

_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


def one_arena() -> None:
    """Make every thread allocate from one arena (glibc); elsewhere, nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no C library to ask, or not one that has it
        return
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt(_M_ARENA_MAX, 1)
