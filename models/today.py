"""The Today page's grouped figures beyond models/figures: one query each, filtered to a jurisdiction in SQL.

A CASE bucket is grouped in an outer query: PostgreSQL does not match a GROUP BY expression whose parameters differ.

`villages` is None for the whole town, else the villages a viewer may see (empty: none). Days are the town's days,
given as UTC bounds by the caller, so bucketing is plain comparisons that read the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Sequence

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

from models.care_rounds import DUE, MISSED, SamplingRound
from models.declaration import CURRENT, Classification, Declaration
from models.fever import FeverReport
from models.person import Person
from models.quarantine import ACTIVE, Quarantine
from models.question import PolicyQuestion
from models.supplies import ACCEPTED, OPEN, SupplyRequest
from models.town import Village

# How late an undelivered request is: within the town's deadlines, past one, past one by more than a day.
ON_TIME, LATE, LATE_DAY = "on_time", "late", "late_day"
OPEN_FEVER, CLOSED_FEVER = "open", "closed"


def _within(column, villages: Collection[int] | None) -> list:
    """No condition for the whole town, else the jurisdiction's villages (none at all for an empty one)."""
    return [] if villages is None else [column.in_(list(villages) or [-1])]


def declarations_by_day(
    session: Session, *, villages: Collection[int] | None, starts: Sequence[dt.datetime], end: dt.datetime
) -> dict[int, Counter]:
    """Declarations made per town day, by the disposition in force: {day index: Counter}; `starts` ascending, each
    the UTC start of a day, `end` the end of the last one."""
    day = case(*[(Declaration.created_at >= start, i) for i, start in reversed(list(enumerate(starts)))], else_=-1)
    made = (
        select(day.label("day"), Classification.disposition.label("disposition"))
        .join(Classification, and_(Classification.declaration_id == Declaration.id, Classification.status == CURRENT))
        .where(Declaration.created_at >= starts[0], Declaration.created_at < end)
        .where(*_within(Declaration.village_id, villages))
        .subquery()
    )
    rows = session.execute(
        select(made.c.day, made.c.disposition, func.count()).group_by(made.c.day, made.c.disposition)
    )
    found: dict[int, Counter] = {}
    for index, disposition, n in rows:
        found.setdefault(index, Counter())[disposition] += n
    return found


def supplies_by_state(
    session: Session,
    *,
    villages: Collection[int] | None,
    accept_by: dt.datetime,
    deliver_by: dt.datetime,
    day_over: dt.timedelta = dt.timedelta(days=1),
) -> dict[tuple[int | None, str, str], int]:
    """Undelivered requests per (village, status, lateness): on time, past the town's deadline, past it by a day."""
    late = or_(
        and_(SupplyRequest.status == OPEN, SupplyRequest.created_at < accept_by),
        SupplyRequest.created_at < deliver_by,
    )
    very_late = or_(
        and_(SupplyRequest.status == OPEN, SupplyRequest.created_at < accept_by - day_over),
        SupplyRequest.created_at < deliver_by - day_over,
    )
    lateness = case((very_late, LATE_DAY), (late, LATE), else_=ON_TIME)
    waiting = (
        select(SupplyRequest.village_id, SupplyRequest.status, lateness.label("lateness"))
        .where(SupplyRequest.status.in_((OPEN, ACCEPTED)), *_within(SupplyRequest.village_id, villages))
        .subquery()
    )
    columns = (waiting.c.village_id, waiting.c.status, waiting.c.lateness)
    rows = session.execute(select(*columns, func.count()).group_by(*columns))
    return {(village_id, status, how): n for village_id, status, how, n in rows}


def fevers_by_state(
    session: Session, *, villages: Collection[int] | None, since: dt.datetime
) -> dict[tuple[int | None, str], int]:
    """Fever reports made since then, per (village, open or closed)."""
    state = case((FeverReport.closed_at.is_(None), OPEN_FEVER), else_=CLOSED_FEVER)
    reports = (
        select(FeverReport.village_id, state.label("state"))
        .where(FeverReport.created_at >= since, *_within(FeverReport.village_id, villages))
        .subquery()
    )
    columns = (reports.c.village_id, reports.c.state)
    rows = session.execute(select(*columns, func.count()).group_by(*columns))
    return {(village_id, how): n for village_id, how, n in rows}


def open_supply_rows(session: Session, *, villages: Collection[int] | None) -> list[tuple]:
    """(id, urgent, status, items JSON, created at, village name, household name) of undelivered requests, urgent
    and oldest first (the read-only 待办 of a town account without a cadre)."""
    rows = session.execute(
        select(
            SupplyRequest.id,
            SupplyRequest.urgent,
            SupplyRequest.status,
            SupplyRequest.items,
            SupplyRequest.created_at,
            Village.name,
            Person.name,
        )
        .join(Person, Person.id == SupplyRequest.person_id)
        .outerjoin(Village, Village.id == SupplyRequest.village_id)
        .where(SupplyRequest.status.in_((OPEN, ACCEPTED)), *_within(SupplyRequest.village_id, villages))
        .order_by(SupplyRequest.urgent.desc(), SupplyRequest.id)
    )
    return [tuple(row) for row in rows]


def open_question_rows(session: Session, *, villages: Collection[int] | None) -> list[tuple]:
    """(id, text, village name, asked at) of villagers' questions waiting for an answer, oldest first."""
    rows = session.execute(
        select(PolicyQuestion.id, PolicyQuestion.text, Village.name, PolicyQuestion.created_at)
        .outerjoin(Village, Village.id == PolicyQuestion.village_id)
        .where(PolicyQuestion.status == "open", *_within(PolicyQuestion.village_id, villages))
        .order_by(PolicyQuestion.id)
    )
    return [tuple(row) for row in rows]


def declarations_version(session: Session) -> tuple[int | None, int | None]:
    """The newest classification's and declaration's ids: every new declaration, re-classification or override
    writes a classification row, so a count by measure read at this version still holds while it is the same."""
    newest_class = select(func.max(Classification.id)).scalar_subquery()
    newest_declaration = select(func.max(Declaration.id)).scalar_subquery()
    return tuple(session.execute(select(newest_class, newest_declaration)).one())


def overdue_round_rows(session: Session, *, villages: Collection[int] | None, today: dt.date) -> list[tuple]:
    """(round id, day, returnee's name, village name) of sampling rounds of measures in force that were missed, or
    are still due from before today: oldest first."""
    rows = session.execute(
        select(SamplingRound.id, SamplingRound.day, Declaration.name, Village.name)
        .join(Quarantine, Quarantine.id == SamplingRound.quarantine_id)
        .join(Declaration, Declaration.id == Quarantine.declaration_id)
        .join(Village, Village.id == Quarantine.village_id)
        .where(Quarantine.status == ACTIVE, *_within(Quarantine.village_id, villages))
        .where(or_(SamplingRound.status == MISSED, and_(SamplingRound.status == DUE, SamplingRound.day < today)))
        .order_by(SamplingRound.day, SamplingRound.id)
    )
    return [tuple(row) for row in rows]
