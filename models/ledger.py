"""The 台账's reads: returnees with their current classification, active quarantines, checkpoint anomalies, carers.

One query per ledger, each optionally limited to one village; the rows come back as tuples of table objects and the
village's name, in the town file's order of villages.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models.care import DONE, CareAssignment, SamplingRound
from models.checkpoint import CheckpointReport
from models.declaration import CURRENT, Classification, Declaration, HouseholdMember
from models.person import Person
from models.quarantine import ACTIVE, CANCELLED, Quarantine
from models.riskarea import RiskList
from models.town import Village


def _village_order():
    """Villages in the town file's order: by work area, then as listed."""
    return (Village.work_area_id.asc().nulls_last(), Village.id)


def returnee_declarations(session: Session, *, village_id: int | None) -> list[tuple]:
    """Every declaration with its current classification (or None), its village's name, the list it was classified
    against (or None) and who declared for the returnee (or None), by village and arrival."""
    current = and_(Classification.declaration_id == Declaration.id, Classification.status == CURRENT)
    proxy = aliased(Person)
    query = (
        select(Declaration, Classification, Village.name, RiskList, proxy)
        .join(Village, Village.id == Declaration.village_id)
        .outerjoin(Classification, current)
        .outerjoin(RiskList, RiskList.id == Classification.list_id)
        .outerjoin(proxy, proxy.id == Declaration.declared_by_person_id)
        .order_by(*_village_order(), Declaration.arrived_on, Declaration.id)
    )
    if village_id is not None:
        query = query.where(Declaration.village_id == village_id)
    return [tuple(row) for row in session.execute(query)]


def sampling_progress(session: Session, *, village_id: int | None) -> list[tuple[int, str, int]]:
    """(declaration id, planned sampling dates as stored, rounds done) of each household's measure under its
    current classification (active or ended, never a cancelled one)."""
    done = (
        select(SamplingRound.quarantine_id, func.count().label("done"))
        .where(SamplingRound.status == DONE)
        .group_by(SamplingRound.quarantine_id)
        .subquery()
    )
    query = (
        select(Quarantine.declaration_id, Quarantine.sampling_dates, func.coalesce(done.c.done, 0))
        .join(Classification, Classification.id == Quarantine.classification_id)
        .outerjoin(done, done.c.quarantine_id == Quarantine.id)
        .where(Classification.status == CURRENT, Quarantine.status != CANCELLED)
        .order_by(Quarantine.id)
    )
    if village_id is not None:
        query = query.where(Quarantine.village_id == village_id)
    return [tuple(row) for row in session.execute(query)]


def household_members(session: Session, *, village_id: int | None) -> list[HouseholdMember]:
    """The people who came back with a returnee, in the order they were declared."""
    query = select(HouseholdMember).join(Declaration, Declaration.id == HouseholdMember.declaration_id)
    if village_id is not None:
        query = query.where(Declaration.village_id == village_id)
    return list(session.execute(query.order_by(HouseholdMember.id)).scalars())


def active_quarantines(session: Session, *, village_id: int | None) -> list[tuple]:
    """Active quarantines with the declarer's name and phone and the village's name, by village and start."""
    query = (
        select(Quarantine, Declaration.name, Declaration.phone, Village.name)
        .join(Declaration, Declaration.id == Quarantine.declaration_id)
        .join(Village, Village.id == Quarantine.village_id)
        .where(Quarantine.status == ACTIVE)
        .order_by(*_village_order(), Quarantine.start_on, Quarantine.id)
    )
    if village_id is not None:
        query = query.where(Quarantine.village_id == village_id)
    return [tuple(row) for row in session.execute(query)]


def checkpoint_anomalies(session: Session, *, village_id: int | None) -> list[tuple]:
    """Anomalies reported at checkpoints with the village's name (or None), oldest first."""
    query = (
        select(CheckpointReport, Village.name)
        .outerjoin(Village, Village.id == CheckpointReport.village_id)
        .where(CheckpointReport.anomaly.is_(True))
        .order_by(CheckpointReport.seen_at, CheckpointReport.id)
    )
    if village_id is not None:
        query = query.where(CheckpointReport.village_id == village_id)
    return [tuple(row) for row in session.execute(query)]


def carers_of_households(
    session: Session, *, quarantine_ids: Iterable[int]
) -> list[tuple[int, str, str | None, str | None]]:
    """(quarantine id, role, name, phone) of the people holding a place in these quarantines now, as assigned."""
    ids = set(quarantine_ids)
    if not ids:
        return []
    return session.execute(
        select(CareAssignment.quarantine_id, CareAssignment.role, Person.name, Person.phone)
        .join(Person, Person.id == CareAssignment.person_id)
        .where(CareAssignment.quarantine_id.in_(ids), CareAssignment.released_at.is_(None))
        .order_by(CareAssignment.id)
    ).all()
