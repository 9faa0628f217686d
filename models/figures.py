"""The day's counting queries for a set of villages: what 统计 and the evening brief show, one query per figure.

The rules that choose what is counted (which measures check in, how long a request may wait) belong to the town;
they come in as arguments.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, case, func, not_, or_, select
from sqlmodel import Session

from models.care import CheckIn
from models.declaration import CURRENT, Classification, Declaration
from models.event import EventReport
from models.fever import FeverReport
from models.quarantine import ACTIVE, Quarantine
from models.question import PolicyQuestion
from models.sql import Sql
from models.supplies import ACCEPTED, OPEN, SupplyRequest
from models.town import Village


def declared_dispositions(
    session: Session, *, village_ids: list[int], start: dt.datetime, end: dt.datetime
) -> dict[str, int]:
    """The declarations made between start and end, counted by the disposition in force."""
    rows = session.execute(
        select(Classification.disposition, func.count())
        .join(Declaration, Declaration.id == Classification.declaration_id)
        .where(Classification.status == CURRENT, Declaration.village_id.in_(village_ids))
        .where(Declaration.created_at >= start, Declaration.created_at < end)
        .group_by(Classification.disposition)
    )
    return dict(rows.all())


def _covering(village_ids: list[int], day: dt.date):
    """Active measures in these villages that cover the day."""
    return and_(
        Quarantine.status == ACTIVE,
        Quarantine.village_id.in_(village_ids),
        Quarantine.start_on <= day,
        Quarantine.end_on >= day,
    )


def measures_by_kind(session: Session, *, village_ids: list[int], day: dt.date) -> dict[str, int]:
    """The measures in force on the day, counted by kind."""
    rows = session.execute(
        select(Quarantine.kind, func.count()).where(_covering(village_ids, day)).group_by(Quarantine.kind)
    )
    return dict(rows.all())


def open_supply_requests(
    session: Session, *, village_ids: list[int], accept_by: dt.datetime, deliver_by: dt.datetime
) -> tuple[int, int]:
    """Requests not yet delivered, and how many of them are late (open before accept_by, or made before deliver_by)."""
    late = or_(
        and_(SupplyRequest.status == OPEN, SupplyRequest.created_at < accept_by),
        SupplyRequest.created_at < deliver_by,
    )
    total, overdue = session.execute(
        select(func.count(), func.sum(case((late, 1), else_=0))).where(
            SupplyRequest.status.in_((OPEN, ACCEPTED)), SupplyRequest.village_id.in_(village_ids)
        )
    ).one()
    return total, int(overdue or 0)


def missing_checkins(session: Session, *, village_ids: list[int], day: dt.date, kinds: tuple[str, ...]) -> int:
    """Households checking in on the day (a kind that does, or home after the central site) that have not yet."""
    reported = select(CheckIn.id).where(CheckIn.quarantine_id == Quarantine.id, CheckIn.day == day).exists()
    home = or_(
        Quarantine.kind.in_(kinds),
        and_(Quarantine.home_start_on.is_not(None), Quarantine.home_start_on <= day),
    )
    return session.execute(
        select(func.count()).select_from(Quarantine).where(_covering(village_ids, day), home, not_(reported))
    ).scalar_one()


def fever_count(session: Session, *, village_ids: list[int], start: dt.datetime, end: dt.datetime) -> int:
    """Fever reports made between start and end."""
    return session.execute(
        select(func.count()).where(
            FeverReport.village_id.in_(village_ids), FeverReport.created_at >= start, FeverReport.created_at < end
        )
    ).scalar_one()


def upcoming_events(
    session: Session, *, village_ids: list[int], today: dt.date, since: dt.datetime
) -> list[tuple[EventReport, str]]:
    """Gatherings from today on, and undated ones reported since; with the village's name, soonest first."""
    rows = session.execute(
        select(EventReport, Village.name)
        .join(Village, Village.id == EventReport.village_id)
        .where(EventReport.village_id.in_(village_ids))
        .where(
            or_(EventReport.event_on >= today, and_(EventReport.event_on.is_(None), EventReport.created_at >= since))
        )
        .order_by(EventReport.event_on, EventReport.id)
    ).all()
    return [(event, village) for event, village in rows]


def open_question_count(session: Session, *, village_ids: list[int]) -> int:
    """Villagers' questions still waiting for an answer."""
    return session.execute(
        select(func.count()).where(PolicyQuestion.status == "open", PolicyQuestion.village_id.in_(village_ids))
    ).scalar_one()


MESSAGES_BY_VILLAGE = (
    "SELECT p.village_id, COUNT(*) FROM outbox_message o LEFT JOIN person p ON p.openid = o.recipient_openid"
    " WHERE o.status = :status AND o.created_at >= :start AND o.created_at < :end GROUP BY p.village_id"
)


def messages_by_village(sql: Sql, *, status: str, start: dt.datetime, end: dt.datetime) -> dict[int | None, int]:
    """Messages in this status written between start and end, by the recipient's village (None: unknown)."""
    rows = sql.all(MESSAGES_BY_VILLAGE, status=status, start=sql.time(start), end=sql.time(end))
    return dict(rows)
