"""A person's page: who they are, whether a viewer's villages reach them, and everything they said and were sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from sqlalchemy.engine import Row
from sqlmodel import Session

from models.checkpoint import CheckpointReport
from models.declaration import Declaration
from models.event import EventReport
from models.fever import FeverReport
from models.inbound import InboundMessage
from models.outbox import OutboxMessage
from models.outbox_body import OutboxBody
from models.person import Person
from models.quarantine import Quarantine
from models.supplies import SupplyRequest
from models.town import Village
from models.vaccination import Vaccination

# Tables whose rows name a person and a village: a viewer reaches a person through any of them.
_RECORDS = (
    (Declaration.person_id, Declaration.village_id),
    (Quarantine.person_id, Quarantine.village_id),
    (SupplyRequest.person_id, SupplyRequest.village_id),
    (FeverReport.person_id, FeverReport.village_id),
    (EventReport.person_id, EventReport.village_id),
    (Vaccination.person_id, Vaccination.village_id),
    (CheckpointReport.reporter_person_id, CheckpointReport.village_id),
)


@dataclass(frozen=True)
class Said:
    """One line of a person's history: a message they sent (with the reply it got), or one sent to them."""

    at: dt.datetime
    inbound: bool
    id: int
    text: str | None
    kind: str  # inbound: msg_type (text, event...); outbound: the outbox kind
    event: str | None = None
    reply: str | None = None
    status: str | None = None
    channel: str | None = None
    errcode: int | None = None
    last_error: str | None = None
    sent_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None


def person_profile(session: Session, *, person_id: int) -> Row | None:
    """(id, openid, name, phone, village id, village name, subscribed, created at) of one person, if any."""
    query = (
        select(
            Person.id,
            Person.openid,
            Person.name,
            Person.phone,
            Person.village_id,
            Village.name.label("village"),
            Person.subscribed,
            Person.created_at,
        )
        .outerjoin(Village, Village.id == Person.village_id)
        .where(Person.id == person_id)
    )
    return session.execute(query).first()


def person_within(session: Session, *, person_id: int, villages: Collection[int] | None) -> bool:
    """Whether the person belongs to one of these villages or has a record in one (None: the whole town)."""
    if villages is None:
        return session.get(Person, person_id) is not None
    ids = list(villages)
    if not ids:
        return False
    reached = [exists().where(person == person_id, village.in_(ids)) for person, village in _RECORDS]
    own = exists().where(Person.id == person_id, Person.village_id.in_(ids))
    return bool(session.execute(select(or_(own, *reached))).scalar())


def history(session: Session, *, openid: str, before: dt.datetime | None, limit: int) -> list[Said]:
    """The newest `limit` lines before that time (None: now), oldest first: messages in, and messages out."""
    said = select(
        InboundMessage.id,
        InboundMessage.received_at,
        InboundMessage.msg_type,
        InboundMessage.event,
        InboundMessage.text,
        InboundMessage.reply,
    ).where(InboundMessage.openid == openid)
    sent = (
        select(
            OutboxMessage.id,
            OutboxMessage.created_at,
            OutboxMessage.kind,
            func.coalesce(OutboxBody.text, OutboxMessage.text).label("text"),  # a broadcast's text is kept once
            OutboxMessage.status,
            OutboxMessage.channel,
            OutboxMessage.errcode,
            OutboxMessage.last_error,
            OutboxMessage.sent_at,
            OutboxMessage.delivered_at,
        )
        .outerjoin(OutboxBody, OutboxBody.id == OutboxMessage.body_id)
        .where(OutboxMessage.recipient_openid == openid)
    )
    if before is not None:
        said = said.where(InboundMessage.received_at < before)
        sent = sent.where(OutboxMessage.created_at < before)
    said = said.order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc()).limit(limit)
    sent = sent.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    lines = [
        Said(at=_aware(r.received_at), inbound=True, id=r.id, text=r.text, kind=r.msg_type, event=r.event,
             reply=r.reply)
        for r in session.execute(said)
    ] + [
        Said(at=_aware(r.created_at), inbound=False, id=r.id, text=r.text, kind=r.kind, status=r.status,
             channel=r.channel, errcode=r.errcode, last_error=r.last_error, sent_at=_aware(r.sent_at),
             delivered_at=_aware(r.delivered_at))
        for r in session.execute(sent)
    ]  # fmt: skip
    newest = sorted(lines, key=lambda line: (line.at, not line.inbound, line.id), reverse=True)[:limit]
    return newest[::-1]


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored time as aware UTC (SQLite gives naive UTC back)."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
