"""The programs meditate runs as separate processes, and how to install each when missing."""

from __future__ import annotations

FFMPEG_INSTALL_HINT = "ffmpeg not found: install it (Debian: sudo apt-get install ffmpeg)"
