"""One person's chat as it happened: what they sent with the replies they got, and what was pushed to them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from models.inbound import InboundMessage
from models.outbox import OutboxMessage
from models.outbox_body import with_bodies


@dataclass(frozen=True)
class Said:
    """A message or event the person sent, and the passive reply it got (None: none)."""

    at: dt.datetime
    text: str | None
    event: str | None
    event_key: str | None
    reply: str | None


def chat_of(session: Session, *, openid: str, limit: int = 50) -> tuple[list[Said], list[OutboxMessage]]:
    """The person's last messages (oldest first) and the outbox rows for them over the same stretch, oldest first."""
    inbound = session.execute(
        select(InboundMessage).where(InboundMessage.openid == openid).order_by(InboundMessage.id.desc()).limit(limit)
    ).scalars()
    said = [Said(m.received_at, m.text, m.event, m.event_key, m.reply) for m in reversed(list(inbound))]
    pushed = session.execute(
        select(OutboxMessage)
        .where(OutboxMessage.recipient_openid == openid)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    ).scalars()
    return said, with_bodies(session, list(reversed(list(pushed))))
