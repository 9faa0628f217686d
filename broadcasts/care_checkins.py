"""Daily check-ins of households under a measure: whom each household reports on, who has reported today, and
the jobs that remind the household in the morning and at noon and alert its responsible people in the evening.

A day is a day in Asia/Shanghai. Every message is keyed by day and recipient, so the jobs may run every minute.
The noon reminder and the evening alert follow only a morning reminder sent before noon: a household whose
measure began in the afternoon is reminded once that day, and nobody is alerted about a household never reminded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import select
from sqlmodel import Session

from bot.settings import Settings
from broadcasts.policy.classify import day as day_text
from broadcasts.riskareas.entries import SHANGHAI
from models.cadre import Holder, responsible_for
from models.care import CareAssignment, CheckIn
from models.declaration import Declaration, HouseholdMember
from models.outbox import OutboxMessage, enqueue
from models.person import Person
from models.quarantine import ACTIVE, CENTRAL, Quarantine
from models.sql import Sql
from models.town import Village

ALL = "全家"  # CheckIn.member for 「全家正常」
FALLBACK_ROLES = ("village_cadre", "village_doctor")  # a quarantine nobody was assigned to yet


class TEXT:
    remind = "早上好！{when}请量一下体温发过来{names}。\n{how}"
    second = "今天还没收到{names}的体温。请量一下发过来。\n{how}"
    when = "今天是{measure}第{n}天（{start}至{end}），"
    when_line = "{returnee}家：{measure}第{n}天（{start}至{end}）\n"
    names = "：{names}"
    how_one = "比如：「体温36.5」。有发烧、咳嗽、乏力、拉肚子、闻不到味等不舒服，请马上说。"
    how_many = "比如：「{example}」；都正常就回「全家正常」。有发烧、咳嗽、乏力、拉肚子、闻不到味等不舒服，请马上说。"
    example = "{name}36.5"
    missed = (
        "【未报体温】{village}{returnee}（{phone}）家，{measure}第{n}天（{start}至{end}）。\n"
        "今天到{time}还没报体温：{names}。已经提醒过了，请打电话或上门看看。"
    )
    you = "您"
    separator = "、"
    comma = "，"


@dataclass
class Household:
    """One quarantine as its daily check-in sees it: the account that reports, and the people reported on."""

    quarantine_id: int
    account_id: int
    openid: str
    village_id: int
    village: str
    kind: str
    start_on: dt.date
    end_on: dt.date
    home_start_on: dt.date | None
    returnee: str
    phone: str
    proxy: bool  # declared by a family member for the returnee: 「我」 is not the returnee
    relation: str | None = None  # the returnee to the account's owner (孩子) when declared by proxy
    members: list[tuple[str, str | None]] = field(default_factory=list)  # (name, relation)

    @property
    def people(self) -> list[str]:
        return [self.returnee, *(name for name, _ in self.members)]

    def day_number(self, day: dt.date) -> int:
        return (day - self.start_on).days + 1

    def reminded_on(self, day: dt.date) -> bool:
        """Whether the village reminds this household on that day (not while at a central site)."""
        return self.kind != CENTRAL or (self.home_start_on is not None and day >= self.home_start_on)

    def when(self, day: dt.date, template: str = TEXT.when) -> str:
        return template.format(
            returnee=self.returnee,
            measure=self.kind,
            n=self.day_number(day),
            start=day_text(self.start_on),
            end=day_text(self.end_on),
        )


def local_day(now: dt.datetime) -> dt.date:
    return now.astimezone(SHANGHAI).date()


def at(day: dt.date, hhmm: str) -> dt.datetime:
    """A time of day ("08:00") on a day in Asia/Shanghai, as an aware datetime."""
    hour, minute = (int(part) for part in hhmm.strip().split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI)


def households(session: Session, *, day: dt.date, account_id: int | None = None) -> list[Household]:
    """The active quarantines that cover the day (of one account, if given), oldest first."""
    query = (
        select(Quarantine, Declaration, Person.openid, Village.name)
        .join(Declaration, Declaration.id == Quarantine.declaration_id)
        .join(Person, Person.id == Quarantine.person_id)
        .join(Village, Village.id == Quarantine.village_id)
        .where(Quarantine.status == ACTIVE, Quarantine.start_on <= day, Quarantine.end_on >= day)
        .order_by(Quarantine.person_id, Quarantine.id)
    )
    if account_id is not None:
        query = query.where(Quarantine.person_id == account_id)
    found, by_declaration = [], {}
    for q, d, openid, village in session.execute(query):
        home = Household(
            q.id,
            q.person_id,
            openid,
            q.village_id,
            village,
            q.kind,
            q.start_on,
            q.end_on,
            q.home_start_on,
            d.name,
            d.phone,
            d.declared_by_person_id is not None,
            d.relation,
        )
        found.append(home)
        by_declaration[d.id] = home
    if by_declaration:
        members = session.execute(
            select(HouseholdMember)
            .where(HouseholdMember.declaration_id.in_(list(by_declaration)))
            .order_by(HouseholdMember.id)
        ).scalars()
        for member in members:
            by_declaration[member.declaration_id].members.append((member.name, member.relation))
    return found


def reported(session: Session, homes: list[Household], day: dt.date) -> dict[int, set[str]]:
    """Per quarantine, the people someone has reported on today (everyone after 「全家正常」)."""
    done: dict[int, set[str]] = {h.quarantine_id: set() for h in homes}
    if not homes:
        return done
    rows = session.execute(
        select(CheckIn.quarantine_id, CheckIn.member).where(CheckIn.quarantine_id.in_(list(done)), CheckIn.day == day)
    )
    people = {h.quarantine_id: h for h in homes}
    for quarantine_id, member in rows:
        home = people[quarantine_id]
        done[quarantine_id] |= set(home.people) if member == ALL else {member or home.returnee}
    return done


def missing(session: Session, homes: list[Household], day: dt.date) -> dict[int, list[str]]:
    """Per quarantine, who has not been reported on today, in the household's order."""
    done = reported(session, homes, day)
    return {h.quarantine_id: [p for p in h.people if p not in done[h.quarantine_id]] for h in homes}


def responsible(sql: Sql, session: Session, home: Household) -> list[Holder]:
    """The household's assigned people (四包一); before anyone is assigned, the village cadre and doctor."""
    rows = session.execute(
        select(CareAssignment.role, Person)
        .join(Person, Person.id == CareAssignment.person_id)
        .where(CareAssignment.quarantine_id == home.quarantine_id, CareAssignment.released_at.is_(None))
        .order_by(CareAssignment.id)
    )
    assigned = [Holder(p.id, p.openid, role, p.name, p.phone, home.village_id) for role, p in rows]
    return assigned or responsible_for(sql, village_id=home.village_id, roles=FALLBACK_ROLES)


def how_to_report(homes: list[Household], names: list[str]) -> str:
    """The example a household is given: one temperature, or one per person and 「全家正常」."""
    if sum(len(h.people) for h in homes) == 1:
        return TEXT.how_one
    example = TEXT.comma.join(TEXT.example.format(name=name) for name in names[:2])
    return TEXT.how_many.format(example=example)


def _accounts(session: Session, day: dt.date) -> list[list[Household]]:
    """The households the village reminds today, grouped by the account that reports for them."""
    homes = [h for h in households(session, day=day) if h.reminded_on(day)]
    return [list(group) for _, group in groupby(homes, key=lambda h: h.account_id)]


def _morning_key(day: dt.date, account_id: int) -> str:
    return f"checkin:{day.isoformat()}:remind:{account_id}"


def _reminded_before(session: Session, day: dt.date, account_id: int, deadline: dt.datetime) -> bool:
    sent = session.execute(
        select(OutboxMessage.created_at).where(OutboxMessage.idempotency_key == _morning_key(day, account_id))
    ).scalar_one_or_none()
    return sent is not None and sent < deadline


def _names(homes: list[Household], gaps: dict[int, list[str]]) -> list[str]:
    return [name for h in homes for name in gaps[h.quarantine_id]]


def remind_morning(session: Session, now: dt.datetime, settings: Settings) -> int:
    """From CHECKIN_REMIND_AT (until the evening alert): remind each household that has not reported yet."""
    day = local_day(now)
    if not at(day, settings.checkin_remind_at) <= now < at(day, settings.checkin_alert_at):
        return 0
    sql, sent = Sql(session.connection()), 0
    for homes in _accounts(session, day):
        names = _names(homes, missing(session, homes, day))
        if not names:
            continue
        when = homes[0].when(day) if len(homes) == 1 else "\n" + "".join(h.when(day, TEXT.when_line) for h in homes)
        listed = TEXT.names.format(names=TEXT.separator.join(names)) if len(names) > 1 or homes[0].members else ""
        text = TEXT.remind.format(when=when, names=listed, how=how_to_report(homes, names))
        key = _morning_key(day, homes[0].account_id)
        sent += enqueue(sql, key=key, recipient_openid=homes[0].openid, kind="notice", text=text, now=now)
    return sent


def remind_second(session: Session, now: dt.datetime, settings: Settings) -> int:
    """From CHECKIN_SECOND_AT: remind again, naming who is still missing, a household reminded this morning."""
    day = local_day(now)
    noon = at(day, settings.checkin_second_at)
    if not noon <= now < at(day, settings.checkin_alert_at):
        return 0
    sql, sent = Sql(session.connection()), 0
    for homes in _accounts(session, day):
        names = _names(homes, missing(session, homes, day))
        if not names or not _reminded_before(session, day, homes[0].account_id, noon):
            continue
        alone = len(homes) == 1 and homes[0].people == [homes[0].returnee] and not homes[0].proxy
        text = TEXT.second.format(
            names=TEXT.you if alone else TEXT.separator.join(names), how=how_to_report(homes, names)
        )
        key = f"checkin:{day.isoformat()}:second:{homes[0].account_id}"
        sent += enqueue(sql, key=key, recipient_openid=homes[0].openid, kind="notice", text=text, now=now)
    return sent


def alert_missed(session: Session, now: dt.datetime, settings: Settings) -> int:
    """From CHECKIN_ALERT_AT: tell the responsible people of each household still missing a check-in."""
    day = local_day(now)
    if now < at(day, settings.checkin_alert_at):
        return 0
    sql, sent = Sql(session.connection()), 0
    noon = at(day, settings.checkin_second_at)
    for homes in _accounts(session, day):
        if not _reminded_before(session, day, homes[0].account_id, noon):
            continue
        gaps = missing(session, homes, day)
        for home in (h for h in homes if gaps[h.quarantine_id]):
            text = TEXT.missed.format(
                village=home.village,
                returnee=home.returnee,
                phone=home.phone,
                measure=home.kind,
                n=home.day_number(day),
                start=day_text(home.start_on),
                end=day_text(home.end_on),
                time=settings.checkin_alert_at,
                names=TEXT.separator.join(gaps[home.quarantine_id]),
            )
            for holder in {h.person_id: h for h in responsible(sql, session, home)}.values():
                key = f"checkin:{day.isoformat()}:alert:{home.quarantine_id}:{holder.person_id}"
                sent += enqueue(sql, key=key, recipient_openid=holder.openid, kind="alert", text=text, now=now)
    return sent


JOBS = (
    ("checkin_remind", remind_morning),
    ("checkin_second", remind_second),
    ("checkin_alert", alert_missed),
)
