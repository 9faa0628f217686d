"""Sampling rounds of a household under a measure: scheduled, recorded done or missed, and read for the jobs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint, insert, select
from sqlmodel import Field, Session, SQLModel

from models.db import among
from models.declaration import Declaration
from models.quarantine import ACTIVE, Quarantine
from models.sql import Sql

DUE, DONE, MISSED = "due", "done", "missed"


class SamplingRound(SQLModel, table=True):
    """A door-to-door nucleic-acid sampling on one day of a quarantine."""

    __tablename__ = "sampling_round"
    __table_args__ = (UniqueConstraint("quarantine_id", "day", name="uq_sampling_round_day"),)

    id: int | None = Field(default=None, primary_key=True)
    quarantine_id: int = Field(foreign_key="quarantine.id", index=True)
    day: dt.date = Field(index=True)
    status: str = Field(default=DUE, max_length=12)
    done_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    done_at: dt.datetime | None = None
    note: str | None = Field(default=None, max_length=500)  # why it was not done
    escalated_at: dt.datetime | None = None


# Conditional updates: a doctor's message and the missed-round job may meet on the same round.
MARK_MISSED = (
    "UPDATE sampling_round SET status = 'missed', escalated_at = :now"
    " WHERE id = :id AND status = 'due' AND escalated_at IS NULL"
)
MARK_NOT_DONE = (
    "UPDATE sampling_round SET status = 'missed', note = :note, escalated_at = COALESCE(escalated_at, :now)"
    " WHERE id = :id AND status != 'done'"
)
MARK_DONE = (
    "UPDATE sampling_round SET status = 'done', done_by_person_id = :person, done_at = :now"
    " WHERE id = :id AND status != 'done'"
)


def mark_round_missed(sql: Sql, *, sampling_id: int, now: dt.datetime) -> bool:
    """Due → missed, once; False when someone recorded it first."""
    return sql.run(MARK_MISSED, id=sampling_id, now=sql.time(now)) == 1


def mark_round_not_done(sql: Sql, *, sampling_id: int, note: str, now: dt.datetime) -> bool:
    """Not done, with the reason; False when it was done already."""
    return sql.run(MARK_NOT_DONE, id=sampling_id, note=note[:500], now=sql.time(now)) == 1


def mark_round_done(sql: Sql, *, sampling_id: int, person_id: int, now: dt.datetime) -> bool:
    """Done by this person; False when it was done already."""
    return sql.run(MARK_DONE, id=sampling_id, person=person_id, now=sql.time(now)) == 1


def sampling_round(session: Session, *, sampling_id: int) -> SamplingRound | None:
    """The round with this number, if any."""
    return session.get(SamplingRound, sampling_id)


def reload_round(session: Session, *, sampling: SamplingRound) -> None:
    """Read the round again (someone else may have recorded it in the meantime)."""
    session.refresh(sampling)


def save_rounds(session: Session, *, rounds: list) -> list:
    """Store new rounds (SamplingRound or plain rows with its columns but the id), numbered in the order given:
    one executemany."""
    columns = ("quarantine_id", "day", "status", "done_by_person_id", "done_at", "note")
    if rounds:
        session.execute(insert(SamplingRound.__table__), [{c: getattr(r, c) for c in columns} for r in rounds])
    return rounds


def rounds_of(session: Session, *, quarantine_id: int) -> list[SamplingRound]:
    """A quarantine's rounds by day."""
    return list(
        session.execute(
            select(SamplingRound).where(SamplingRound.quarantine_id == quarantine_id).order_by(SamplingRound.day)
        ).scalars()
    )


def round_days(session: Session, *, quarantine_ids: list[int]) -> dict[int, list[dt.date]]:
    """The days of each of these quarantines' rounds, in order (one read for many)."""
    found: dict[int, list[dt.date]] = {}
    if quarantine_ids:
        rows = session.execute(
            select(SamplingRound.quarantine_id, SamplingRound.day)
            .where(among(session, SamplingRound.quarantine_id, quarantine_ids))
            .order_by(SamplingRound.quarantine_id, SamplingRound.day)
        )
        for quarantine_id, day in rows:
            found.setdefault(quarantine_id, []).append(day)
    return found


MARK_ALL_MISSED = (
    "UPDATE sampling_round SET status = 'missed', escalated_at = :now"
    " WHERE id {ids} AND status = 'due' AND escalated_at IS NULL RETURNING id"
)


def mark_rounds_missed(sql: Sql, *, sampling_ids: list[int], now: dt.datetime) -> set[int]:
    """`mark_round_missed` for many rounds in one statement; the ids this run marked."""
    if not sampling_ids:
        return set()
    among, params = sql.among("ids", sampling_ids)
    return {row[0] for row in sql.all(MARK_ALL_MISSED.format(ids=among), now=sql.time(now), **params)}


def rounds_done_before(session: Session, *, quarantine: Quarantine) -> list[SamplingRound]:
    """Rounds done under earlier records of the same declaration, within this measure's days."""
    rows = session.execute(
        select(SamplingRound)
        .join(Quarantine, Quarantine.id == SamplingRound.quarantine_id)
        .where(
            Quarantine.declaration_id == quarantine.declaration_id,
            Quarantine.id != quarantine.id,
            SamplingRound.status == DONE,
            SamplingRound.day >= quarantine.start_on,
            SamplingRound.day <= quarantine.end_on,
        )
        .order_by(SamplingRound.done_at)
    ).scalars()
    return list(rows)


def rounds_done_under(session: Session, *, declaration_ids: list[int]) -> list[tuple[SamplingRound, int]]:
    """(round, declaration id) of the rounds done under any record of these declarations, oldest done first."""
    if not declaration_ids:
        return []
    rows = session.execute(
        select(SamplingRound, Quarantine.declaration_id)
        .join(Quarantine, Quarantine.id == SamplingRound.quarantine_id)
        .where(Quarantine.declaration_id.in_(declaration_ids), SamplingRound.status == DONE)
        .order_by(SamplingRound.done_at)
    ).all()
    return [tuple(row) for row in rows]


def successor_round(session: Session, *, declaration_id: int, day: dt.date) -> int | None:
    """The same day's round of the declaration's record in force, if there is one."""
    return session.execute(
        select(SamplingRound.id)
        .join(Quarantine, Quarantine.id == SamplingRound.quarantine_id)
        .where(
            Quarantine.declaration_id == declaration_id,
            Quarantine.status == ACTIVE,
            SamplingRound.day == day,
        )
    ).scalar_one_or_none()


def open_rounds_of(session: Session, *, quarantine_ids: list[int], through: dt.date) -> list[tuple]:
    """(round, quarantine) still due or missed of these quarantines, up to a day, by day."""
    rows = session.execute(
        select(SamplingRound, Quarantine)
        .join(Quarantine, Quarantine.id == SamplingRound.quarantine_id)
        .where(
            SamplingRound.quarantine_id.in_(quarantine_ids),
            SamplingRound.status.in_((DUE, MISSED)),
            SamplingRound.day <= through,
        )
        .order_by(SamplingRound.day, SamplingRound.id)
    ).all()
    return [tuple(row) for row in rows]


def _rounds_in_force(session: Session, *conditions) -> list[tuple]:
    """Rounds of records in force, with their record and declaration, village by village."""
    rows = session.execute(
        select(SamplingRound, Quarantine, Declaration)
        .join(Quarantine, Quarantine.id == SamplingRound.quarantine_id)
        .join(Declaration, Declaration.id == Quarantine.declaration_id)
        .where(Quarantine.status == ACTIVE, *conditions)
        .order_by(Quarantine.village_id, SamplingRound.day, SamplingRound.id)
    ).all()
    return [tuple(row) for row in rows]


def rounds_due_on(session: Session, *, day: dt.date) -> list[tuple]:
    """(round, quarantine, declaration) still due on the day, of records in force."""
    return _rounds_in_force(session, SamplingRound.day == day, SamplingRound.status == DUE)


def missed_rounds(session: Session, *, quarantine_ids: list[int]) -> list[tuple]:
    """(round, quarantine, declaration) missed and not made up, of these records in force."""
    if not quarantine_ids:
        return []
    return _rounds_in_force(session, SamplingRound.status == MISSED, SamplingRound.quarantine_id.in_(quarantine_ids))


def late_rounds(session: Session, *, through: dt.date) -> list[tuple]:
    """(round, quarantine, declaration) still due on or before a day and never escalated, of records in force."""
    return _rounds_in_force(
        session, SamplingRound.status == DUE, SamplingRound.day <= through, SamplingRound.escalated_at.is_(None)
    )
