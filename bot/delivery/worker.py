"""The delivery worker: claims due outbox rows, sends each on the first channel that reaches the person."""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine

from bot.delivery import texts
from bot.delivery.channels import channels_for
from bot.delivery.escalation import escalate_undelivered
from bot.delivery.mass import BROADCAST, send_broadcasts
from bot.delivery.transport import CUSTOM, WECOM, Outgoing
from bot.wechat.errors import (
    DAILY_QUOTA,
    NEXT_CHANNEL,
    USER_REFUSED,
    WECOM_UNREACHABLE,
    WeChatError,
    WeChatUnavailable,
)
from models.db import transaction, utcnow
from models.delivery import WINDOW_QUOTA, Recipient, load_recipients, pause_api, paused_apis, save_recipients
from models.outbox import FAILED, QUEUED, SENT, UNDELIVERABLE, Claimed, Outcome, claim_due, record_outcomes
from models.scheduler import hold_lease
from models.sql import Sql
from town.clock import zone
from town.settings import Settings

log = logging.getLogger(__name__)
TAG_SYNC_S = 300  # villagers' village tags are brought in step this often
TAG_SYNC_LEASE = "tag_sync"  # with several workers, one of them syncs the tags (two made duplicate tags)
MAX_PASSES = 8  # WeChat unreachable this many times for one row: failed


class Worker:
    """Delivers the outbox: one batch at a time, recipients in parallel, every attempt recorded."""

    def __init__(
        self,
        db: Engine,
        transport,
        settings: Settings,
        clock: Callable[[], dt.datetime] = utcnow,
        *,
        sync_tags: Callable[[], object] | None = None,
    ):
        self.db, self.transport, self.settings, self.clock = db, transport, settings, clock
        self.sync_tags = sync_tags
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.pool = ThreadPoolExecutor(settings.outbox_concurrency, thread_name_prefix="outbox")
        self.tz = zone()

    def run_once(self, limit: int = 200) -> int:
        """Deliver one batch of due rows; how many were claimed."""
        now = self.clock()
        with self.db.begin() as connection:
            sql = Sql(connection)
            claimed = claim_due(sql, now=now, lease_s=self.settings.outbox_lease_s, limit=limit)
            if not claimed:
                return 0
            recipients = load_recipients(
                sql, [row.recipient_openid for row in claimed], month_start=self._month_start(now)
            )
            paused = paused_apis(sql, now=now)
        pauses: dict[str, int] = {}
        broadcasts = [row for row in claimed if row.kind == BROADCAST]
        mass_outcomes, left = send_broadcasts(broadcasts, recipients, self.transport, self.settings, paused, pauses)
        by_person: dict[str, list[Claimed]] = defaultdict(list)
        # Each person's messages in the order they were queued (the window quota goes to the oldest first).
        for row in sorted([*(row for row in claimed if row.kind != BROADCAST), *left], key=lambda r: r.id):
            by_person[row.recipient_openid].append(row)
        jobs = [
            self.pool.submit(self._deliver_all, rows, recipients[openid], paused, pauses, now)
            for openid, rows in by_person.items()
        ]
        outcomes = mass_outcomes + [outcome for job in jobs for outcome in job.result()]
        self._record(outcomes, claimed, recipients, pauses, now)
        return len(claimed)

    def run_forever(self, stop: threading.Event, idle_s: float = 1.0) -> None:
        """Deliver until told to stop; a failing batch is logged and retried, never fatal."""
        next_tag_sync = 0.0
        while not stop.is_set():
            try:
                busy = self.run_once()
                if self.sync_tags is not None and time.monotonic() >= next_tag_sync:
                    next_tag_sync = time.monotonic() + TAG_SYNC_S
                    self.sync_tags_if_ours()
            except Exception:
                log.exception("delivery batch failed; retrying shortly")
                busy = 0
            if not busy:
                stop.wait(idle_s)

    def sync_tags_if_ours(self) -> bool:
        """Sync the village tags when this worker holds the tag-sync lease (one worker at a time); True if it ran."""
        now = self.clock()
        # The lease outlives one period a little, so the holder renews it before anyone else can take it.
        expires = now + dt.timedelta(seconds=TAG_SYNC_S * 1.5)
        with transaction(self.db) as session:
            ours = hold_lease(session, name=TAG_SYNC_LEASE, holder=self.holder, now=now, expires=expires)
        if ours and self.sync_tags is not None:
            self.sync_tags()
        return ours

    def close(self) -> None:
        self.pool.shutdown(wait=True)

    def _deliver_all(
        self, rows: list[Claimed], person: Recipient, paused: set[str], pauses: dict[str, int], now: dt.datetime
    ) -> list[Outcome]:
        """One person's rows, in order (the window quota is counted as they go)."""
        return [self._deliver(row, person, paused, pauses, now) for row in rows]

    def _deliver(
        self, row: Claimed, person: Recipient, paused: set[str], pauses: dict[str, int], now: dt.datetime
    ) -> Outcome:
        outcome = Outcome(row.id, UNDELIVERABLE, error=texts.NO_CHANNEL)
        for channel, template_id in channels_for(person, row.kind, self.settings, paused | set(pauses), now):
            message = Outgoing(
                row.recipient_openid,
                row.payload.get("title") or texts.KIND_TITLES.get(row.kind, texts.DEFAULT_TITLE),
                row.text,
                row.created_at,
                template_id,
                person.wecom_userid,
            )
            try:
                msgid = self.transport.send(channel, message)
            except WeChatUnavailable as exc:
                outcome.attempts.append((channel, exc.errcode, exc.errmsg))
                return self._later(outcome, row, exc, now)
            except WeChatError as exc:
                outcome.attempts.append((channel, exc.errcode, exc.errmsg))
                if not self._next_channel(exc.errcode, channel, person, pauses):
                    outcome.status, outcome.errcode, outcome.error = FAILED, exc.errcode, exc.errmsg
                    return outcome
                outcome.errcode, outcome.error = exc.errcode, f"{channel}: {exc.errmsg}"
                continue
            outcome.attempts.append((channel, 0, "ok"))
            if channel == CUSTOM:
                person.cs_used += 1
            outcome.status, outcome.channel, outcome.msgid = SENT, channel, msgid
            outcome.errcode = outcome.error = None
            return outcome
        return outcome

    def _next_channel(self, errcode: int | None, channel: str, person: Recipient, pauses: dict[str, int]) -> bool:
        """Learn from WeChat's refusal; True when another channel may still reach the person."""
        if errcode in NEXT_CHANNEL and channel == CUSTOM:
            person.cs_used = WINDOW_QUOTA  # window closed or used up until the person writes again
            return True
        if errcode in USER_REFUSED or (channel == WECOM and errcode in WECOM_UNREACHABLE):
            person.block(channel, errcode)
            return True
        if errcode in DAILY_QUOTA:
            pauses[channel] = errcode
            return True
        # Any other WeCom refusal (the app's settings, its IP allow-list): the cadre may still be reached on WeChat.
        return channel == WECOM

    def _later(self, outcome: Outcome, row: Claimed, exc: WeChatError, now: dt.datetime) -> Outcome:
        """WeChat did not answer usefully: try this row again later, or give up after MAX_PASSES."""
        outcome.errcode, outcome.error = exc.errcode, exc.errmsg
        if row.attempts >= MAX_PASSES:
            outcome.status = FAILED
            return outcome
        outcome.status = QUEUED
        outcome.retry_at = now + dt.timedelta(seconds=min(600, 5 * 2**row.attempts) * random.uniform(0.5, 1))
        return outcome

    def _record(
        self,
        outcomes: list[Outcome],
        claimed: list[Claimed],
        recipients: dict[str, Recipient],
        pauses: dict[str, int],
        now: dt.datetime,
    ) -> None:
        rows = {row.id: row for row in claimed}
        with self.db.begin() as connection:
            sql = Sql(connection)
            record_outcomes(sql, outcomes, now=now)
            save_recipients(sql, list(recipients.values()), now=now)
            for api, errcode in pauses.items():
                pause_api(sql, api=api, until=self._next_local_midnight(now), errcode=errcode)
            for outcome in outcomes:
                if outcome.status in (UNDELIVERABLE, FAILED):
                    escalate_undelivered(sql, rows[outcome.id], recipients[rows[outcome.id].recipient_openid], now=now)

    def _month_start(self, now: dt.datetime) -> dt.datetime:
        """The first of this month, China time (when WeChat's monthly mass quota starts again)."""
        local = now.astimezone(self.tz)
        return dt.datetime(local.year, local.month, 1, tzinfo=self.tz).astimezone(dt.UTC)

    def _next_local_midnight(self, now: dt.datetime) -> dt.datetime:
        """WeChat's daily quotas reset at midnight in China."""
        local = now.astimezone(self.tz)
        return dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), self.tz).astimezone(dt.UTC)
