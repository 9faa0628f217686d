"""Handle one inbound message: store it first, dedupe, answer in one transaction, never lose it."""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections.abc import Callable

import anyio
from sqlalchemy import Engine as DbEngine
from sqlalchemy.exc import SQLAlchemyError

from bot import spool
from bot.dialogue import Context, Engine, texts
from bot.protocol import Inbound
from bot.router import respond
from bot.settings import Settings
from bot.villages import VillageIndex
from models.db import is_sqlite, transaction, utcnow
from models.inbound import FAILED, HANDLED, claim_inbound, finish_inbound
from models.outbox import enqueue
from models.person import touch_person

log = logging.getLogger(__name__)
SUCCESS = None  # tells the webhook to answer WeChat's "success": nothing to say now


class Inbox:
    """The bounded unit of database work behind the webhook."""

    def __init__(
        self,
        db: DbEngine,
        settings: Settings,
        dialogue: Engine,
        villages: VillageIndex,
        clock: Callable[[], dt.datetime] = utcnow,
    ):
        self.db = db
        self.settings = settings
        self.dialogue = dialogue
        self.villages = villages
        self.clock = clock
        # SQLite has one writer: more threads would only queue on its lock (PERF.md).
        self.limiter = anyio.CapacityLimiter(1 if is_sqlite(db) else 8)

    async def handle(self, inbound: Inbound) -> str | None:
        """The reply text for a message, or None for "success"."""
        return await anyio.to_thread.run_sync(self.handle_sync, inbound, limiter=self.limiter)

    def handle_sync(self, inbound: Inbound) -> str | None:
        started = time.monotonic()
        now = self.clock()
        row = self._row(inbound, now)
        try:
            with transaction(self.db) as session:
                claim = claim_inbound(session, **row)
        except SQLAlchemyError:
            log.exception("database unreachable: spooling the message from %s", inbound.openid)
            spool.append(self.settings.spool_dir, row)  # OSError here: nothing stored, so no answer (503)
            return texts.APOLOGY
        if claim.is_retry:
            return claim.stored_reply or SUCCESS
        reply = self._answer(claim.inbound_id, inbound, now)
        if reply and time.monotonic() - started > self.settings.webhook_reply_deadline_s:
            self._send_late(claim.inbound_id, inbound.openid, reply)
        return reply

    def _answer(self, inbound_id: int, inbound: Inbound, now: dt.datetime) -> str | None:
        try:
            with transaction(self.db) as session:
                person = touch_person(session, openid=inbound.openid, now=now)
                ctx = Context(session=session, person=person, now=now, settings=self.settings, villages=self.villages)
                reply = respond(ctx, self.dialogue, inbound)
                finish_inbound(session, inbound_id=inbound_id, status=HANDLED, reply=reply, now=now)
            return reply
        except Exception:
            log.exception("handler failed for inbound message %s from %s", inbound_id, inbound.openid)
            self._mark_failed(inbound_id, now, traceback.format_exc(limit=20))
            return texts.APOLOGY

    def _mark_failed(self, inbound_id: int, now: dt.datetime, error: str) -> None:
        """Record the failure; the message itself is already stored, so a second failure only logs."""
        try:
            with transaction(self.db) as session:
                finish_inbound(session, inbound_id=inbound_id, status=FAILED, reply=texts.APOLOGY, now=now, error=error)
        except Exception:
            log.exception("could not record the failure of inbound message %s", inbound_id)

    def _send_late(self, inbound_id: int, openid: str, reply: str) -> None:
        """WeChat gave up waiting after 5 s: the reply goes out as a customer-service message."""
        with transaction(self.db) as session:
            enqueue(
                session,
                key=f"late-reply:{inbound_id}",
                recipient_openid=openid,
                kind="late_reply",
                text=reply,
                now=self.clock(),
            )

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
        }
