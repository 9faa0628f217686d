"""What re-classification reads from a declaration and says about it, to cadres and to the household."""

from __future__ import annotations

import datetime as dt
import json
from operator import attrgetter

from models.cadre import Holder
from models.declaration import Classification, Declaration
from models.outbox import enqueue
from models.person import openids_of
from models.quarantine import CENTRAL, HOME, MONITOR
from models.sql import Sql
from models.town import village_name
from town.clock import day, local
from town.command import VILLAGE_TEAM, Roster, responsible, town_command
from town.policy import Declaration as Facts
from town.policy import ListInfo
from town.policy.measure import span as measure_span
from town.reclassify.texts import TEXT
from town.riskareas.age import stale_note


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


FACTS = (
    "origin_province", "origin_city", "origin_district", "origin_township", "abroad", "arrived_on", "left_on",
    "health_code", "entry_date", "port_city", "port_quarantine_days",
)  # fmt: skip


fact_key = attrgetter(*FACTS)  # everything `facts_of` reads: two declarations with the same key classify alike


def deciders(sql: Sql, *, village_id: int, urgent: bool, roster: Roster | None = None) -> list[Holder]:
    """The village's cadres (or those above them), and the town command when it is urgent; each once (from the
    `roster` when a batch read it)."""
    if roster is not None:
        found = roster.responsible(village_id, VILLAGE_TEAM) + (roster.town_command() if urgent else [])
    else:
        found = responsible(sql, village_id=village_id, roles=VILLAGE_TEAM) + (town_command(sql) if urgent else [])
    return list({holder.person_id: holder for holder in found}.values())


def household(sql: Sql, declaration: Declaration) -> list[tuple[int, str]]:
    """(person id, openid) of the returnee and of whoever declared for them."""
    ids = [pid for pid in dict.fromkeys((declaration.person_id, declaration.declared_by_person_id)) if pid]
    return openids_of(sql, person_ids=ids)


def tell_household(sql: Sql, declaration, row: Classification, *, template: str, prefix: str, now) -> None:
    """The new measure, its reason and what to do, to the returnee (and the sender)."""
    for message in household_notices(declaration, row, dict(household(sql, declaration)), template, prefix):
        enqueue(
            sql, key=message["key"], recipient_openid=message["openid"], kind="notice", text=message["text"], now=now
        )


def household_notices(declaration, row: Classification, openids: dict[int, str], template: str, prefix: str):
    """`tell_household`'s messages (for `enqueue_many`), the accounts' openids given by person id."""
    found = []
    for person_id in sorted(
        pid for pid in {declaration.person_id, declaration.declared_by_person_id} if pid in openids
    ):
        # The 返乡报备 flow stores a family member's declaration under the sender (person = declared_by).
        sender = person_id == declaration.declared_by_person_id
        text = template.format(
            greeting=(TEXT.greeting_sender if sender else TEXT.greeting).format(name=declaration.name),
            whose=(TEXT.whose_sender if sender else TEXT.whose).format(name=declaration.name),
            reason=row.reason,
            next=next_step(row),
        )
        key = f"{prefix}:{declaration.id}:{row.id}:{person_id}"
        found.append({"key": key, "openid": openids[person_id], "kind": "notice", "text": text})
    return found


def describe(sql: Sql, declaration: Declaration, row: Classification, *, village: str | None = None) -> dict:
    """The facts every cadre message shows (the village's name read unless given)."""
    return {
        "name": declaration.name,
        "phone": declaration.phone,
        "village": village if village is not None else village_name(sql, village_id=declaration.village_id),
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


def stale_line(list_info: ListInfo | None, now: dt.datetime, max_age: int) -> str:
    """The list's age on a new line when it is old (an old notice imported late)."""
    note = stale_note(list_info.published_at if list_info else None, now, max_age)
    return f"\n{note}" if note else ""


def list_date(list_info: ListInfo | None) -> str:
    """The list's day as the cadres read it."""
    published = list_info.published_at if list_info else None
    return day(local(published).date()) if published else TEXT.latest
