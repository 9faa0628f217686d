"""Messages waiting in the inbox for their batch, and how each waiting request is given its outcome."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.protocol import Inbound

Outcome = str | None | Exception  # a reply, or what went wrong with that message alone


@dataclass(eq=False)
class Arrival:
    """A message handed over by the webhook, when (monotonic seconds), and the future its request awaits."""

    inbound: Inbound
    at: float
    future: asyncio.Future | None = None


def settle_replies(batch: list[Arrival], outcomes: list[Outcome]) -> None:
    """Each request gets its own outcome: a reply, or its own error."""
    for arrival, outcome in zip(batch, outcomes, strict=True):
        future = arrival.future
        if future is None or future.done():  # a request whose client went away is cancelled
            continue
        if isinstance(outcome, Exception):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


def settle_error(batch: list[Arrival], exc: BaseException) -> None:
    """Every request of the batch gets the same error."""
    for arrival in batch:
        if arrival.future is not None and not arrival.future.done():
            arrival.future.set_exception(exc)


def settle(batch: list[Arrival], done: asyncio.Task) -> None:
    """Settle the batch from the task that handled it."""
    if done.cancelled():
        settle_error(batch, asyncio.CancelledError())
    elif done.exception() is not None:
        settle_error(batch, done.exception())
    else:
        settle_replies(batch, done.result())
