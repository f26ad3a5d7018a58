"""Sounds made ahead in a background thread: the same values, errors where they are taken."""

from __future__ import annotations

import threading

import pytest

from player.sound.prefetch import Prefetch


def test_a_value_asked_for_ahead_is_made_in_another_thread_and_taken_once() -> None:
    threads: list[str] = []

    def make() -> int:
        threads.append(threading.current_thread().name)
        return 7

    ahead: Prefetch[int] = Prefetch()
    ahead.ask("clip", make)
    assert ahead.take("clip", make) == 7
    assert threads == [threads[0]] and threads[0] != threading.current_thread().name
    assert ahead.take("clip", lambda: 8) == 8  # taken: made again here


def test_an_error_is_raised_where_the_value_is_taken() -> None:
    def broken() -> int:
        raise ValueError("cannot decode clip.ogg")

    ahead: Prefetch[int] = Prefetch()
    ahead.ask("clip", broken)
    with pytest.raises(ValueError, match=r"cannot decode clip\.ogg"):
        ahead.take("clip", broken)


def test_a_value_never_taken_makes_way_for_a_new_one() -> None:
    ahead: Prefetch[int] = Prefetch(limit=1)
    ahead.ask(0, lambda: 0)
    ahead._futures[0].result(timeout=60)  # made; the listener skips it
    ahead.ask(1, lambda: 1)
    assert ahead.take(1, lambda: -1) == 1
    assert ahead.take(0, lambda: -1) == -1  # dropped: made here if ever needed


def test_no_more_than_the_limit_is_made_at_once() -> None:
    release = threading.Event()
    ahead: Prefetch[int] = Prefetch(limit=1)
    ahead.ask(0, lambda: int(release.wait(60)) - 1)
    ahead.ask(1, lambda: 1)  # the first is still being made: not asked
    release.set()
    assert ahead.take(0, lambda: -1) == 0
    assert ahead.take(1, lambda: -1) == -1
