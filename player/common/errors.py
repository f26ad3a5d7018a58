"""The one exception type for failures the user caused and can fix."""

from __future__ import annotations


class MeditateError(Exception):
    """A failure the user caused and can fix. Its message is one line, shown without a traceback."""
