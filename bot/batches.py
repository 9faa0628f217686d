"""Batches of messages run in greenlets on the event loop: the loop serves other requests while PostgreSQL works.

A batch's handlers are plain synchronous code. Run in a `BatchGreenlet`, each wait for the database socket
(models/cooperative.py) switches back to the loop, and the loop switches in again once the socket is ready:
no thread hand-over, so no GIL round trip at every statement (bench/README.md, issue 17).
"""

from __future__ import annotations

import asyncio
import select
from collections.abc import Callable
from typing import TypeVar

import greenlet
from psycopg.waiting import Ready, Wait
from sqlalchemy import Connection, Engine

from models.cooperative import WAIT_ATTRIBUTE

T = TypeVar("T")


class BatchGreenlet(greenlet.greenlet):
    """Runs `run` on the loop's thread; started (`switch`) from a loop callback, never from another batch."""

    def __init__(self, run: Callable[..., None], loop: asyncio.AbstractEventLoop):
        super().__init__(run, parent=greenlet.getcurrent())
        self.loop = loop
        setattr(self, WAIT_ATTRIBUTE, self._wait_for_socket)

    def call_in_thread(self, function: Callable[[], T]) -> T:
        """`function()` in the loop's default executor, this batch waiting for it without holding up the loop."""
        future = self.loop.run_in_executor(None, function)
        future.add_done_callback(self.switch)
        done = self.parent.switch()
        return done.result()

    def _wait_for_socket(self, fileno: int, state: Wait) -> Ready:
        ready_now = _ready_now(fileno, state)
        if ready_now:
            return ready_now  # writing nearly always can go on at once: a loop round trip would cost more
        loop = self.loop

        def ready(flag: Ready) -> None:
            if state & Wait.R:
                loop.remove_reader(fileno)
            if state & Wait.W:
                loop.remove_writer(fileno)
            self.switch(flag)

        if state & Wait.R:
            loop.add_reader(fileno, ready, Ready.R)
        if state & Wait.W:
            loop.add_writer(fileno, ready, Ready.W)
        return self.parent.switch()


def checkout(db: Engine) -> Connection:
    """A pooled connection. In a batch, one that must be opened first is opened in a thread: connecting does not go
    through the cooperative wait, and an unreachable server must not stall every webhook request."""
    current = greenlet.getcurrent()
    if isinstance(current, BatchGreenlet) and not db.pool.checkedin():
        return current.call_in_thread(db.connect)
    return db.connect()


def _ready_now(fileno: int, state: Wait) -> Ready:
    """What the socket is ready for right now (a zero-timeout poll), of what `state` waits for."""
    poller = select.poll()
    poller.register(fileno, (select.POLLIN if state & Wait.R else 0) | (select.POLLOUT if state & Wait.W else 0))
    events = poller.poll(0)
    if not events:
        return Ready.NONE
    mask = events[0][1]
    if mask & (select.POLLERR | select.POLLHUP):
        return Ready(state)  # psycopg finds out what went wrong
    return Ready((Ready.R if mask & select.POLLIN else 0) | (Ready.W if mask & select.POLLOUT else 0))
