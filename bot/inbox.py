"""Messages in batches: one transaction each, on the loop (SQLite) or in a greenlet on it (PostgreSQL); never lost."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING

import anyio
from sqlalchemy import Connection
from sqlalchemy import Engine as DbEngine
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

from bot import late, spool
from bot.answering import Answerer, HandlerFailed
from bot.arrivals import Arrival, Outcome, settle, settle_error, settle_replies
from bot.batches import BatchGreenlet, checkout
from bot.dialogue import Engine, texts
from bot.late import Answer
from bot.protocol import Inbound, RequestStamp
from bot.villages import VillageIndex
from models.db import is_sqlite, never_wait_for_lock, utcnow, wait_for_lock
from models.sql import Sql
from town.settings import Settings

if TYPE_CHECKING:
    from bot.risk import RiskContext

log = logging.getLogger(__name__)
SQLITE_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
IN_FAILED_TRANSACTION = "25P02"  # PostgreSQL: a statement after a failed one in the same transaction
# The outbox worker's claim holds the write lock for a millisecond or so: a batch that meets it waits a few
# milliseconds on the loop (which serves others meanwhile) rather than 10-80 ms in a thread (bench/webhook.py).
LOCK_TRIES_ON_LOOP = 4
LOCK_RETRY_S = 0.002
# Of the reply deadline, the share a message may spend waiting for another process's SQLite write lock (counted
# from its arrival); the rest is for the handler, or for the spool's fsync, and for the way back.
LOCK_WAIT_SHARE = 0.6
# PostgreSQL: batches handled at once per web worker, each in a greenlet on a connection of its own. With two,
# batches average ~5 messages at c=16: one COMMIT serves them all (bench/README.md). More web workers add more.
DB_BATCHES = 2
MAX_BATCH = 64


def _sqlite_busy(exc: Exception) -> bool:
    """SQLITE_BUSY/LOCKED, raised by the driver directly (our BEGIN) or wrapped by SQLAlchemy."""
    return getattr(getattr(exc, "orig", exc), "sqlite_errorcode", None) in SQLITE_BUSY_CODES


class LockBusy(Exception):
    """Another process holds SQLite's write lock: handle this message in a thread, not on the loop."""


class Inbox:
    """The unit of database work behind the webhook: each message stored, deduped and answered atomically.

    On SQLite the work runs on the event loop: it takes ~0.1 ms, and a hop to a worker thread would cost more
    than the work (bench/webhook.py). Messages that arrive in the same loop tick share one transaction and one
    commit (group commit); each keeps its own claim and its own handler savepoint, and no reply leaves before
    the commit. If another connection holds the write lock, the batch is tried again on the loop a few times
    within ~20 ms (joined by what arrives meanwhile), then waits in a thread, but only as long as its reply
    deadline allows: past that it is spooled (bot/spool.py) and answered. A batch that fails for any other
    reason is tried again one message at a time, so one bad message fails only itself.
    On PostgreSQL a batch runs in a greenlet on the loop (bot/batches.py), which serves other requests while the
    database works; what arrives while DB_BATCHES batches run waits for the next free slot as one batch: under
    load one checkout, one BEGIN and one durable COMMIT serve many messages (bench/README.md).
    """

    def __init__(
        self,
        db: DbEngine,
        settings: Settings,
        dialogue: Engine,
        villages: VillageIndex,
        clock: Callable[[], dt.datetime] = utcnow,
        risk: RiskContext | None = None,
    ):
        self.db = db
        self.settings = settings
        self.answerer = Answerer(settings, dialogue, villages, risk)
        self.clock = clock
        self.on_loop = is_sqlite(db)
        self.limiter = anyio.CapacityLimiter(1)  # SQLite: the batches that wait for the write lock
        self._closed = False
        self._batches_running = 0  # PostgreSQL: batches in greenlets
        self._openids_running: Counter[str] = Counter()  # openids of the batches in greenlets
        self._loop_connection: Connection | None = None
        self._waiting: list[Arrival] = []
        self._fallbacks: set[asyncio.Task] = set()
        self._lock_tries = 0

    async def handle(self, inbound: Inbound) -> str | None:
        """The reply text for a message, or None for "success"."""
        arrival = Arrival(inbound, time.monotonic())
        loop = asyncio.get_running_loop()
        arrival.future = loop.create_future()
        self._waiting.append(arrival)
        if len(self._waiting) == 1:
            loop.call_soon(self._run_waiting if self.on_loop else self._dispatch_waiting)
        return await arrival.future

    def close(self) -> None:
        """Take no more batches; discard the loop's connection: its busy_timeout of 0 must never reach the pool."""
        self._closed = True
        if self._loop_connection is not None:
            self._loop_connection.invalidate()
            self._loop_connection.close()
            self._loop_connection = None

    def _run_waiting(self) -> None:
        """Handle everything that arrived this tick in one transaction, then release the replies."""
        batch, self._waiting = self._waiting, []
        if not batch:
            return
        try:
            replies = self._handle_batch(batch, on_loop=True)
        except LockBusy:
            if self._lock_tries < LOCK_TRIES_ON_LOOP:
                self._lock_tries += 1
                # Messages arriving before the retry join this batch: it is first in line, so nobody schedules.
                self._waiting = batch + self._waiting
                asyncio.get_running_loop().call_later(LOCK_RETRY_S * self._lock_tries, self._run_waiting)
                return
            self._lock_tries = 0
            self._to_thread(batch)
            return
        except Exception as exc:
            self._lock_tries = 0
            if len(batch) == 1:
                settle_error(batch, exc)
                return
            log.exception("a batch of %d messages failed: each is tried again on its own", len(batch))
            for arrival in batch:
                self._to_thread([arrival])
            return
        except BaseException as exc:  # noqa: BLE001 (every waiting request must be answered)
            self._lock_tries = 0
            settle_error(batch, exc)
            return
        self._lock_tries = 0
        settle_replies(batch, replies)

    def _dispatch_waiting(self) -> None:
        """PostgreSQL: what waits becomes one batch in a greenlet, unless DB_BATCHES run already (then it grows).

        A person's message waits while a running batch holds another of theirs: the claim reads their
        conversation with its statement's snapshot, which predates a concurrent batch's commit.
        """
        if not self._waiting or self._batches_running >= DB_BATCHES:
            return
        batch, held = [], []
        for arrival in self._waiting:
            busy = arrival.inbound.openid in self._openids_running or len(batch) >= MAX_BATCH
            (held if busy else batch).append(arrival)
        self._waiting = held
        if not batch:
            return
        # Rows are locked in openid order in every batch, so two batches never wait on each other in a circle.
        batch.sort(key=lambda arrival: arrival.inbound.openid)
        if self._closed:  # shutting down: answer rather than leave them waiting
            settle_error(batch, RuntimeError("the inbox is closed"))
            return
        self._batches_running += 1
        openids = {arrival.inbound.openid for arrival in batch}
        self._openids_running.update(openids)
        BatchGreenlet(self._run_batch, asyncio.get_running_loop()).switch(batch, openids)
        if self._waiting:
            self._dispatch_waiting()

    def _run_batch(self, batch: list[Arrival], openids: set[str]) -> None:
        """A batch greenlet's work: the batch handled, its requests answered, its slot freed."""
        try:
            outcomes = self._handle_apart_on_failure(batch)
        except BaseException as exc:  # noqa: BLE001 (every waiting request must be answered)
            settle_error(batch, exc)
        else:
            settle_replies(batch, outcomes)
        finally:
            # From the loop, not from here: a batch is started from a loop callback only (bot/batches.py). A batch
            # cut off by the loop's end (GreenletExit) has no loop to tell.
            with suppress(RuntimeError):
                asyncio.get_running_loop().call_soon(self._batch_done, openids)

    def _batch_done(self, openids: set[str]) -> None:
        self._batches_running -= 1
        self._openids_running -= Counter(openids)
        self._dispatch_waiting()

    def _to_thread(self, batch: list[Arrival]) -> asyncio.Task:
        task = asyncio.ensure_future(self._in_thread(batch))
        self._fallbacks.add(task)
        task.add_done_callback(self._fallbacks.discard)
        task.add_done_callback(lambda done: settle(batch, done))
        return task

    async def _in_thread(self, batch: list[Arrival]) -> list[Outcome]:
        return await anyio.to_thread.run_sync(self._handle_apart_on_failure, batch, limiter=self.limiter)

    def _handle_apart_on_failure(self, batch: list[Arrival]) -> list[Outcome]:
        """The batch in one transaction; if that fails, each message in its own, guarded, so only the bad one fails."""
        try:
            return self._handle_batch(batch)
        except HandlerFailed:
            log.info("a handler failed in a batch of %d: each message is handled again on its own", len(batch))
        except Exception as exc:
            if len(batch) == 1:
                return [exc]
            log.exception("a batch of %d messages failed: each is tried again on its own", len(batch))
        return [self._handle_alone(arrival) for arrival in batch]

    def _handle_alone(self, arrival: Arrival) -> Outcome:
        try:
            return self._handle_batch([arrival], guarded=True)[0]
        except Exception as exc:
            return exc

    def _handle_batch(
        self, batch: list[Arrival], *, on_loop: bool = False, reconnected: bool = False, guarded: bool = False
    ) -> list[str | None]:
        """One transaction for the batch; its handlers guarded by savepoints on SQLite or when asked (`_respond`)."""
        guarded = guarded or self.on_loop
        now = self.clock()
        rows = [self._row(arrival.inbound, now) for arrival in batch]
        waits_for_lock = self.on_loop and not on_loop
        lock_wait = self._lock_wait(batch) if waits_for_lock else None
        if lock_wait is not None and lock_wait <= 0:
            return self._spool_all(batch, rows, busy=True)
        dropped = False
        try:
            connection = self._loop_conn() if on_loop else checkout(self.db)
            try:
                if lock_wait is not None:
                    wait_for_lock(connection, lock_wait)
                with connection.begin():
                    sql = Sql(connection, queue_writes=True)
                    self.answerer.claim_ahead(sql, [a.inbound for a in batch], rows, now=now)
                    answers = [
                        self.answerer.store_and_answer(
                            sql, arrival.inbound, row, now=now, handled_at=now, guarded=guarded
                        )
                        for arrival, row in zip(batch, rows, strict=True)
                    ]
                    self._account_for_time(sql, batch, answers)
                    sql.commit_with_queued()
            finally:
                if not on_loop:
                    dropped = _dropped(connection)
                    _release(connection, restore_lock_wait=lock_wait is not None)
        except (SQLAlchemyError, self.db.dialect.loaded_dbapi.Error) as exc:
            # The per-message statements run on the driver's cursor, so its own errors arrive unwrapped.
            if on_loop and _sqlite_busy(exc):
                # Its BEGIN IMMEDIATE found the lock taken, so nothing began: the connection stays for the next
                # batch (reopening it, four PRAGMAs, for every collision cost the webhook a tenth of its time).
                raise LockBusy from exc
            if dropped and not reconnected:
                # The server closed a pooled connection (a restart): one in steady use is no longer pinged at
                # checkout (models/db.py), so the batch is tried once more on new ones. Whatever it committed,
                # if anything, comes back as stored replies (the claim and the replay guard are idempotent).
                log.warning("the database closed a pooled connection: the batch is tried again on new ones")
                self.db.dispose()
                return self._handle_batch(batch, reconnected=True, guarded=guarded)
            if not guarded and _sqlstate(exc) == IN_FAILED_TRANSACTION:
                # A handler went on after a failed statement: without its savepoint the failure shows later.
                raise HandlerFailed from exc
            if len(batch) > 1 and (self._message_error(exc) or _conflict(exc)):
                raise  # one message's values (or a clash with another batch) broke it: each is tried on its own
            return self._spool_all(batch, rows, busy=_sqlite_busy(exc), on_loop=on_loop)
        return [answer.reply for answer in answers]

    def _account_for_time(self, sql: Sql, batch: list[Arrival], answers: list[Answer]) -> None:
        ended, now = time.monotonic(), self.clock()
        for arrival, answer in zip(batch, answers, strict=True):
            late.account(
                sql,
                answer=answer,
                openid=arrival.inbound.openid,
                waited_s=ended - arrival.at,
                deadline_s=self.settings.webhook_reply_deadline_s,
                now=now,
            )

    def _lock_wait(self, batch: list[Arrival]) -> float:
        """How long this batch may still wait for the write lock and be answered in time."""
        budget = self.settings.webhook_reply_deadline_s * LOCK_WAIT_SHARE
        return min(arrival.at for arrival in batch) + budget - time.monotonic()

    def _message_error(self, exc: Exception) -> bool:
        """An error a message's own values caused (a constraint, a value out of range), not the database's state."""
        dbapi = self.db.dialect.loaded_dbapi
        return isinstance(exc, (IntegrityError, DataError)) or isinstance(
            getattr(exc, "orig", exc), (dbapi.IntegrityError, dbapi.DataError)
        )

    def _loop_conn(self) -> Connection:
        if self._loop_connection is None:
            self._loop_connection = self.db.connect()
            # Never wait for the lock on the event loop: a busy database sends the batch to a thread.
            never_wait_for_lock(self._loop_connection)
        return self._loop_connection

    def _spool_all(self, batch: list[Arrival], rows: list[dict], *, busy: bool, on_loop: bool = False) -> list[str]:
        """Keep each message on disk (fsync) and tell its sender it will be handled; OSError: nothing kept (503)."""
        if on_loop:
            self.close()  # a broken connection is not reused
        if busy:
            log.warning("the database stayed locked past the reply deadline: spooling %d messages", len(batch))
        else:
            log.exception("database unreachable: spooling %d messages", len(batch))
        spool.append_many(self.settings.spool_dir, rows)
        return [texts.SPOOLED_BUSY if busy else texts.SPOOLED] * len(batch)

    @staticmethod
    def _row(inbound: Inbound, now: dt.datetime) -> dict:
        wechat_time = dt.datetime.fromtimestamp(inbound.create_time, dt.UTC) if inbound.create_time else None
        return {
            "openid": inbound.openid,
            "dedupe_key": inbound.dedupe_key,
            "msg_type": inbound.msg_type,
            "event": inbound.event,
            "event_key": inbound.event_key,
            "text": inbound.text,
            "raw": inbound.raw,
            "wechat_time": wechat_time,
            "received_at": now,
            "request": _stamp_fields(inbound.request),  # for the replay guard, if spooled
        }


def _stamp_fields(request: RequestStamp | None) -> tuple | None:
    """The stamp as a tuple, in its fields' order (dataclasses.astuple, which deep-copies, cost 2 % of a message)."""
    return None if request is None else (request.signature, request.timestamp, request.body_hash)


def _dropped(connection: Connection) -> bool:
    """Whether the database closed this connection under us (a restart, a terminated backend)."""
    if connection.invalidated:
        return True
    try:
        driver = connection.connection.driver_connection
    except SQLAlchemyError:
        return True
    return bool(getattr(driver, "broken", False) or getattr(driver, "closed", False))


def _conflict(exc: Exception) -> bool:
    """PostgreSQL gave up on the transaction for another's sake (a deadlock, a serialization failure)."""
    return _sqlstate(exc).startswith("40")


def _sqlstate(exc: Exception) -> str:
    """PostgreSQL's SQLSTATE of the error ("" for others)."""
    return str(getattr(getattr(exc, "orig", exc), "sqlstate", None) or "")


def _release(connection: Connection, *, restore_lock_wait: bool) -> None:
    """Back to the pool, with the usual busy timeout; a connection that cannot be reset is dropped instead."""
    try:
        if restore_lock_wait:
            wait_for_lock(connection)
    except Exception:  # noqa: BLE001 (a broken connection must not go back to the pool as it is)
        connection.invalidate()
    finally:
        connection.close()
