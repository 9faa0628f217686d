"""Handle one inbound message: stored, deduped and answered in one transaction; never lost."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import astuple
from typing import TYPE_CHECKING

import anyio
from sqlalchemy import Connection
from sqlalchemy import Engine as DbEngine
from sqlalchemy.exc import SQLAlchemyError

from bot import spool
from bot.dialogue import Context, Engine, texts
from bot.protocol import Inbound
from bot.replayguard import REPLAYED, admit
from bot.router import respond
from bot.villages import VillageIndex
from models.db import is_sqlite, never_wait_for_lock, utcnow
from models.inbound import FAILED, HANDLED, claim_inbound, finish_inbound
from models.outbox import enqueue
from models.person import touch_person
from models.sql import Sql, release_savepoint, rollback_to_savepoint, savepoint
from town.settings import Settings

if TYPE_CHECKING:
    from bot.risk import RiskContext

log = logging.getLogger(__name__)
SUCCESS = None  # tells the webhook to answer WeChat's "success": nothing to say now
SQLITE_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
HANDLER_SAVEPOINT = "handler"
# The outbox worker's claim holds the write lock for a millisecond or so: a batch that meets it waits a few
# milliseconds on the loop (which serves others meanwhile) rather than 10-80 ms in a thread (bench/webhook.py).
LOCK_TRIES_ON_LOOP = 4
LOCK_RETRY_S = 0.002


def _settle_replies(batch: list[tuple[Inbound, asyncio.Future]], replies: list[str | None]) -> None:
    for (_, future), reply in zip(batch, replies, strict=True):
        if not future.done():  # a request whose client went away is cancelled
            future.set_result(reply)


def _settle_error(batch: list[tuple[Inbound, asyncio.Future]], exc: BaseException) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(exc)


def _settle(batch: list[tuple[Inbound, asyncio.Future]], done: asyncio.Task) -> None:
    if done.cancelled():
        _settle_error(batch, asyncio.CancelledError())
    elif done.exception() is not None:
        _settle_error(batch, done.exception())
    else:
        _settle_replies(batch, done.result())


def _sqlite_busy(exc: Exception) -> bool:
    """SQLITE_BUSY/LOCKED, raised by the driver directly (our BEGIN) or wrapped by SQLAlchemy."""
    return getattr(getattr(exc, "orig", exc), "sqlite_errorcode", None) in SQLITE_BUSY_CODES


def queue_late_reply(sql: Sql, *, inbound_id: int, openid: str, reply: str, now: dt.datetime) -> None:
    """The reply to a message whose sender no longer waits, as a customer-service message (once per message)."""
    enqueue(sql, key=f"late-reply:{inbound_id}", recipient_openid=openid, kind="late_reply", text=reply, now=now)


class LockBusy(Exception):
    """Another process holds SQLite's write lock: handle this message in a thread, not on the loop."""


class Inbox:
    """The unit of database work behind the webhook: each message stored, deduped and answered atomically.

    On SQLite the work runs on the event loop: it takes ~0.1 ms, and a hop to a worker thread would cost more
    than the work (bench/webhook.py). Messages that arrive in the same loop tick share one transaction and one
    commit (group commit); each keeps its own claim and its own handler savepoint, and no reply leaves before
    the commit. If another connection holds the write lock, the batch is tried again on the loop a few times
    within ~20 ms (joined by what arrives meanwhile), then waits in a thread instead of on the loop.
    On PostgreSQL each message runs in a bounded pool of threads.
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
        self.dialogue = dialogue
        self.villages = villages
        self.clock = clock
        self.risk = risk
        self.on_loop = is_sqlite(db)
        self.limiter = anyio.CapacityLimiter(1 if self.on_loop else 8)
        self._loop_connection: Connection | None = None
        self._waiting: list[tuple[Inbound, asyncio.Future]] = []
        self._fallbacks: set[asyncio.Task] = set()
        self._lock_tries = 0

    async def handle(self, inbound: Inbound) -> str | None:
        """The reply text for a message, or None for "success"."""
        if not self.on_loop:
            return (await self._in_thread([inbound]))[0]
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._waiting.append((inbound, future))
        if len(self._waiting) == 1:
            loop.call_soon(self._run_waiting)
        return await future

    def close(self) -> None:
        """Discard the loop's connection: its busy_timeout of 0 must never reach the pool's other users."""
        if self._loop_connection is not None:
            self._loop_connection.invalidate()
            self._loop_connection.close()
            self._loop_connection = None

    def _run_waiting(self) -> None:
        """Handle everything that arrived this tick in one transaction, then release the replies."""
        batch, self._waiting = self._waiting, []
        inbounds = [inbound for inbound, _ in batch]
        try:
            replies = self._handle_batch(inbounds, on_loop=True)
        except LockBusy:
            if self._lock_tries < LOCK_TRIES_ON_LOOP:
                self._lock_tries += 1
                # Messages arriving before the retry join this batch: it is first in line, so nobody schedules.
                self._waiting = batch + self._waiting
                asyncio.get_running_loop().call_later(LOCK_RETRY_S * self._lock_tries, self._run_waiting)
                return
            self._lock_tries = 0
            task = asyncio.ensure_future(self._in_thread(inbounds))
            self._fallbacks.add(task)
            task.add_done_callback(self._fallbacks.discard)
            task.add_done_callback(lambda done: _settle(batch, done))
            return
        except BaseException as exc:  # noqa: BLE001 (every waiting request must be answered)
            self._lock_tries = 0
            _settle_error(batch, exc)
            return
        self._lock_tries = 0
        _settle_replies(batch, replies)

    async def _in_thread(self, inbounds: list[Inbound]) -> list[str | None]:
        return await anyio.to_thread.run_sync(self._handle_batch, inbounds, limiter=self.limiter)

    def _handle_batch(self, inbounds: list[Inbound], *, on_loop: bool = False) -> list[str | None]:
        started = time.monotonic()
        now = self.clock()
        rows = [self._row(inbound, now) for inbound in inbounds]
        try:
            connection = self._loop_conn() if on_loop else self.db.connect()
            try:
                with connection.begin():
                    sql = Sql(connection)
                    outcomes = [
                        self.store_and_answer(sql, inbound, row, now=now, handled_at=now)
                        for inbound, row in zip(inbounds, rows, strict=True)
                    ]
            finally:
                if not on_loop:
                    connection.close()
        except (SQLAlchemyError, self.db.dialect.loaded_dbapi.Error) as exc:
            # The per-message statements run on the driver's cursor, so its own errors arrive unwrapped.
            if on_loop and _sqlite_busy(exc):
                # Its BEGIN IMMEDIATE found the lock taken, so nothing began: the connection stays for the next
                # batch (reopening it, four PRAGMAs, for every collision cost the webhook a tenth of its time).
                raise LockBusy from exc
            return [self._spool(row, inbound, on_loop=on_loop) for inbound, row in zip(inbounds, rows, strict=True)]
        if time.monotonic() - started > self.settings.webhook_reply_deadline_s:
            for inbound, (inbound_id, reply) in zip(inbounds, outcomes, strict=True):
                if inbound_id is not None and reply:
                    self._send_late(inbound_id, inbound.openid, reply)
        return [reply for _, reply in outcomes]

    def store_and_answer(
        self, sql: Sql, inbound: Inbound, row: dict, *, now: dt.datetime, handled_at: dt.datetime, late: bool = False
    ) -> tuple[int | None, str | None]:
        """Store one message and answer it; a retry gets the stored reply and runs nothing.

        `now` is the message's time for the town (when it was received); with `late`, the sender is no longer
        waiting on the webhook and the reply goes out as a customer-service message, queued in this transaction.
        """
        if not admit(sql, inbound.request, now=now, window_s=self.settings.webhook_max_skew_s):
            return None, REPLAYED  # this message alone is refused (403); its batch goes on
        claim = claim_inbound(sql, **row)
        if claim.is_retry:
            return None, claim.stored_reply or SUCCESS
        reply, status, error = self._respond(sql, inbound, now)
        finish_inbound(sql, inbound_id=claim.inbound_id, status=status, reply=reply, now=handled_at, error=error)
        if late and reply:
            queue_late_reply(sql, inbound_id=claim.inbound_id, openid=inbound.openid, reply=reply, now=handled_at)
        return claim.inbound_id, reply

    def _loop_conn(self) -> Connection:
        if self._loop_connection is None:
            self._loop_connection = self.db.connect()
            # Never wait for the lock on the event loop: a busy database sends the batch to a thread.
            never_wait_for_lock(self._loop_connection)
        return self._loop_connection

    def _respond(self, sql: Sql, inbound: Inbound, now: dt.datetime) -> tuple[str | None, str, str | None]:
        """Run the handler inside a savepoint: if it fails, its writes go and the stored message stays."""
        savepoint(sql, name=HANDLER_SAVEPOINT)
        ctx = None
        try:
            person = touch_person(sql, openid=inbound.openid, now=now, window=inbound.window)
            ctx = Context(
                sql=sql, person=person, now=now, settings=self.settings, villages=self.villages, risk=self.risk
            )
            reply = respond(ctx, self.dialogue, inbound)
            ctx.flush()
            release_savepoint(sql, name=HANDLER_SAVEPOINT)
            return reply, HANDLED, None
        except Exception:
            log.exception("handler failed for a message from %s", inbound.openid)
            rollback_to_savepoint(sql, name=HANDLER_SAVEPOINT)
            return texts.APOLOGY, FAILED, traceback.format_exc(limit=20)
        finally:
            if ctx is not None:
                ctx.close()

    def _spool(self, row: dict, inbound: Inbound, *, on_loop: bool) -> str:
        if on_loop:
            self.close()  # a broken connection is not reused
        log.exception("database unreachable: spooling the message from %s", inbound.openid)
        spool.append(self.settings.spool_dir, row)  # OSError here: nothing stored, so no answer (503)
        return texts.SPOOLED

    def _send_late(self, inbound_id: int, openid: str, reply: str) -> None:
        """WeChat gave up waiting after 5 s: the reply goes out as a customer-service message."""
        with self.db.begin() as connection:
            queue_late_reply(Sql(connection), inbound_id=inbound_id, openid=openid, reply=reply, now=self.clock())

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
            "request": astuple(inbound.request) if inbound.request else None,  # for the replay guard, if spooled
        }
