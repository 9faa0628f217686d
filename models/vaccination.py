"""Vaccination doses people register, per person or household member, with their age group."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, or_, select
from sqlmodel import Field, Session, SQLModel

from models.town import Village


class Vaccination(SQLModel, table=True):
    """One person's doses, as reported by themselves or their household."""

    __tablename__ = "vaccination"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)  # who reported it
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    name: str = Field(max_length=50)
    id_number: str | None = Field(default=None, max_length=18)
    age_group: str | None = Field(default=None, max_length=8)  # under12, 12-17, 18+
    doses: int = 0
    last_dose_on: dt.date | None = None
    created_at: dt.datetime
    updated_at: dt.datetime | None = None


def vaccination_by_id_number(session: Session, *, id_number: str) -> Vaccination | None:
    """The row registered under this ID number, if any."""
    return session.exec(select(Vaccination).where(Vaccination.id_number == id_number)).scalars().first()


def vaccination_by_name(
    session: Session, *, person_id: int, village_id: int, name: str, id_number: str | None
) -> Vaccination | None:
    """The row this sender registered for this name in this village (without an ID number, or with this one)."""
    return (
        session.exec(
            select(Vaccination).where(
                Vaccination.person_id == person_id,
                Vaccination.village_id == village_id,
                Vaccination.name == name,
                or_(Vaccination.id_number.is_(None), Vaccination.id_number == id_number),
            )
        )
        .scalars()
        .first()
    )


def save_vaccination(session: Session, *, row: Vaccination) -> None:
    """Write a new or changed row now."""
    session.add(row)
    session.flush()


def coverage_counts(session: Session, *, village_ids: list[int] | None = None) -> list[tuple]:
    """(village name, age group, registered, first dose, two doses) per village and group, in the town's order."""
    query = (
        select(
            Village.name,
            Vaccination.age_group,
            func.count(),
            func.sum(case((Vaccination.doses >= 1, 1), else_=0)),
            func.sum(case((Vaccination.doses >= 2, 1), else_=0)),
        )
        .join(Village, Village.id == Vaccination.village_id)
        .group_by(Village.id, Village.name, Village.work_area_id, Vaccination.age_group)
        .order_by(Village.work_area_id, Village.id)
    )
    if village_ids is not None:
        query = query.where(Vaccination.village_id.in_(village_ids or [-1]))
    return list(session.exec(query))
