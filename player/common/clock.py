"""The current time, which tests and back-dated logs can set with MEDITATE_NOW."""

from __future__ import annotations

import datetime
import os

from player.common.errors import MeditateError


def now() -> datetime.datetime:
    """Local, timezone-aware now; MEDITATE_NOW (ISO 8601, e.g. 2026-11-25T07:30) overrides it."""
    override = os.environ.get("MEDITATE_NOW", "").strip()
    if not override:
        return datetime.datetime.now().astimezone()
    try:
        moment = datetime.datetime.fromisoformat(override)
    except ValueError:
        raise MeditateError(
            f"MEDITATE_NOW={override!r}: expected an ISO date and time such as 2026-11-25T07:30"
        ) from None
    return moment if moment.tzinfo else moment.astimezone()
