"""A new risk-list version: re-classify active declarations; apply what is stricter, propose what is laxer."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session

from models.cadre import Holder
from models.db import transaction
from models.declaration import (
    DECLINED,
    PROPOSED,
    SUPERSEDED,
    Classification,
    Declaration,
    active_with_current,
    disposition_before,
    newest_after,
    save_classification,
    set_status,
)
from models.outbox import enqueue
from models.person import openids_of
from models.quarantine import CENTRAL, HOME, MONITOR
from models.sql import Sql
from models.town import village_name
from town import clock
from town.alerts import send_alert
from town.bundle import Bundle
from town.care import apply_quarantine
from town.clock import day, day_hour, local
from town.command import VILLAGE_TEAM, responsible, town_command
from town.policy import DISPOSITIONS, ListInfo, Policy, classify
from town.policy import Declaration as Facts
from town.policy.measure import span as measure_span
from town.reclassify.texts import TEXT
from town.riskareas.age import stale_note
from town.riskareas.entries import ParsedList
from town.riskareas.index import RiskIndex
from town.riskareas.store import ImportResult, store_in
from town.riskareas.texts import WARNING

RELISTED, OVERRIDE = "relisted", "override"
# 无需隔离 0 ... 集中隔离 3: DISPOSITIONS runs from the strictest down.
SEVERITY = {disposition: rank for rank, disposition in enumerate(reversed(DISPOSITIONS))}


@dataclass
class Summary:
    """What one re-classification did, by declaration id."""

    checked: int = 0
    upgraded: list[int] = field(default_factory=list)
    proposed: list[int] = field(default_factory=list)
    unchanged: int = 0

    def line(self) -> str:
        """One line for the operator."""
        counts = {"upgraded": len(self.upgraded), "proposed": len(self.proposed)}
        return TEXT.summary.format(checked=self.checked, unchanged=self.unchanged, **counts)


def ingest(db: Engine, parsed: ParsedList, *, policy: Policy, now: dt.datetime) -> tuple[ImportResult, Summary | None]:
    """Store a list version and, only when it is new, re-classify against it in the same transaction."""
    with transaction(db) as session, clock.handling(now):  # the alerts' dates are said against `now`
        result = store_in(Sql(session.connection()), parsed)
        if not result.created:
            return result, None
        warn_counts(Sql(session.connection()), parsed, result, now)
        index = RiskIndex(parsed.entries, result.list_id)
        info = ListInfo(result.list_id, result.published_at)
        today = clock.today(now)
        return result, reclassify_active(session, policy=policy, index=index, list_info=info, today=today, now=now)


def warn_counts(sql: Sql, parsed: ParsedList, result: ImportResult, now: dt.datetime) -> int:
    """Header counts that disagree with the areas listed, to the town command once per list version."""
    if not parsed.warnings:
        return 0
    text = WARNING.alert.format(
        when=day_hour(parsed.published_at) if parsed.published_at else TEXT.latest,
        n=len(parsed.warnings),
        lines="\n".join(WARNING.line.format(line=line, message=message) for line, message in parsed.warnings),
    )
    sent = 0
    for holder in town_command(sql):
        key = f"list-counts:{result.list_id}:{holder.person_id}"
        sent += send_alert(sql, key=key, recipient_openid=holder.openid, text=text, now=now)
    return sent


def reclassify_active(
    session: Session, *, policy: Policy, index: RiskIndex | None, list_info: ListInfo | None, today, now
) -> Summary:
    """Classify every active declaration again; stricter outcomes apply at once, laxer ones wait for a cadre."""
    sql = Sql(session.connection())
    summary = Summary()
    for declaration, current in active_with_current(session, today=today):
        result = classify(policy, index, list_info, facts_of(declaration), today)
        summary.checked += 1
        step = SEVERITY[result.disposition] - SEVERITY[current.disposition]
        if current.rule_id == OVERRIDE and _baseline(session, current) == result.disposition:
            step = 0  # a cadre's decision stands until the list changes this person's outcome
        if step > 0:
            _upgrade(session, sql, declaration, current, result, list_info, now, policy.risk_list_max_age_days)
            summary.upgraded.append(declaration.id)
        elif step < 0 and _propose(
            session, sql, declaration, current, result, list_info, now, policy.risk_list_max_age_days
        ):
            summary.proposed.append(declaration.id)
        else:
            if step == 0:
                _drop_stale_proposal(session, current)
            summary.unchanged += 1
    return summary


def facts_of(declaration: Declaration) -> Facts:
    """What the policy reads from a stored declaration."""
    origin = {
        "province": declaration.origin_province,
        "city": declaration.origin_city,
        "district": declaration.origin_district,
        "township": declaration.origin_township,
        "abroad": declaration.abroad,
    }
    return Facts(
        origin,
        declaration.arrived_on,
        declaration.left_on,
        declaration.health_code,
        declaration.entry_date,
        declaration.port_city,
        declaration.port_quarantine_days,
    )


def _baseline(session: Session, current: Classification) -> str | None:
    """The policy's outcome that a cadre's override replaced."""
    return disposition_before(
        session, declaration_id=current.declaration_id, before_id=current.id, except_rule=OVERRIDE
    )


def after_current(session: Session, current: Classification) -> Classification | None:
    """The newest proposal since the classification in force (waiting, declined or replaced)."""
    return newest_after(session, declaration_id=current.declaration_id, after_id=current.id)


def _drop_stale_proposal(session: Session, current: Classification) -> None:
    """The new list agrees with the one in force: a waiting proposal no longer holds."""
    pending = after_current(session, current)
    if pending is not None and pending.status == PROPOSED:
        set_status(session, row=pending, status=SUPERSEDED)


def _upgrade(session, sql, declaration, current, result, list_info, now, max_age: int) -> None:
    """Apply a stricter outcome, then tell the cadres and the household."""
    row = save_classification(session, declaration_id=declaration.id, result=result, now=now, source=RELISTED)
    urgent = row.alert or row.disposition == CENTRAL
    text = TEXT.upgrade.format(
        urgent=TEXT.urgent if urgent else "", old=current.disposition, new=row.disposition, samples=samples(row),
        list_date=_list_date(list_info), reason=row.reason, **describe(sql, declaration, row),
    ) + _stale(list_info, now, max_age)  # fmt: skip
    bundle = Bundle()  # one message per cadre: the upgrade, then what it changes in their 四包一
    for holder in deciders(sql, village_id=declaration.village_id, urgent=urgent):
        key = f"relisted:{declaration.id}:{row.id}:{holder.person_id}"
        bundle.add(person_id=holder.person_id, openid=holder.openid, key=key, text=text)
    apply_quarantine(
        session, declaration=declaration, classification=row, now=now, home_start_on=result.home_start, bundle=bundle
    )
    bundle.send(sql, now=now)
    tell_household(sql, declaration, row, template=TEXT.villager_relisted, prefix=RELISTED, now=now)


def _propose(session, sql, declaration, current, result, list_info, now, max_age: int) -> bool:
    """Store a laxer outcome as a proposal and ask the cadres; False when it was already asked or declined."""
    earlier = after_current(session, current)
    if earlier is not None and earlier.status in (PROPOSED, DECLINED) and earlier.disposition == result.disposition:
        return False
    if earlier is not None and earlier.status == PROPOSED:
        set_status(session, row=earlier, status=SUPERSEDED)
    row = save_classification(
        session, declaration_id=declaration.id, result=result, now=now, source=RELISTED, status=PROPOSED
    )
    text = TEXT.proposal.format(
        old=current.disposition, new=row.disposition, list_date=_list_date(list_info), reason=row.reason,
        **describe(sql, declaration, row),
    ) + _stale(list_info, now, max_age)  # fmt: skip
    for holder in deciders(sql, village_id=declaration.village_id, urgent=False):
        key = f"proposal:{declaration.id}:{row.id}:{holder.person_id}"
        send_alert(sql, key=key, recipient_openid=holder.openid, text=text, now=now)
    return True


def deciders(sql: Sql, *, village_id: int, urgent: bool) -> list[Holder]:
    """The village's cadres (or those above them), and the town command when it is urgent; each once."""
    found = responsible(sql, village_id=village_id, roles=VILLAGE_TEAM)
    if urgent:
        found += town_command(sql)
    return list({holder.person_id: holder for holder in found}.values())


def household(sql: Sql, declaration: Declaration) -> list[tuple[int, str]]:
    """(person id, openid) of the returnee and of whoever declared for them."""
    ids = [pid for pid in dict.fromkeys((declaration.person_id, declaration.declared_by_person_id)) if pid]
    return openids_of(sql, person_ids=ids)


def tell_household(sql: Sql, declaration, row: Classification, *, template: str, prefix: str, now) -> None:
    """The new measure, its reason and what to do, to the returnee (and the sender)."""
    for person_id, openid in household(sql, declaration):
        # The 返乡报备 flow stores a family member's declaration under the sender (person = declared_by).
        sender = person_id == declaration.declared_by_person_id
        text = template.format(
            greeting=(TEXT.greeting_sender if sender else TEXT.greeting).format(name=declaration.name),
            whose=(TEXT.whose_sender if sender else TEXT.whose).format(name=declaration.name),
            reason=row.reason,
            next=next_step(row),
        )
        key = f"{prefix}:{declaration.id}:{row.id}:{person_id}"
        enqueue(sql, key=key, recipient_openid=openid, kind="notice", text=text, now=now)


def describe(sql: Sql, declaration: Declaration, row: Classification) -> dict:
    """The facts every cadre message shows."""
    return {
        "name": declaration.name,
        "phone": declaration.phone,
        "village": village_name(sql, village_id=declaration.village_id),
        "number": declaration.id,
        "origin": origin_text(declaration),
        "arrived": day(declaration.arrived_on),
        "period": period(row),
    }


def origin_text(declaration: Declaration) -> str:
    """郑州市二七区长江路街道, or 境外."""
    if declaration.abroad:
        return TEXT.abroad
    parts = (declaration.origin_city or declaration.origin_province, declaration.origin_district)
    return "".join(part or "" for part in (*parts, declaration.origin_township))


def period(row: Classification) -> str:
    """14天（8月5日至8月18日）, or nothing when there is no measure."""
    return measure_span(row.start_on, row.end_on, row.home_start_on)  # as the reply and the alert said it


def span(days: int, start: dt.date, end: dt.date | None) -> str:
    """The same from its parts."""
    return TEXT.period.format(days=days, start=day(start), end=day(end)) if end else ""


def samples(row: Classification) -> str:
    """The sampling days as a villager reads them."""
    dates = [day(dt.date.fromisoformat(value)) for value in json.loads(row.sampling_dates or "[]")]
    return TEXT.separator.join(dates) or TEXT.no_samples


def next_step(row: Classification) -> str:
    """What the household does now."""
    if row.disposition == CENTRAL:
        return TEXT.next_central
    if row.disposition == HOME:
        return TEXT.next_isolate.format(samples=samples(row))
    if row.disposition == MONITOR:
        return TEXT.next_monitor.format(samples=samples(row))
    return TEXT.next_free


def _stale(list_info: ListInfo | None, now: dt.datetime, max_age: int) -> str:
    """The list's age on a new line when it is old (an old notice imported late)."""
    note = stale_note(list_info.published_at if list_info else None, now, max_age)
    return f"\n{note}" if note else ""


def _list_date(list_info: ListInfo | None) -> str:
    published = list_info.published_at if list_info else None
    return day(local(published).date()) if published else TEXT.latest
