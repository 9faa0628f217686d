"""Care of an isolated household: its four responsible people (四包一).

Its sampling rounds are in models/care_rounds.py and its daily check-ins in models/care_checkins.py; their names
are also importable from here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlmodel import Field, Session, SQLModel

from models.cadre import Holder
from models.care_checkins import CheckIn, add_check_ins, check_in_by_id, reported_members, save_check_in
from models.care_rounds import (
    DONE,
    DUE,
    MISSED,
    SamplingRound,
    late_rounds,
    mark_round_done,
    mark_round_missed,
    mark_round_not_done,
    missed_rounds,
    open_rounds_of,
    reload_round,
    rounds_done_before,
    rounds_due_on,
    rounds_of,
    sampling_round,
    save_rounds,
    successor_round,
)
from models.sql import Sql


class CareAssignment(SQLModel, table=True):
    """One of the four people responsible for a quarantined household, in one role."""

    __tablename__ = "care_assignment"

    id: int | None = Field(default=None, primary_key=True)
    quarantine_id: int = Field(foreign_key="quarantine.id", index=True)
    role: str = Field(max_length=32)
    person_id: int = Field(foreign_key="person.id", index=True)
    assigned_at: dt.datetime
    released_at: dt.datetime | None = None


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


def add_care_assignments_of(session: Session, *, people: list[tuple[int, str, int]], now: dt.datetime) -> None:
    """Store (quarantine id, role, person id) assignments of many quarantines, in order: one executemany (plain
    rows: nothing reads them back as objects in this transaction)."""
    if people:
        rows = [
            {"quarantine_id": quarantine_id, "role": role, "person_id": person_id, "assigned_at": now}
            for quarantine_id, role, person_id in people
        ]
        session.execute(insert(CareAssignment.__table__), rows)


def release_care(sql: Sql, *, quarantine_id: int, now: dt.datetime) -> int:
    """Every assignment of the quarantine ends now; how many."""
    return sql.run(RELEASE, quarantine=quarantine_id, now=sql.time(now))


def release_care_of(sql: Sql, *, quarantine_ids: list[int], now: dt.datetime) -> int:
    """`release_care` of many quarantines in one statement; how many assignments ended."""
    if not quarantine_ids:
        return 0
    placeholders, params = sql.in_list("ids", quarantine_ids)
    query = "UPDATE care_assignment SET released_at = :now WHERE released_at IS NULL AND quarantine_id IN "
    return sql.run(query + placeholders, now=sql.time(now), **params)


def ever_cared(sql: Sql, *, quarantine_ids: list[int]) -> list[tuple[int, int, str]]:
    """(quarantine id, person id, openid) of everyone who ever cared for these quarantines."""
    placeholders, params = sql.in_list("ids", quarantine_ids)
    return [tuple(row) for row in sql.all(EVER_CARED.format(ids=placeholders), **params)]


def cared_for_by_each(sql: Sql, *, person_ids: list[int]) -> dict[int, list[int]]:
    """The quarantines each of these people cares for now (one read)."""
    found: dict[int, list[int]] = {pid: [] for pid in person_ids}
    if person_ids:
        placeholders, params = sql.in_list("ids", person_ids)
        query = "SELECT person_id, quarantine_id FROM care_assignment WHERE released_at IS NULL AND person_id IN "
        for person_id, quarantine_id in sql.all(query + placeholders, **params):
            found[person_id].append(quarantine_id)
    return found


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


CARE_HOLDERS = (
    "SELECT p.id, p.openid, ca.role, p.name, p.phone, q.village_id FROM care_assignment ca"
    " JOIN person p ON p.id = ca.person_id JOIN quarantine q ON q.id = ca.quarantine_id"
    " WHERE ca.quarantine_id = :quarantine AND ca.released_at IS NULL ORDER BY ca.id"
)


CARERS_NOW = (
    "SELECT ca.quarantine_id, p.id, p.openid, ca.role, p.name, p.phone, q.village_id FROM care_assignment ca"
    " JOIN person p ON p.id = ca.person_id JOIN quarantine q ON q.id = ca.quarantine_id"
    " WHERE ca.released_at IS NULL AND q.status = 'active' ORDER BY ca.id"
)


def carers_in_force(sql: Sql) -> dict[int, list[Holder]]:
    """Every record in force's current responsible people, in the order assigned (one read for a whole job)."""
    found: dict[int, list[Holder]] = {}
    for quarantine_id, *holder in sql.all(CARERS_NOW):
        found.setdefault(quarantine_id, []).append(Holder(*holder))
    return found


def care_holders_of(sql: Sql, *, quarantine_ids: list[int]) -> dict[int, list[Holder]]:
    """`care_holders` of many quarantines in one read, by quarantine id (absent: nobody)."""
    found: dict[int, list[Holder]] = {}
    if quarantine_ids:
        among, params = sql.among("ids", quarantine_ids)
        query = CARE_HOLDERS.replace("ca.quarantine_id = :quarantine", f"ca.quarantine_id {among}")
        query = query.replace("SELECT p.id", "SELECT ca.quarantine_id, p.id")
        for quarantine_id, *holder in sql.all(query, **params):
            found.setdefault(quarantine_id, []).append(Holder(*holder))
    return found


def care_holders(sql: Sql, *, quarantine_id: int) -> list[Holder]:
    """The household's current responsible people (四包一), in the order they were assigned."""
    return [Holder(*row) for row in sql.all(CARE_HOLDERS, quarantine=quarantine_id)]


CARERS_OF_EACH = (
    "SELECT ca.quarantine_id, p.id, p.openid, ca.role, p.name, p.phone FROM care_assignment ca"
    " JOIN person p ON p.id = ca.person_id WHERE ca.released_at IS NULL AND ca.quarantine_id IN {ids} ORDER BY ca.id"
)


def carers_of_each(sql: Sql, *, quarantine_ids: list[int]) -> dict[int, list[tuple]]:
    """`carers_of` of many quarantines in one read, by quarantine id (absent: nobody)."""
    found: dict[int, list[tuple]] = {}
    if quarantine_ids:
        placeholders, params = sql.in_list("ids", quarantine_ids)
        for quarantine_id, *carer in sql.all(CARERS_OF_EACH.format(ids=placeholders), **params):
            found.setdefault(quarantine_id, []).append(tuple(carer))
    return found


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


__all__ = [  # re-exported from models/care_rounds.py and models/care_checkins.py
    "DONE", "DUE", "MISSED", "CheckIn", "SamplingRound", "add_check_ins", "check_in_by_id", "late_rounds",
    "mark_round_done", "mark_round_missed", "mark_round_not_done", "missed_rounds", "open_rounds_of",
    "reload_round", "reported_members", "rounds_done_before", "rounds_due_on", "rounds_of", "sampling_round",
    "save_check_in", "save_rounds", "successor_round",
]  # fmt: skip
