"""Builds the manual page meditate(1) from the Click commands as the wheel is built, and ships
it as share/man/man1/meditate.1 (tools/manpage.py writes it)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class ManualPage(BuildHookInterface):
    PLUGIN_NAME = "manual-page"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="meditate-man-"))
        root = str(Path(self.root).resolve())
        sys.path.insert(0, root)
        try:
            from tools.manpage import write

            page = write(self.work / "meditate.1")
        finally:
            sys.path.remove(root)
        build_data["shared_data"][str(page)] = "share/man/man1/meditate.1"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
