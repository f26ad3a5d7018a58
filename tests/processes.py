"""What tests see of other processes."""

from __future__ import annotations

import time
from pathlib import Path


def gone(pid: int, seconds: float = 10.0) -> bool:
    """Whether process `pid` ends within `seconds` (a zombie waiting for its reaper counts as
    ended)."""
    for _ in range(round(seconds * 10)):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False
