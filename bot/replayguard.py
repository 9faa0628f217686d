"""A captured signed query speaks for nobody: each query is good for one message while its timestamp is accepted.

WeChat's `signature` covers token, timestamp and nonce, not the body, so in plaintext mode a query seen once
could carry any body for the whole replay window. The first use of a query is remembered (in the database, in
the message's own transaction, so every web worker sees it); a second use with the same message is WeChat's
retry and gets the stored reply as before; a second use with another message is refused.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from bot.protocol import RequestStamp, WebhookError
from models.inbound import Claim, claim_inbound, guarded_claim
from models.inbound import claim_ahead as models_claim_ahead
from models.sql import Sql
from models.webhook_request import forget_requests, remember_request
from town.limits import MINUTE

log = logging.getLogger(__name__)
# Returned (not raised) by the inbox for the one refused message, so its neighbours in a batch go on.
REPLAYED = WebhookError(403, "a signed query used again with another message")
PRUNE_EVERY_S = 60.0
_pruned_at = -PRUNE_EVERY_S  # monotonic, per process


def admit(sql: Sql, request: RequestStamp | None, *, now: dt.datetime, window_s: int) -> bool:
    """Whether a message may go on: its query is new, or came before with this same message."""
    if request is None:
        return True
    _prune(sql, now=now, window_s=window_s)
    if remember_request(sql, signature=request.signature, body_hash=request.body_hash, stamped_at=request.timestamp):
        return True
    log.warning("refused a replayed webhook query (timestamp %s) carrying another message", request.timestamp)
    return False


def admit_and_claim(
    sql: Sql,
    request: RequestStamp | None,
    row: dict,
    *,
    now: dt.datetime,
    window_s: int,
    touch: bool = False,
    per_minute: int = 0,
) -> Claim | None:
    """`admit`, then store the message (models/inbound.py:claim_inbound); None when refused.

    On PostgreSQL both are one statement, with `touch` the sender's touch too (and their count for a `per_minute`
    limit): a round trip is the dearest part of a message there.
    """
    if request is None or sql.sqlite:
        return claim_inbound(sql, **row) if admit(sql, request, now=now, window_s=window_s) else None
    _prune(sql, now=now, window_s=window_s)
    claim = guarded_claim(sql, **_claim_args(sql, request, row, now=now, touch=touch, per_minute=per_minute))
    if claim is None:
        log.warning("refused a replayed webhook query (timestamp %s) carrying another message", request.timestamp)
    return claim


def claim_ahead(
    sql: Sql, messages: list[tuple[RequestStamp, dict, bool]], *, now: dt.datetime, per_minute: int = 0
) -> None:
    """PostgreSQL: the claims of several people's messages in one round trip (each is a (request, row, touch));
    `admit_and_claim` then finds each one's outcome."""
    claims = [
        _claim_args(sql, request, row, now=now, touch=touch, per_minute=per_minute) for request, row, touch in messages
    ]
    models_claim_ahead(sql, claims)


def _claim_args(sql: Sql, request: RequestStamp, row: dict, *, now: dt.datetime, touch: bool, per_minute: int) -> dict:
    times = {key: sql.time(row[key]) for key in ("wechat_time", "received_at")}
    return {
        **row,
        **times,
        "signature": request.signature,
        "body_hash": request.body_hash,
        "stamped_at": request.timestamp,
        "touch_at": now if touch else None,
        # As town/limits counts: the last minute, up to one past the limit (no count without a limit).
        "recent_since": now - MINUTE,
        "recent_cap": per_minute + 1 if per_minute > 0 else 0,
    }


def _prune(sql: Sql, *, now: dt.datetime, window_s: int) -> None:
    """Now and then, forget the queries whose timestamp the webhook refuses anyway."""
    global _pruned_at
    if time.monotonic() - _pruned_at < PRUNE_EVERY_S:
        return
    _pruned_at = time.monotonic()
    forget_requests(sql, stamped_before=int(now.timestamp()) - window_s - 1)
