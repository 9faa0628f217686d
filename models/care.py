"""Care of an isolated household: its four responsible people (四包一), sampling rounds and daily check-ins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint, select
from sqlmodel import Field, Session, SQLModel

from models.cadre import Holder
from models.declaration import Declaration
from models.quarantine import ACTIVE, Quarantine
from models.sql import Sql

DUE, DONE, MISSED = "due", "done", "missed"


class CareAssignment(SQLModel, table=True):
    """One of the four people responsible for a quarantined household, in one role."""

    __tablename__ = "care_assignment"

    id: int | None = Field(default=None, primary_key=True)
    quarantine_id: int = Field(foreign_key="quarantine.id", index=True)
    role: str = Field(max_length=32)
    person_id: int = Field(foreign_key="person.id", index=True)
    assigned_at: dt.datetime
    released_at: dt.datetime | None = None


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


class CheckIn(SQLModel, table=True):
    """A household's daily health report (one row per person reported on)."""

    __tablename__ = "check_in"

    id: int | None = Field(default=None, primary_key=True)
    quarantine_id: int = Field(foreign_key="quarantine.id", index=True)
    person_id: int = Field(foreign_key="person.id")  # who sent it
    day: dt.date = Field(index=True)  # the town's date (TIMEZONE)
    member: str | None = Field(default=None, max_length=50)  # None: the returnee, or 「全家」
    temperature: float | None = None
    symptoms: str | None = Field(default=None, max_length=200)
    fever: bool = False
    text: str = Field(max_length=500)
    created_at: dt.datetime


def cares_for(sql: Sql, *, quarantine_id: int, person_id: int, current: bool = False) -> bool:
    """Whether the person is (or, unless `current`, ever was) one of the household's responsible people."""
    query = "SELECT 1 FROM care_assignment WHERE quarantine_id = :quarantine AND person_id = :person"
    query += " AND released_at IS NULL LIMIT 1" if current else " LIMIT 1"
    return sql.one(query, quarantine=quarantine_id, person=person_id) is not None


LOAD = (
    "SELECT person_id, COUNT(*) FROM care_assignment WHERE released_at IS NULL AND person_id IN {ids}"
    " GROUP BY person_id"
)
RELEASE = "UPDATE care_assignment SET released_at = :now WHERE quarantine_id = :quarantine AND released_at IS NULL"
EVER_CARED = (
    "SELECT DISTINCT ca.quarantine_id, p.id, p.openid FROM care_assignment ca JOIN person p ON p.id = ca.person_id"
    " WHERE ca.quarantine_id IN {ids} ORDER BY ca.quarantine_id, p.id"
)
CARED_FOR = "SELECT quarantine_id FROM care_assignment WHERE person_id = :person AND released_at IS NULL"
DOCTORS_OF = (
    "SELECT ca.quarantine_id, p.id, p.openid, ca.role, p.name, p.phone FROM care_assignment ca"
    " JOIN person p ON p.id = ca.person_id WHERE ca.role = 'village_doctor' AND ca.released_at IS NULL"
    " AND ca.quarantine_id IN {ids} ORDER BY ca.id"
)
ACTIVE_CARE = (
    "SELECT ca.quarantine_id, ca.role FROM care_assignment ca JOIN quarantine q ON q.id = ca.quarantine_id"
    " WHERE ca.person_id = :person AND ca.released_at IS NULL AND q.status = 'active'"
)
CARES_NOW = "SELECT 1 FROM care_assignment WHERE person_id = :person AND released_at IS NULL LIMIT 1"
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


def carers_of(sql: Sql, *, quarantine_id: int) -> list[tuple[int, str, str, str | None, str | None]]:
    """(person id, openid, role, name, phone) of who cares for the quarantine now, in the order assigned."""
    return [(h.person_id, h.openid, h.role, h.name, h.phone) for h in care_holders(sql, quarantine_id=quarantine_id)]


def care_load(sql: Sql, *, person_ids: list[int]) -> dict[int, int]:
    """How many households each of these people cares for now (absent: none)."""
    placeholders, params = sql.in_list("ids", person_ids)
    return dict(sql.all(LOAD.format(ids=placeholders), **params))


def add_care_assignments(
    session: Session, *, quarantine_id: int, people: list[tuple[str, int]], now: dt.datetime
) -> None:
    """Store the (role, person id) assignments of a quarantine, in order."""
    for role, person_id in people:
        session.add(CareAssignment(quarantine_id=quarantine_id, role=role, person_id=person_id, assigned_at=now))
    session.flush()


def release_care(sql: Sql, *, quarantine_id: int, now: dt.datetime) -> int:
    """Every assignment of the quarantine ends now; how many."""
    return sql.run(RELEASE, quarantine=quarantine_id, now=sql.time(now))


def ever_cared(sql: Sql, *, quarantine_ids: list[int]) -> list[tuple[int, int, str]]:
    """(quarantine id, person id, openid) of everyone who ever cared for these quarantines."""
    placeholders, params = sql.in_list("ids", quarantine_ids)
    return [tuple(row) for row in sql.all(EVER_CARED.format(ids=placeholders), **params)]


def cared_for_by(sql: Sql, *, person_id: int) -> list[int]:
    """The quarantines this person cares for now."""
    return [row[0] for row in sql.all(CARED_FOR, person=person_id)]


def doctors_caring(sql: Sql, *, quarantine_ids: list[int]) -> list[tuple]:
    """(quarantine id, person id, openid, role, name, phone) of each quarantine's assigned village doctor."""
    placeholders, params = sql.in_list("ids", quarantine_ids)
    return [tuple(row) for row in sql.all(DOCTORS_OF.format(ids=placeholders), **params)]


def active_care_of(sql: Sql, *, person_id: int) -> list[tuple[int, str]]:
    """(quarantine id, role) of the active quarantines this person cares for now."""
    return [tuple(row) for row in sql.all(ACTIVE_CARE, person=person_id)]


def cares_now(sql: Sql, *, person_id: int) -> bool:
    """Whether the person cares for any household now."""
    return sql.one(CARES_NOW, person=person_id) is not None


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


def save_rounds(session: Session, *, rounds: list[SamplingRound]) -> list[SamplingRound]:
    """Store new rounds, numbered in the order given."""
    session.add_all(rounds)
    session.flush()
    return rounds


def rounds_of(session: Session, *, quarantine_id: int) -> list[SamplingRound]:
    """A quarantine's rounds by day."""
    return list(
        session.execute(
            select(SamplingRound).where(SamplingRound.quarantine_id == quarantine_id).order_by(SamplingRound.day)
        ).scalars()
    )


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


def add_check_ins(session: Session, *, rows: list[dict]) -> list[CheckIn]:
    """Store one check-in per person reported on; the rows, with their ids."""
    check_ins = [CheckIn(**row) for row in rows]
    session.add_all(check_ins)
    session.flush()
    return check_ins


def reported_members(session: Session, *, quarantine_ids: list[int], day: dt.date) -> list[tuple[int, str | None]]:
    """(quarantine id, member) of every check-in of these quarantines on the day."""
    rows = session.execute(
        select(CheckIn.quarantine_id, CheckIn.member).where(
            CheckIn.quarantine_id.in_(quarantine_ids), CheckIn.day == day
        )
    )
    return [tuple(row) for row in rows]


CARE_HOLDERS = (
    "SELECT p.id, p.openid, ca.role, p.name, p.phone, q.village_id FROM care_assignment ca"
    " JOIN person p ON p.id = ca.person_id JOIN quarantine q ON q.id = ca.quarantine_id"
    " WHERE ca.quarantine_id = :quarantine AND ca.released_at IS NULL ORDER BY ca.id"
)


def care_holders(sql: Sql, *, quarantine_id: int) -> list[Holder]:
    """The household's current responsible people (四包一), in the order they were assigned."""
    return [Holder(*row) for row in sql.all(CARE_HOLDERS, quarantine=quarantine_id)]


def check_in_by_id(session: Session, *, check_in_id: int) -> CheckIn | None:
    """One check-in row, by id."""
    return session.get(CheckIn, check_in_id)


def save_check_in(session: Session, *, check_in: CheckIn) -> None:
    """Mark a changed check-in to be written with the transaction."""
    session.add(check_in)


ROLES_NOW = "SELECT quarantine_id, role FROM care_assignment WHERE released_at IS NULL AND quarantine_id IN {ids}"


def roles_now(sql: Sql, *, quarantine_ids: list[int]) -> dict[int, set[str]]:
    """The roles someone holds now in each of these quarantines' four (absent: nobody)."""
    if not quarantine_ids:
        return {}
    placeholders, params = sql.in_list("ids", quarantine_ids)
    found: dict[int, set[str]] = {}
    for quarantine_id, role in sql.all(ROLES_NOW.format(ids=placeholders), **params):
        found.setdefault(quarantine_id, set()).add(role)
    return found
