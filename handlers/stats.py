"""统计: today's numbers for a cadre's jurisdiction (their villages, their work area, or the whole town)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from sqlalchemy import and_, case, func, not_, or_, select

from bot.dialogue import Command, Context
from broadcasts.policy import DISPOSITIONS
from broadcasts.policy.classify import day
from broadcasts.riskareas.entries import SHANGHAI
from handlers.events import KINDS
from handlers.vaccination.coverage import coverage, totals
from models.cadre import held_roles
from models.care import CheckIn
from models.declaration import CURRENT, Classification, Declaration
from models.quarantine import ACTIVE, CENTRAL, MEASURES, Quarantine
from models.reports import EventReport, FeverReport, PolicyQuestion
from models.supplies import ACCEPTED, OPEN, SupplyRequest
from models.town import Village, WorkArea


class TEXT:
    help = "发「统计」：看您负责的村（工作区、全镇）今天的数字"
    cadres_only = "抱歉，「统计」是给村里干部用的。"
    header = "{where}{date}统计（截至{time}）"
    declarations = "返乡报备：今天{n}份{parts}"
    quarantines = "正在管控：{n}户{parts}"
    supplies = "物资申请：没办完{n}件，其中超时{late}件"
    checkins = "今天还没打卡：{n}户"
    fevers = "发热报告：今天{n}人"
    events = "红白事：接下来{n}件{next}"
    next_event = "（最近：{date}{kind}，{village}，{guests}）"
    guests = "约{n}人"
    no_guests = "人数不知道"
    undated = "，日子没定{n}件"
    vaccines = "疫苗登记：{n}人，打过一针及以上{first}人（{rate}%），两针及以上{two}人"
    vaccine_group = "  {group}：{n}人，打过{first}人（{rate}%）"
    no_vaccines = "疫苗登记：还没有人登记"
    questions = "待答复的村民提问：{n}个"
    parts = "（{parts}）"
    part = "{name}{n}"
    separator = "、"
    town = "全镇"


PATTERN = re.compile(r"^(?:今天的?|今日)?统计(?:一下|数据|数字)?[\s。.!！?？]*$")
CHECKED_IN_KINDS = tuple(kind for kind in MEASURES if kind != CENTRAL)  # the central site takes temperatures
EVENT_WINDOW_DAYS = 30
_ORDER = {
    name: i for i, name in enumerate(DISPOSITIONS)
}  # an undated event reported within this many days is still upcoming


def jurisdiction(ctx: Context) -> tuple[str, list[int]] | None:
    """What the cadre answers for (its name and villages): the town, their work areas, or their villages."""
    roles = held_roles(ctx.sql, person_id=ctx.person.id)
    if not roles:
        return None
    session = ctx.session
    if any(role == "town_command" for role, _ in roles):
        return TEXT.town, list(session.execute(select(Village.id).order_by(Village.id)).scalars())
    leads = [village for role, village in roles if role == "work_area_lead"]
    if leads:
        areas = select(Village.work_area_id).where(Village.id.in_(leads))
        names = session.execute(select(WorkArea.name).where(WorkArea.id.in_(areas)).order_by(WorkArea.id)).scalars()
        ids = session.execute(select(Village.id).where(Village.work_area_id.in_(areas)).order_by(Village.id))
        return TEXT.separator.join(names), list(ids.scalars())
    villages = list(dict.fromkeys(village for _, village in roles))
    names = [ctx.villages.by_id(v).name for v in villages if ctx.villages.by_id(v)]
    return TEXT.separator.join(names), villages


def _day_bounds(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(today, dt.time(), SHANGHAI).astimezone(dt.UTC)
    return start, start + dt.timedelta(days=1)


def _parts(counts: Counter) -> str:
    """「居家隔离2、无需隔离1」: most first, then in the policy's order."""
    if not counts:
        return ""
    order = sorted(counts.items(), key=lambda item: (-item[1], _ORDER.get(item[0], len(_ORDER)), item[0]))
    shown = TEXT.separator.join(TEXT.part.format(name=name, n=n) for name, n in order)
    return TEXT.parts.format(parts=shown)


def declarations(ctx: Context, villages: list[int], today: dt.date) -> str:
    start, end = _day_bounds(today)
    rows = ctx.session.execute(
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


def quarantines(ctx: Context, villages: list[int], today: dt.date) -> str:
    rows = ctx.session.execute(
        select(Quarantine.kind, func.count()).where(_covering(villages, today)).group_by(Quarantine.kind)
    )
    counts = Counter(dict(rows.all()))
    return TEXT.quarantines.format(n=sum(counts.values()), parts=_parts(counts))


def supplies(ctx: Context, villages: list[int]) -> str:
    accept_by = ctx.now - dt.timedelta(hours=ctx.settings.supply_accept_hours)
    deliver_by = ctx.now - dt.timedelta(hours=ctx.settings.supply_deliver_hours)
    late = or_(
        and_(SupplyRequest.status == OPEN, SupplyRequest.created_at < accept_by),
        SupplyRequest.created_at < deliver_by,
    )
    total, overdue = ctx.session.execute(
        select(func.count(), func.sum(case((late, 1), else_=0))).where(
            SupplyRequest.status.in_((OPEN, ACCEPTED)), SupplyRequest.village_id.in_(villages)
        )
    ).one()
    return TEXT.supplies.format(n=total, late=int(overdue or 0))


def checkins(ctx: Context, villages: list[int], today: dt.date) -> str:
    reported = select(CheckIn.id).where(CheckIn.quarantine_id == Quarantine.id, CheckIn.day == today).exists()
    home = or_(
        Quarantine.kind.in_(CHECKED_IN_KINDS),
        and_(Quarantine.home_start_on.is_not(None), Quarantine.home_start_on <= today),
    )
    missing = ctx.session.execute(
        select(func.count()).select_from(Quarantine).where(_covering(villages, today), home, not_(reported))
    ).scalar_one()
    return TEXT.checkins.format(n=missing)


def fevers(ctx: Context, villages: list[int], today: dt.date) -> str:
    start, end = _day_bounds(today)
    count = ctx.session.execute(
        select(func.count()).where(
            FeverReport.village_id.in_(villages), FeverReport.created_at >= start, FeverReport.created_at < end
        )
    ).scalar_one()
    return TEXT.fevers.format(n=count)


def events(ctx: Context, villages: list[int], today: dt.date) -> str:
    since = ctx.now - dt.timedelta(days=EVENT_WINDOW_DAYS)
    rows = ctx.session.execute(
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
            date=day(event.event_on), kind=KINDS.get(event.kind, event.kind), village=village, guests=guests
        )
    return TEXT.events.format(n=len(rows), next=shown + (TEXT.undated.format(n=undated) if undated else ""))


def vaccines(ctx: Context, villages: list[int]) -> list[str]:
    rows = coverage(ctx.session, village_ids=villages)
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


def open_questions(ctx: Context, villages: list[int]) -> str:
    count = ctx.session.execute(
        select(func.count()).where(PolicyQuestion.status == "open", PolicyQuestion.village_id.in_(villages))
    ).scalar_one()
    return TEXT.questions.format(n=count)


def stats(ctx: Context, _match: re.Match | None = None) -> str:
    """The numbers, one line each; a polite refusal for someone holding no role."""
    found = jurisdiction(ctx)
    if found is None:
        return TEXT.cadres_only
    where, villages = found
    local = ctx.now.astimezone(SHANGHAI)
    today = local.date()
    lines = [
        TEXT.header.format(where=where, date=day(today), time=local.strftime("%H:%M")),
        declarations(ctx, villages, today),
        quarantines(ctx, villages, today),
        supplies(ctx, villages),
        checkins(ctx, villages, today),
        fevers(ctx, villages, today),
        events(ctx, villages, today),
        *vaccines(ctx, villages),
        open_questions(ctx, villages),
    ]
    return "\n".join(lines)


COMMAND = Command(name="stats", pattern=PATTERN, run=stats, help=TEXT.help)
