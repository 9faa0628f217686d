"""The day's figures for a set of villages, one line each: what 统计 and the evening brief both show."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Protocol

from sqlalchemy import and_, case, func, not_, or_, select
from sqlmodel import Session

from models.care import CheckIn
from models.declaration import CURRENT, Classification, Declaration
from models.event import EventReport
from models.fever import FeverReport
from models.quarantine import ACTIVE, CENTRAL, MEASURES, Quarantine
from models.question import PolicyQuestion
from models.supplies import ACCEPTED, OPEN, SupplyRequest
from models.town import Village
from town.clock import day as day_text
from town.clock import day_bounds
from town.policy import DISPOSITIONS
from town.settings import Settings
from town.stats.texts import TEXT
from town.texts import EVENT_NAMES
from town.vaccination import coverage, totals


class Reader(Protocol):
    """What the figures are read with: a session, the moment, the settings (a message's context has them)."""

    session: Session
    now: dt.datetime
    settings: Settings


CHECKED_IN_KINDS = tuple(kind for kind in MEASURES if kind != CENTRAL)  # the central site takes temperatures
EVENT_WINDOW_DAYS = 30
_ORDER = {
    name: i for i, name in enumerate(DISPOSITIONS)
}  # an undated event reported within this many days is still upcoming


def _parts(counts: Counter) -> str:
    """「居家隔离2、无需隔离1」: most first, then in the policy's order."""
    if not counts:
        return ""
    order = sorted(counts.items(), key=lambda item: (-item[1], _ORDER.get(item[0], len(_ORDER)), item[0]))
    shown = TEXT.separator.join(TEXT.part.format(name=name, n=n) for name, n in order)
    return TEXT.parts.format(parts=shown)


def declarations(day: Reader, villages: list[int], today: dt.date) -> str:
    start, end = day_bounds(today)
    rows = day.session.execute(
        select(Classification.disposition, func.count())
        .join(Declaration, Declaration.id == Classification.declaration_id)
        .where(Classification.status == CURRENT, Declaration.village_id.in_(villages))
        .where(Declaration.created_at >= start, Declaration.created_at < end)
        .group_by(Classification.disposition)
    )
    counts = Counter(dict(rows.all()))
    return TEXT.declarations.format(n=sum(counts.values()), parts=_parts(counts))


def _covering(villages: list[int], today: dt.date):
    return and_(
        Quarantine.status == ACTIVE,
        Quarantine.village_id.in_(villages),
        Quarantine.start_on <= today,
        Quarantine.end_on >= today,
    )


def quarantines(day: Reader, villages: list[int], today: dt.date) -> str:
    rows = day.session.execute(
        select(Quarantine.kind, func.count()).where(_covering(villages, today)).group_by(Quarantine.kind)
    )
    counts = Counter(dict(rows.all()))
    return TEXT.quarantines.format(n=sum(counts.values()), parts=_parts(counts))


def supplies(day: Reader, villages: list[int]) -> str:
    accept_by = day.now - dt.timedelta(hours=day.settings.supply_accept_hours)
    deliver_by = day.now - dt.timedelta(hours=day.settings.supply_deliver_hours)
    late = or_(
        and_(SupplyRequest.status == OPEN, SupplyRequest.created_at < accept_by),
        SupplyRequest.created_at < deliver_by,
    )
    total, overdue = day.session.execute(
        select(func.count(), func.sum(case((late, 1), else_=0))).where(
            SupplyRequest.status.in_((OPEN, ACCEPTED)), SupplyRequest.village_id.in_(villages)
        )
    ).one()
    return TEXT.supplies.format(n=total, late=int(overdue or 0))


def checkins(day: Reader, villages: list[int], today: dt.date) -> str:
    reported = select(CheckIn.id).where(CheckIn.quarantine_id == Quarantine.id, CheckIn.day == today).exists()
    home = or_(
        Quarantine.kind.in_(CHECKED_IN_KINDS),
        and_(Quarantine.home_start_on.is_not(None), Quarantine.home_start_on <= today),
    )
    missing = day.session.execute(
        select(func.count()).select_from(Quarantine).where(_covering(villages, today), home, not_(reported))
    ).scalar_one()
    return TEXT.checkins.format(n=missing)


def fevers(day: Reader, villages: list[int], today: dt.date) -> str:
    start, end = day_bounds(today)
    count = day.session.execute(
        select(func.count()).where(
            FeverReport.village_id.in_(villages), FeverReport.created_at >= start, FeverReport.created_at < end
        )
    ).scalar_one()
    return TEXT.fevers.format(n=count)


def events(day: Reader, villages: list[int], today: dt.date) -> str:
    since = day.now - dt.timedelta(days=EVENT_WINDOW_DAYS)
    rows = day.session.execute(
        select(EventReport, Village.name)
        .join(Village, Village.id == EventReport.village_id)
        .where(EventReport.village_id.in_(villages))
        .where(
            or_(EventReport.event_on >= today, and_(EventReport.event_on.is_(None), EventReport.created_at >= since))
        )
        .order_by(EventReport.event_on, EventReport.id)
    ).all()
    dated = [(e, village) for e, village in rows if e.event_on is not None]
    undated = len(rows) - len(dated)
    shown = ""
    if dated:
        event, village = dated[0]
        guests = TEXT.guests.format(n=event.guests) if event.guests else TEXT.no_guests
        shown = TEXT.next_event.format(
            date=day_text(event.event_on), kind=EVENT_NAMES.get(event.kind, event.kind), village=village, guests=guests
        )
    return TEXT.events.format(n=len(rows), next=shown + (TEXT.undated.format(n=undated) if undated else ""))


def vaccines(day: Reader, villages: list[int]) -> list[str]:
    rows = coverage(day.session, village_ids=villages)
    if not rows:
        return [TEXT.no_vaccines]
    summed = totals(rows)
    whole = summed[-1]
    lines = [TEXT.vaccines.format(n=whole.registered, first=whole.first_dose, rate=whole.rate, two=whole.two_doses)]
    if len(summed) > 1:
        lines += [
            TEXT.vaccine_group.format(group=r.group_name, n=r.registered, first=r.first_dose, rate=r.rate)
            for r in summed[:-1]
            if r.group in ("12-17", "18+")
        ]
    return lines


def open_questions(day: Reader, villages: list[int]) -> str:
    count = day.session.execute(
        select(func.count()).where(PolicyQuestion.status == "open", PolicyQuestion.village_id.in_(villages))
    ).scalar_one()
    return TEXT.questions.format(n=count)
