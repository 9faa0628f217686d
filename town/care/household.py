"""A quarantined household as care messages show it: who, where, the measure, and who is told at home."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from models.care import carers_of, carers_of_each
from models.declaration import Declaration, declaration_by_id, household_of, members_of
from models.outbox import enqueue_many
from models.person import openids_of
from models.quarantine import CENTRAL, Quarantine
from models.sql import Sql
from models.town import list_villages, village_name
from town.care.texts import TEXT
from town.clock import day


@dataclass(frozen=True)
class Carer:
    """One of a household's responsible people."""

    person_id: int
    openid: str
    role: str
    name: str | None
    phone: str | None


@dataclass(frozen=True)
class Home:
    """A quarantine with its declaration, village and household members."""

    quarantine: Quarantine
    declaration: Declaration
    village: str
    members: tuple[str, ...]

    def facts(self) -> dict:
        """The fields every care message may show."""
        declaration = self.declaration
        return {
            "name": declaration.name,
            "phone": declaration.phone,
            "village": self.village,
            "number": declaration.id,
            "kind": self.quarantine.kind,
            "end": day(self.quarantine.end_on),
        }

    def line(self) -> str:
        """张桂兰（138…），鸣皋村，报备编号3, and who lives with them."""
        text = TEXT.home.format(**self.facts())
        return text + (TEXT.members.format(names=TEXT.separator.join(self.members)) if self.members else "")

    def measure(self) -> str:
        """居家隔离14天（8月5日至8月18日）, or the home part after a central one."""
        q = self.quarantine
        if q.kind == CENTRAL and q.home_start_on:
            return TEXT.measure_home.format(home=day(q.home_start_on), end=day(q.end_on))
        days = (q.end_on - q.start_on).days + 1
        return TEXT.measure.format(kind=q.kind, days=days, start=day(q.start_on), end=day(q.end_on))


def home_of(session, sql: Sql, quarantine: Quarantine) -> Home:
    """Everything the messages about this quarantine need."""
    declaration = declaration_by_id(session, declaration_id=quarantine.declaration_id)
    village = village_name(sql, village_id=quarantine.village_id)
    members = tuple(_member(m) for m in household_of(session, declaration_id=declaration.id))
    return Home(quarantine, declaration, village, members)


def homes_of(
    session, records: list[tuple[Quarantine, Declaration]], *, names: dict[int, str] | None = None
) -> dict[int, Home]:
    """`home_of` for many records at once, by quarantine id: one read of the villages (unless their `names` are
    given) and one of the members."""
    if not records:
        return {}
    names = names if names is not None else {v.id: v.name for v in list_villages(session)}
    members: dict[int, list[str]] = {}
    for m in members_of(session, declaration_ids=list({d.id for _, d in records})):
        members.setdefault(m.declaration_id, []).append(_member(m))
    return {
        q.id: Home(q, d, names.get(q.village_id, "") if q.village_id else "", tuple(members.get(d.id, ())))
        for q, d in records
    }


def _member(m) -> str:
    return TEXT.member.format(name=m.name, relation=m.relation) if m.relation else m.name


def carers(sql: Sql, quarantine_id: int) -> list[Carer]:
    """Who cares for the quarantine now."""
    return [Carer(*row) for row in carers_of(sql, quarantine_id=quarantine_id)]


def carers_each(sql: Sql, quarantine_ids: list[int]) -> dict[int, list[Carer]]:
    """`carers` of many quarantines in one read, by quarantine id (absent: nobody)."""
    found = carers_of_each(sql, quarantine_ids=quarantine_ids)
    return {quarantine_id: [Carer(*row) for row in rows] for quarantine_id, rows in found.items()}


def sampling_dates(quarantine: Quarantine) -> list[dt.date]:
    """The policy's sampling days for the measure (for a central one, only those of its home part)."""
    dates = sorted(dt.date.fromisoformat(value) for value in json.loads(quarantine.sampling_dates or "[]"))
    if quarantine.kind == CENTRAL:
        return [d for d in dates if quarantine.home_start_on and d >= quarantine.home_start_on]
    return dates


def home_ids(declaration: Declaration) -> list[int]:
    """The accounts told at home: the returnee's, and whoever declared for them."""
    return [pid for pid in dict.fromkeys((declaration.person_id, declaration.declared_by_person_id)) if pid]


def tell_homes(sql: Sql, notices: list[tuple[Home, str, object]], *, now: dt.datetime) -> int:
    """A notice to each returnee (and whoever declared for them): (home, key, text_for) each, text_for(greeting,
    whose, sender) writing it; one read of the accounts, one executemany."""
    accounts = {pid for home, _, _ in notices for pid in home_ids(home.declaration)}
    openids = dict(openids_of(sql, person_ids=sorted(accounts))) if accounts else {}
    return enqueue_many(sql, [m for notice in notices for m in _notices(notice, openids)], now=now)


def _notices(notice: tuple[Home, str, object], openids: dict[int, str]) -> list[dict]:
    home, key, text_for = notice
    declaration, found = home.declaration, []
    for person_id in sorted(pid for pid in home_ids(declaration) if pid in openids):
        sender = person_id == declaration.declared_by_person_id
        greeting = TEXT.greeting_sender if sender else TEXT.greeting.format(name=declaration.name)
        whose = TEXT.whose_sender.format(name=declaration.name) if sender else TEXT.whose
        text = text_for(greeting, whose, sender)
        found.append({"key": f"{key}:{person_id}", "openid": openids[person_id], "kind": "notice", "text": text})
    return found
