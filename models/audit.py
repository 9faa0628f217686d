"""The dashboard's audit log: who did what to which record, with the values before and after."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import Index, Text, func, select
from sqlmodel import Column, Field, Session, SQLModel

from models.db import utcnow


class AuditLog(SQLModel, table=True):
    """One action taken or one download made on the dashboard."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=120)
    action: str = Field(max_length=64)
    target: str = Field(max_length=200)
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


@dataclass(frozen=True)
class AuditRow:
    """An audit entry as the page reads it."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    target: str
    before: dict | None
    after: dict | None


def record_action(
    session: Session, *, actor: str, action: str, target: str, before: dict | None, after: dict | None
) -> None:
    """Write one audit row in the caller's transaction (the same one as the change it records)."""
    session.add(
        AuditLog(actor=actor[:120], action=action[:64], target=target[:200], before=_dump(before), after=_dump(after))
    )
    session.flush()


def audit_page(session: Session, *, limit: int, offset: int) -> list[AuditRow]:
    """The newest entries first, one page of them."""
    newest = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    rows = session.execute(newest.limit(limit).offset(offset))
    return [AuditRow(r.id, r.at, r.actor, r.action, r.target, _load(r.before), _load(r.after)) for r in rows.scalars()]


def audit_count(session: Session) -> int:
    """How many entries there are in all."""
    return session.execute(select(func.count()).select_from(AuditLog)).scalar_one()


def _dump(values: dict | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False, default=str, sort_keys=True)


def _load(text: str | None) -> dict | None:
    return None if text is None else json.loads(text)
