"""Spooled messages handled once the database answers: at start, and every few seconds while the server runs.

Each message goes through the inbox's own path (stored with dedupe, the handler in its savepoint, finished),
one transaction per message, in the order received, with the time it was received as the town's time. The
sender is no longer waiting on the webhook, so the reply goes out as a customer-service message. A replay cut
short (the database gone again, a crash) leaves its batch claimed; the next one handles it again, and what was
already stored is deduped, so nothing runs twice.
"""

from __future__ import annotations

import logging
import threading

from bot import spool
from bot.inbox import Inbox
from bot.protocol import RequestStamp, WebhookError, to_inbound
from models.db import answers
from models.sql import Sql

log = logging.getLogger(__name__)


def replay(inbox: Inbox) -> int | None:
    """Handle every spooled message; how many were new (None: another process is replaying)."""
    directory = inbox.settings.spool_dir
    if not spool.pending(directory):
        return 0
    with spool.replay_lock(directory) as ours:
        if not ours:
            return None
        batches = spool.claim(directory)
        handled = sum(_replay_one(inbox, row) for row in spool.read(batches))
        spool.done(batches)
    if handled:
        log.warning("handled %d messages spooled while the database was unreachable", handled)
    return handled


def _replay_one(inbox: Inbox, row: dict) -> bool:
    """One spooled message through the inbox's path; False when it was stored before (a resumed replay)."""
    try:
        stamp = RequestStamp(*row["request"]) if row.get("request") else None
        inbound = to_inbound(row["raw"].encode("utf-8"), request=stamp)
    except (WebhookError, TypeError, ValueError):
        log.error("a spooled message from %s cannot be parsed again: skipped", row.get("openid"))
        return False
    with inbox.db.begin() as connection:
        answer = inbox.answerer.store_and_answer(
            Sql(connection), inbound, row, now=row["received_at"], handled_at=inbox.clock(), late=True
        )
    return answer.inbound_id is not None


class Replayer:
    """Looks for spooled messages every few seconds and replays them as soon as the database answers."""

    def __init__(self, inbox: Inbox, every_s: float):
        self.inbox = inbox
        self.every_s = every_s

    def run_once(self) -> int | None:
        """Replay if anything waits and the database answers; how many were handled (None: not now)."""
        if not spool.pending(self.inbox.settings.spool_dir):
            return 0
        if not answers(self.inbox.db):
            return None
        try:
            return replay(self.inbox)
        except Exception:  # the database went again mid-way: the claimed batch waits for the next round
            log.exception("replaying spooled messages stopped; trying again in %.0f s", self.every_s)
            return None

    def run_forever(self, stop: threading.Event) -> None:
        """Until the event is set."""
        while not stop.wait(self.every_s):
            self.run_once()


def start_in_thread(inbox: Inbox, every_s: float) -> tuple[threading.Thread, threading.Event] | None:
    """Replay now (before the first live message) and then every `every_s` seconds (0: only now)."""
    replayer = Replayer(inbox, every_s)
    if replayer.run_once() is None:
        log.error("spooled messages not replayed at start (no database, or another process replays them): kept")
    if every_s <= 0:
        return None
    stop = threading.Event()
    thread = threading.Thread(target=replayer.run_forever, args=(stop,), name="spool-replay", daemon=True)
    thread.start()
    return thread, stop
