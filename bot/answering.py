"""One message's work in its batch's transaction: stored (deduped, the replay guard), handled, its outcome kept."""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from typing import TYPE_CHECKING

from bot.dialogue import Context, Engine, texts
from bot.late import Answer, queue_late_reply
from bot.protocol import Inbound
from bot.replayguard import REPLAYED, admit_and_claim, claim_ahead
from bot.router import respond
from bot.villages import VillageIndex
from models.inbound import FAILED, HANDLED, LIMITED, finish_inbound
from models.person import touch_person
from models.sql import Sql, release_savepoint, rollback_to_savepoint, savepoint
from town import clock
from town.settings import Settings

if TYPE_CHECKING:
    from bot.risk import RiskContext

log = logging.getLogger(__name__)
SUCCESS = None  # tells the webhook to answer WeChat's "success": nothing to say now
HANDLER_SAVEPOINT = "handler"


class HandlerFailed(Exception):
    """A handler raised in an unguarded batch: the batch is rolled back and each message handled again, guarded."""


class Answerer:
    """What the inbox does with each message of a batch, on the batch's `Sql` (bot/inbox.py runs the batches)."""

    def __init__(self, settings: Settings, dialogue: Engine, villages: VillageIndex, risk: RiskContext | None = None):
        self.settings = settings
        self.dialogue = dialogue
        self.villages = villages
        self.risk = risk

    def claim_ahead(self, sql: Sql, inbounds: list[Inbound], rows: list[dict], *, now: dt.datetime) -> None:
        """PostgreSQL: each person's first message in the batch claimed in one round trip (their later ones, after
        the first is handled: a claim reads the sender's conversation)."""
        if sql.sqlite or len(inbounds) < 2:
            return
        firsts: dict[str, tuple[Inbound, dict]] = {}
        for inbound, row in zip(inbounds, rows, strict=True):
            firsts.setdefault(inbound.openid, (inbound, row))
        ahead = [(i.request, row, i.window == "long") for i, row in firsts.values() if i.request is not None]
        claim_ahead(sql, ahead, now=now, per_minute=self.settings.messages_per_minute)

    def store_and_answer(
        self,
        sql: Sql,
        inbound: Inbound,
        row: dict,
        *,
        now: dt.datetime,
        handled_at: dt.datetime,
        late: bool = False,
        guarded: bool = True,
    ) -> Answer:
        """Store one message and answer it; a retry gets the stored reply and runs nothing.

        `now` is the message's time for the town (when it was received); with `late`, the sender is no longer
        waiting on the webhook and the reply goes out as a customer-service message, queued in this transaction.
        Unguarded, a failing handler raises HandlerFailed (`_respond`).
        """
        window_s = self.settings.webhook_max_skew_s
        touch = inbound.window == "long"  # the person wrote: their touch goes with the claim (PostgreSQL)
        per_minute = self.settings.messages_per_minute
        claim = admit_and_claim(
            sql, inbound.request, row, now=now, window_s=window_s, touch=touch, per_minute=per_minute
        )
        if claim is None:
            return Answer(None, REPLAYED)  # this message alone is refused (403); its batch goes on
        if claim.is_retry:
            return Answer(None, claim.stored_reply or SUCCESS, claim)
        reply, status, error = self._respond(sql, inbound, now, guarded=guarded)
        finish_inbound(
            sql,
            inbound_id=claim.inbound_id,
            status=status,
            reply=reply,
            now=handled_at,
            error=error,
            answered_in_time=not late,  # corrected by _account_for_time if the batch runs late
        )
        if late and reply:
            queue_late_reply(sql, inbound_id=claim.inbound_id, openid=inbound.openid, reply=reply, now=handled_at)
        return Answer(claim.inbound_id, reply)

    def _respond(
        self, sql: Sql, inbound: Inbound, now: dt.datetime, *, guarded: bool
    ) -> tuple[str | None, str, str | None]:
        """Run the handler. Guarded, inside a savepoint: if it fails, its writes go and the stored message stays.
        Unguarded (PostgreSQL's batches: two round trips saved), a failure is raised as HandlerFailed: the batch
        is rolled back and its messages are handled again one at a time, guarded."""
        if guarded:
            savepoint(sql, name=HANDLER_SAVEPOINT)
        ctx = None
        try:
            person = touch_person(sql, openid=inbound.openid, now=now, window=inbound.window)
            ctx = Context(
                sql=sql, person=person, now=now, settings=self.settings, villages=self.villages, risk=self.risk
            )
            with clock.handling(now):  # dates are said against the message's own today
                reply = respond(ctx, self.dialogue, inbound)
            ctx.flush()
            if guarded:
                release_savepoint(sql, name=HANDLER_SAVEPOINT)
            return reply, LIMITED if ctx.limited else HANDLED, None
        except Exception as exc:
            if not guarded:
                raise HandlerFailed from exc
            log.exception("handler failed for a message from %s", inbound.openid)
            rollback_to_savepoint(sql, name=HANDLER_SAVEPOINT)
            return texts.APOLOGY, FAILED, traceback.format_exc(limit=20)
        finally:
            if ctx is not None:
                ctx.close()
