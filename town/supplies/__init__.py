"""Supply requests: who they go to, and how a late one climbs the ladder until somebody acts on it.

A request first goes to the household's 四包一 people (the care assignments of its active quarantine), or to the
village cadre when the household is not isolated. Nobody accepted within SUPPLY_ACCEPT_HOURS, or nothing delivered
within SUPPLY_DELIVER_HOURS of the request, or a cadre who cannot do it (无法办理): it goes one level up the chain
the delivery worker uses (village cadre -> township cadre -> work-area lead -> town command), skipping levels that
add nobody. Each level is alerted once; the household hears once that it is being handled.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlmodel import Session

from models.cadre import Holder
from models.care import care_holders, care_holders_of
from models.outbox import enqueue, enqueue_many
from models.person import name_of, openid_of
from models.sql import Sql
from models.supplies import OPEN, SupplyRequest, household_facts, households_of, save_request, save_requests
from town.alerts import ALERT, send_alert
from town.clock import day_clock
from town.command import VILLAGE_CADRE, Roster, holders_at, ladder, responsible
from town.settings import Settings
from town.supplies.texts import TEXT
from town.texts import ROLE_NAMES

LADDER = ladder()  # the roles a request climbs through, from the village cadre up


def first_recipients(sql: Sql, *, quarantine_id: int | None, village_id: int | None) -> list[Holder]:
    """The household's 四包一 people, else the village cadre (or those above when none is bound)."""
    care = care_holders(sql, quarantine_id=quarantine_id) if quarantine_id else []
    if care:
        return _unique(care)
    return responsible(sql, village_id=village_id, roles=VILLAGE_CADRE)


def level_holders(sql: Sql, level: int, village_id: int | None) -> list[Holder]:
    """Who holds the ladder's role at this level for the village."""
    return holders_at(sql, LADDER[level], village_id)


class _Live:
    """The ladder read from the database as a request asks (the handlers: one request at a time)."""

    def __init__(self, sql: Sql):
        self.sql = sql

    def first(self, request: SupplyRequest) -> list[Holder]:
        return first_recipients(self.sql, quarantine_id=request.quarantine_id, village_id=request.village_id)

    def level(self, level: int, village_id: int | None) -> list[Holder]:
        return level_holders(self.sql, level, village_id)


class Chain:
    """The ladder of many requests, read once: their villages' roster and their households' 四包一."""

    def __init__(self, sql: Sql, requests: list[SupplyRequest]):
        self.roster = Roster(sql, [r.village_id for r in requests])
        quarantines = sorted({r.quarantine_id for r in requests if r.quarantine_id})
        self.care = care_holders_of(sql, quarantine_ids=quarantines)

    def first(self, request: SupplyRequest) -> list[Holder]:
        care = self.care.get(request.quarantine_id, []) if request.quarantine_id else []
        return _unique(care) if care else self.roster.responsible(request.village_id, VILLAGE_CADRE)

    def level(self, level: int, village_id: int | None) -> list[Holder]:
        return self.roster.holders_at(LADDER[level], village_id)


def recipients(sql: Sql, request: SupplyRequest, *, chain: Chain | None = None) -> list[Holder]:
    """Everyone the request has reached so far: its first recipients and each level it climbed to."""
    chain = chain or _Live(sql)
    reached = list(chain.first(request))
    for level in range(1, request.escalation_level + 1):
        reached += chain.level(level, request.village_id)
    return _unique(reached)


def next_level(sql: Sql, request: SupplyRequest, *, chain: Chain | None = None) -> tuple[int, list[Holder]] | None:
    """The next level up that adds somebody, with those new people; None at the top."""
    chain = chain or _Live(sql)
    reached = {h.person_id for h in recipients(sql, request, chain=chain)}
    for level in range(request.escalation_level + 1, len(LADDER)):
        new = [h for h in _unique(chain.level(level, request.village_id)) if h.person_id not in reached]
        if new:
            return level, new
    return None


def _climb(sql: Sql, request: SupplyRequest, chain, now: dt.datetime) -> tuple[int, list, list] | None:
    """Move the request one level up (not yet written): (level, the people it now reaches, those it reached)."""
    found = next_level(sql, request, chain=chain)
    if found is None:
        return None
    before = recipients(sql, request, chain=chain)
    level, new = found
    request.escalation_level, request.escalated_at = level, now
    return level, new, before


def _escalated(why: str, card_text: str, before: list[Holder], request: SupplyRequest) -> str:
    return TEXT.escalated.format(
        why=why,
        card=card_text,
        who=TEXT.separator.join(describe_holder(h) for h in before) or TEXT.nobody,
        hints=TEXT.hints.format(number=request.id),
    )


def escalate(session: Session, sql: Sql, request: SupplyRequest, *, why: str, now: dt.datetime) -> list[Holder]:
    """Send the request one level up (once per level); the people it now reaches, none at the top."""
    climbed = _climb(sql, request, _Live(sql), now)
    if climbed is None:
        return []
    level, new, before = climbed
    save_request(session, request=request)
    text = _escalated(why, card(sql, request), before, request)
    for holder in new:
        key = f"supply:{request.id}:level:{level}:{holder.person_id}"
        send_alert(sql, key=key, recipient_openid=holder.openid, text=text, now=now)
    return new


def escalate_many(session: Session, sql: Sql, late: list[tuple[SupplyRequest, str]], *, now) -> list[SupplyRequest]:
    """`escalate` of many (request, why), each household told it is being handled: the ladder and the households
    read once, the requests written in one flush, the messages queued in one executemany. The requests that
    climbed."""
    chain = Chain(sql, [request for request, _ in late])
    facts = households_of(sql, request_ids=[request.id for request, _ in late])
    climbed, messages = [], []
    for request, why in late:
        found = _climb(sql, request, chain, now)
        if found is None:
            continue
        level, new, before = found
        text = _escalated(why, card(sql, request, facts=facts.get(request.id)), before, request)
        for holder in new:
            key = f"supply:{request.id}:level:{level}:{holder.person_id}"
            messages.append({"key": key, "openid": holder.openid, "kind": ALERT, "text": text})
        openid = facts.get(request.id, (None,))[-1]
        if openid:
            handling = TEXT.handling.format(number=request.id)
            messages.append(
                {"key": f"supply:{request.id}:handling", "openid": openid, "kind": "notice", "text": handling}
            )
        climbed.append(request)
    save_requests(session, requests=climbed)
    enqueue_many(sql, messages, now=now)
    return climbed


def describe_holder(holder: Holder) -> str:
    """「刘支书（村干部，13700001111）」."""
    facts = TEXT.separator.join(filter(None, (ROLE_NAMES.get(holder.role, ""), holder.phone)))
    return f"{holder.name or TEXT.someone}（{facts}）" if facts else holder.name or TEXT.someone


def _household(sql: Sql, request: SupplyRequest, facts: tuple | None = None) -> tuple[str, str, str | None, str]:
    """(name, phone, the measure when isolated, village) of the household behind a request (read unless `facts`
    came with a batch)."""
    if facts is None:
        facts = household_facts(
            sql, person_id=request.person_id, quarantine_id=request.quarantine_id, village_id=request.village_id
        )
    name, phone, declared_name, declared_phone, kind, village = facts[:6]
    return name or declared_name or TEXT.nameless, phone or declared_phone or TEXT.no_phone, kind, village or ""


def household(sql: Sql, request: SupplyRequest, facts: tuple | None = None) -> str:
    """The household as a cadre finds it: name, phone, village, and its measure when isolated."""
    name, phone, kind, village = _household(sql, request, facts)
    return TEXT.household.format(name=name, phone=phone, village=village) + (
        TEXT.isolated.format(kind=kind) if kind else ""
    )


def household_name(sql: Sql, request: SupplyRequest) -> str:
    return _household(sql, request)[0]


def card(sql: Sql, request: SupplyRequest, *, facts: tuple | None = None) -> str:
    """The request as every alert shows it (without the command hints)."""
    return TEXT.card.format(
        number=request.id,
        urgent=TEXT.urgent if request.urgent else "",
        household=household(sql, request, facts),
        items=items_text(json.loads(request.items or "[]")),
        note=TEXT.note.format(note=request.note) if request.note else "",
        at=local_time(request.created_at),
    )


def items_text(items: list[dict]) -> str:
    """「米2袋、油1桶、菜」."""
    return TEXT.separator.join(item_text(item) for item in items)


def item_text(item: dict) -> str:
    qty, low, unit = item.get("qty"), item.get("qty_min"), item.get("unit") or ""
    if qty is None:
        return item["name"]
    amount = TEXT.range.format(low=_number(low), high=_number(qty)) if low is not None else _number(qty)
    return f"{item['name']}{amount}{unit}"


def _number(value: float) -> str:
    return TEXT.half if value == 0.5 else f"{value:g}"


def local_time(value: dt.datetime) -> str:
    return day_clock(value)


def elapsed(delta: dt.timedelta) -> str:
    """「2小时」, or 「30分钟」 under an hour."""
    minutes = int(delta.total_seconds() // 60)
    return TEXT.hours.format(n=minutes // 60) if minutes >= 60 else TEXT.minutes.format(n=minutes)


def person_name(sql: Sql, person_id: int | None) -> str:
    return name_of(sql, person_id=person_id) or TEXT.someone


def _unique(people: list[Holder]) -> list[Holder]:
    return list({h.person_id: h for h in people}.values())


def late(request: SupplyRequest, now: dt.datetime, settings: Settings) -> dt.timedelta | None:
    """How long the request has been waiting, when its current level has let a deadline pass."""
    accept = dt.timedelta(hours=settings.supply_accept_hours)
    deliver = dt.timedelta(hours=settings.supply_deliver_hours)
    created, escalated = request.created_at, request.escalated_at
    if request.status == OPEN and now >= (escalated or created) + accept:
        return now - created
    due = created + deliver
    if escalated is not None and escalated >= due:  # climbed for lateness once: the next level gets as long
        due = escalated + deliver
    return now - created if now >= due else None


def tell_household(sql: Sql, request: SupplyRequest, *, key: str, text: str, now: dt.datetime) -> None:
    """A notice to whoever made the request, once per key."""
    openid = openid_of(sql, person_id=request.person_id)
    if openid:
        enqueue(sql, key=f"supply:{request.id}:{key}", recipient_openid=openid, kind="notice", text=text, now=now)
