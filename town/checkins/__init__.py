"""Daily check-ins of households under a measure: whom each household reports on, who has reported today, and
who answers for a household that has not (its reminders and alerts are jobs in broadcasts/care/checkins.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session

from models.cadre import Holder
from models.care import carers_of, reported_members
from models.declaration import members_of
from models.quarantine import CENTRAL, household_facts_on
from models.sql import Sql
from town import command
from town.checkins.texts import TEXT
from town.clock import day as day_text

ALL = "全家"  # CheckIn.member for 「全家正常」


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


def households(
    session: Session, *, day: dt.date, account_id: int | None = None, accounts: tuple[int, int] | None = None
) -> list[Household]:
    """The active quarantines that cover the day (of one account, or of a range of accounts, if given), oldest
    first."""
    found, by_declaration = [], {}
    for row in household_facts_on(session, day=day, account_id=account_id, accounts=accounts):
        home = Household(
            row.id,
            row.person_id,
            row.openid,
            row.village_id,
            row.village,
            row.kind,
            row.start_on,
            row.end_on,
            row.home_start_on,
            row.name,
            row.phone,
            row.declared_by is not None,
            row.relation,
        )
        found.append(home)
        by_declaration[row.declaration_id] = home
    if by_declaration:
        for member in members_of(session, declaration_ids=list(by_declaration)):
            by_declaration[member.declaration_id].members.append((member.name, member.relation))
    return found


def reported(session: Session, homes: list[Household], day: dt.date, *, whole_day: bool = False) -> dict[int, set[str]]:
    """Per quarantine, the people someone has reported on today (everyone after 「全家正常」); `whole_day` reads
    the day's every check-in at once (a job over all households) instead of those of these households."""
    done: dict[int, set[str]] = {h.quarantine_id: set() for h in homes}
    if not homes:
        return done
    rows = reported_members(session, quarantine_ids=None if whole_day else list(done), day=day)
    people = {h.quarantine_id: h for h in homes}
    for quarantine_id, member in rows:
        home = people.get(quarantine_id)
        if home is None:
            continue
        done[quarantine_id] |= set(home.people) if member == ALL else {member or home.returnee}
    return done


def missing(session: Session, homes: list[Household], day: dt.date, *, whole_day: bool = False) -> dict[int, list[str]]:
    """Per quarantine, who has not been reported on today, in the household's order."""
    done = reported(session, homes, day, whole_day=whole_day)
    return {h.quarantine_id: [p for p in h.people if p not in done[h.quarantine_id]] for h in homes}


def responsible(sql: Sql, home: Household, assigned: dict[int, list[Holder]] | None = None) -> list[Holder]:
    """The household's assigned people (四包一); before anyone is assigned, the village cadre and doctor.
    `assigned`: every household's, read once by a job (models.care.carers_in_force)."""
    if assigned is None:
        assigned = {
            home.quarantine_id: [
                Holder(pid, openid, role, name, phone, home.village_id)
                for pid, openid, role, name, phone in carers_of(sql, quarantine_id=home.quarantine_id)
            ]
        }
    found = assigned.get(home.quarantine_id)
    return found or command.responsible(sql, village_id=home.village_id, roles=command.FIRST_CONTACTS)


def how_to_report(homes: list[Household], names: list[str]) -> str:
    """The example a household is given: one temperature, or one per person and 「全家正常」."""
    if sum(len(h.people) for h in homes) == 1:
        return TEXT.how_one
    example = TEXT.comma.join(TEXT.example.format(name=name) for name in names[:2])
    return TEXT.how_many.format(example=example)
