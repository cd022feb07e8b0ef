"""Run a call under a generous wall-clock cap, so a hang fails the test instead of the suite.

This is not a timing assertion: the cap is orders of magnitude above the normal cost and only
catches work that never ends (catastrophic regex backtracking, an unbounded loop).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

HANG_SECONDS = 30.0


def finishes(call: Callable[[], T], *, seconds: float = HANG_SECONDS, what: str = "the call") -> T:
    """`call()`'s result or exception; AssertionError if it is still running after `seconds`."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:
            failure.append(exc)

    # A daemon thread: if it really hangs, it must not keep the test process alive at exit.
    worker = threading.Thread(target=run, name="hostile: guarded call", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise AssertionError(f"{what} did not finish within {seconds:.0f} s (a hang)")
    if failure:
        raise failure[0]
    return outcome[0]
