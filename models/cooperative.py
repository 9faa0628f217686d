"""PostgreSQL connections that wait for the server by switching greenlets, when the current greenlet can.

The webhook runs each batch of messages in a greenlet on the event loop (bot/batches.py): such a greenlet carries
a socket waiter that lets the loop run until the socket is ready. Everywhere else (threads, the command line) a
connection waits as psycopg's own does.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

import greenlet
import psycopg
from psycopg.waiting import Ready, Wait

from models.wire import Wire

# The attribute of a greenlet that waits cooperatively: called with the socket and what psycopg waits for, it
# returns what the socket is ready for, having let other work run meanwhile.
WAIT_ATTRIBUTE = "wait_for_socket"
SocketWaiter = Callable[[int, Wait], Ready]


class CooperativeConnection(psycopg.Connection):
    """A psycopg connection whose waits go through the current greenlet's socket waiter, when it has one; with a
    Wire of its own (models/wire.py)."""

    @cached_property
    def wire(self) -> Wire:
        """Its statements sent on libpq, and the ones it prepared."""
        return Wire(self)

    def wait(self, gen, interval: float = 0.1, timeout: float | None = None):
        """Drive one of psycopg's generators to its end (a wait with a timeout, a cancellation's, waits as usual)."""
        waiter: SocketWaiter | None = getattr(greenlet.getcurrent(), WAIT_ATTRIBUTE, None)
        if waiter is None or timeout is not None:
            return super().wait(gen, interval=interval, timeout=timeout)
        socket = self.pgconn.socket
        try:
            state = next(gen)
            while True:
                state = gen.send(waiter(socket, state))
        except StopIteration as done:
            return done.value
