"""Leases: one row per duty (the scheduler, the tag sync) that says which process does it, and until when."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlmodel import Field, Session, SQLModel

from models.db import upsert_insert


class SchedulerLease(SQLModel, table=True):
    """Who runs the scheduler: one holder at a time; another waits until the lease runs out."""

    __tablename__ = "scheduler_lease"

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=200)
    expires_at: dt.datetime


def renew_lease(session: Session, *, name: str, holder: str, now: dt.datetime, expires: dt.datetime) -> bool:
    """Extend the lease to `expires` when it ran out or this holder has it; False when another live holder has it."""
    renewed = session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name)
        .where((SchedulerLease.expires_at < now) | (SchedulerLease.holder == holder))
        .values(holder=holder, expires_at=expires)
    ).rowcount
    return bool(renewed)


def insert_lease(session: Session, *, name: str, holder: str, expires: dt.datetime) -> bool:
    """Create the lease for this holder; False when someone created it first."""
    insert = upsert_insert(session)(SchedulerLease).values(name=name, holder=holder, expires_at=expires)
    # RETURNING, not rowcount: psycopg does not report 0 for a conflict that did nothing.
    inserted = insert.on_conflict_do_nothing(index_elements=["name"]).returning(SchedulerLease.name)
    return session.execute(inserted).first() is not None


def hold_lease(session: Session, *, name: str, holder: str, now: dt.datetime, expires: dt.datetime) -> bool:
    """Take or renew the lease `name` until `expires`; False when another live holder has it."""
    if renew_lease(session, name=name, holder=holder, now=now, expires=expires):
        return True
    return insert_lease(session, name=name, holder=holder, expires=expires)


def delete_lease(session: Session, *, name: str, holder: str) -> None:
    """Drop the lease if this holder has it."""
    session.execute(delete(SchedulerLease).where(SchedulerLease.name == name).where(SchedulerLease.holder == holder))


def lease_row(session: Session, *, name: str) -> tuple[str, dt.datetime] | None:
    """The lease's holder and expiry (None: no lease row)."""
    row = session.execute(
        select(SchedulerLease.holder, SchedulerLease.expires_at).where(SchedulerLease.name == name)
    ).first()
    return (row[0], row[1]) if row else None
