"""The day's counting queries, per village: what 统计 and the evening brief show, one grouped query per figure.

Each reads every village at once (the brief) or, given `village_ids`, a jurisdiction (统计); the caller sums.

The rules that choose what is counted (which measures check in, how long a request may wait) belong to the town;
they come in as arguments.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

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

Counts = dict[int, Counter]  # village id -> counts by disposition or kind


def _in(column, village_ids: list[int] | None) -> list:
    """No condition for every village, else the village filter (a jurisdiction)."""
    return [] if village_ids is None else [column.in_(village_ids or [-1])]


def _nested(rows) -> Counts:
    found: Counts = {}
    for village_id, key, n in rows:
        found.setdefault(village_id, Counter())[key] += n
    return found


def declared_dispositions(
    session: Session, *, village_ids: list[int] | None = None, start: dt.datetime, end: dt.datetime
) -> Counts:
    """The declarations made between start and end, per village, counted by the disposition in force."""
    rows = session.execute(
        select(Declaration.village_id, Classification.disposition, func.count())
        .join(Declaration, Declaration.id == Classification.declaration_id)
        .where(Classification.status == CURRENT, *_in(Declaration.village_id, village_ids))
        .where(Declaration.created_at >= start, Declaration.created_at < end)
        .group_by(Declaration.village_id, Classification.disposition)
    )
    return _nested(rows)


def _covering(village_ids: list[int] | None, day: dt.date):
    """Active measures (in these villages) that cover the day."""
    return and_(
        Quarantine.status == ACTIVE,
        *_in(Quarantine.village_id, village_ids),
        Quarantine.start_on <= day,
        Quarantine.end_on >= day,
    )


def measures_by_kind(session: Session, *, village_ids: list[int] | None = None, day: dt.date) -> Counts:
    """The measures in force on the day, per village, counted by kind."""
    rows = session.execute(
        select(Quarantine.village_id, Quarantine.kind, func.count())
        .where(_covering(village_ids, day))
        .group_by(Quarantine.village_id, Quarantine.kind)
    )
    return _nested(rows)


def open_supply_requests(
    session: Session, *, village_ids: list[int] | None = None, accept_by: dt.datetime, deliver_by: dt.datetime
) -> dict[int, tuple[int, int]]:
    """Per village, requests not yet delivered, and how many of them are late (open before accept_by, or made
    before deliver_by)."""
    late = or_(
        and_(SupplyRequest.status == OPEN, SupplyRequest.created_at < accept_by),
        SupplyRequest.created_at < deliver_by,
    )
    rows = session.execute(
        select(SupplyRequest.village_id, func.count(), func.sum(case((late, 1), else_=0)))
        .where(SupplyRequest.status.in_((OPEN, ACCEPTED)), *_in(SupplyRequest.village_id, village_ids))
        .group_by(SupplyRequest.village_id)
    )
    return {village_id: (total, int(overdue or 0)) for village_id, total, overdue in rows}


def missing_checkins(
    session: Session, *, village_ids: list[int] | None = None, day: dt.date, kinds: tuple[str, ...]
) -> Counter:
    """Per village, households checking in on the day (a kind that does, or home after the central site) that
    have not yet."""
    reported = select(CheckIn.id).where(CheckIn.quarantine_id == Quarantine.id, CheckIn.day == day).exists()
    home = or_(
        Quarantine.kind.in_(kinds),
        and_(Quarantine.home_start_on.is_not(None), Quarantine.home_start_on <= day),
    )
    rows = session.execute(
        select(Quarantine.village_id, func.count())
        .where(_covering(village_ids, day), home, not_(reported))
        .group_by(Quarantine.village_id)
    )
    return Counter(dict(rows.all()))


def fever_count(
    session: Session, *, village_ids: list[int] | None = None, start: dt.datetime, end: dt.datetime
) -> Counter:
    """Fever reports made between start and end, per village."""
    rows = session.execute(
        select(FeverReport.village_id, func.count())
        .where(*_in(FeverReport.village_id, village_ids), FeverReport.created_at >= start, FeverReport.created_at < end)
        .group_by(FeverReport.village_id)
    )
    return Counter(dict(rows.all()))


def open_fever_count(session: Session, *, village_ids: list[int] | None = None, since: dt.datetime) -> Counter:
    """Fever reports made since `since` that nobody has closed yet (已联系/已处理), per village."""
    rows = session.execute(
        select(FeverReport.village_id, func.count())
        .where(*_in(FeverReport.village_id, village_ids), FeverReport.created_at >= since)
        .where(FeverReport.closed_at.is_(None))
        .group_by(FeverReport.village_id)
    )
    return Counter(dict(rows.all()))


def upcoming_events(
    session: Session, *, village_ids: list[int] | None = None, today: dt.date, since: dt.datetime
) -> list[tuple[EventReport, str]]:
    """Gatherings from today on, and undated ones reported since; with the village's name, soonest first."""
    rows = session.execute(
        select(EventReport, Village.name)
        .join(Village, Village.id == EventReport.village_id)
        .where(*_in(EventReport.village_id, village_ids))
        .where(
            or_(EventReport.event_on >= today, and_(EventReport.event_on.is_(None), EventReport.created_at >= since))
        )
        .order_by(EventReport.event_on, EventReport.id)
    ).all()
    return [(event, village) for event, village in rows]


def open_question_count(session: Session, *, village_ids: list[int] | None = None) -> Counter:
    """Villagers' questions still waiting for an answer, per village."""
    rows = session.execute(
        select(PolicyQuestion.village_id, func.count())
        .where(PolicyQuestion.status == "open", *_in(PolicyQuestion.village_id, village_ids))
        .group_by(PolicyQuestion.village_id)
    )
    return Counter(dict(rows.all()))


MESSAGES_BY_VILLAGE = (
    "SELECT p.village_id, COUNT(*) FROM outbox_message o LEFT JOIN person p ON p.openid = o.recipient_openid"
    " WHERE o.status = :status AND o.created_at >= :start AND o.created_at < :end GROUP BY p.village_id"
)


def messages_by_village(sql: Sql, *, status: str, start: dt.datetime, end: dt.datetime) -> dict[int | None, int]:
    """Messages in this status written between start and end, by the recipient's village (None: unknown)."""
    rows = sql.all(MESSAGES_BY_VILLAGE, status=status, start=sql.time(start), end=sql.time(end))
    return dict(rows)
