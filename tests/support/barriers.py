"""Barriers: wait for a condition to hold (polling), never for a fixed time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def until(condition: Callable[[], T], timeout: float = 10.0, step: float = 0.05) -> T:
    """The first true value of condition(), polled every `step` seconds; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := _check(condition, deadline, timeout)):
        time.sleep(step)
    return value


def serving(server, thread, what: str) -> bool:
    """Whether a uvicorn server running in `thread` has started; RuntimeError once the thread has died."""
    if not thread.is_alive():
        raise RuntimeError(f"{what} did not start")
    return server.started


async def until_async(condition: Callable[[], T], timeout: float = 10.0, step: float = 0.02) -> T:
    """`until` for a coroutine: polls with asyncio.sleep, so the event loop goes on meanwhile."""
    deadline = time.monotonic() + timeout
    while not (value := _check(condition, deadline, timeout)):
        await asyncio.sleep(step)
    return value


def _check(condition: Callable[[], T], deadline: float, timeout: float) -> T:
    """condition()'s value; AssertionError when it is still false past the deadline."""
    if not (value := condition()) and time.monotonic() > deadline:
        raise AssertionError(f"not true within {timeout}s")
    return value
