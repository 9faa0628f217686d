"""四包一: a household's four responsible people from the village's roster, each told what to do.

Several holders of a role share the load: the one caring for the fewest households now (the first bound on a
tie), preferring someone not already in this household's four. A household whose measure changes keeps its people.
"""

from __future__ import annotations

import datetime as dt
import logging

from models.cadre import Holder
from models.care import MISSED, add_care_assignments, open_rounds_of
from models.quarantine import CENTRAL, HOME, MONITOR, active_in_village
from models.sql import Sql
from town.alerts import NOTICE
from town.bundle import Bundle
from town.care.household import Carer, Home, carers, home_of
from town.care.rounds import ordinal
from town.care.texts import DUTIES, TEXT
from town.clock import day
from town.command import HOME_FOUR, LEAD, MONITORING_ONE, TOP, Roster, above
from town.texts import ROLE_NAMES

log = logging.getLogger(__name__)


# The four places of 四包一, each filled by one holder of one of its roles.
def places(quarantine) -> tuple[tuple[str, ...], ...]:
    """The places to fill for a measure; none for central isolation, which the isolation site runs."""
    if quarantine.kind == HOME or (quarantine.kind == CENTRAL and quarantine.home_start_on):
        return HOME_FOUR
    if quarantine.kind == MONITOR:
        return MONITORING_ONE
    return ()


def place_name(roles: tuple[str, ...]) -> str:
    """民警或网格员."""
    return TEXT.or_.join(ROLE_NAMES[role] for role in roles)


def choose_four(roster: Roster, home: Home, *, previous: list[Carer], load: dict[int, int]) -> list[tuple]:
    """Fill each place from the roster: (roles, Holder or None) per place; `load` counts the households chosen."""
    filled: list[tuple] = []
    taken: set[int] = set()
    for roles in places(home.quarantine):
        kept = {c.person_id for c in previous if c.role in roles}
        holder = _choose(roster.holders(home.quarantine.village_id, roles), load, taken=taken, kept=kept)
        filled.append((roles, holder))
        if holder is not None:
            taken.add(holder.person_id)
    for _, holder in filled:
        if holder is not None:
            load[holder.person_id] = load.get(holder.person_id, 0) + 1
    return filled


def _choose(candidates: list[Holder], load: dict[int, int], *, taken: set[int], kept: set[int]) -> Holder | None:
    staying = [c for c in candidates if c.person_id in kept]
    if staying:
        return staying[0]
    fresh = [c for c in candidates if c.person_id not in taken] or candidates
    if not fresh:
        return None
    return min(fresh, key=lambda c: load.get(c.person_id, 0))  # min keeps the first bound on a tie


def tell_four(home: Home, filled: list[tuple], bundle: Bundle, *, samples: str, previous: list[Carer], same: bool):
    """Each person their assignment (or, when they stay on, what changed), with the others of the four.

    Someone the event already tells (the declaration's alert) reads their place without the household again.
    """
    team = _team(filled)
    stayed = {(c.person_id, c.role) for c in previous}
    for _roles, holder in filled:
        if holder is None or (same and (holder.person_id, holder.role) in stayed):
            continue  # nobody to tell, or nothing changed for them
        kept = (holder.person_id, holder.role) in stayed
        if bundle.has(holder.person_id):
            template = TEXT.changed_short if kept else TEXT.assigned_short
        else:
            template = TEXT.changed if kept else TEXT.assigned
        text = template.format(
            role=ROLE_NAMES[holder.role], home=home.line(), measure=home.measure(), samples=samples,
            duty=DUTIES.get(holder.role, ""), team=team,
        )  # fmt: skip
        key = f"care:{home.quarantine.id}:{holder.role}:{holder.person_id}"
        bundle.add(person_id=holder.person_id, openid=holder.openid, key=key, text=text)


def _team(filled: list[tuple]) -> str:
    people = []
    for roles, holder in filled:
        if holder is None:
            people.append(TEXT.team_missing.format(role=place_name(roles)))
            continue
        person = TEXT.team_member.format(role=ROLE_NAMES[holder.role], name=holder.name or TEXT.someone)
        people.append(person + (TEXT.team_phone.format(phone=holder.phone) if holder.phone else ""))
    return TEXT.team.format(people=TEXT.team_separator.join(people))


def flag_missing(over: list[Holder], home: Home, filled: list[tuple], bundle: Bundle) -> None:
    """Places nobody holds: the work area's lead (else the town command) of those `over` the village is told which."""
    missing = [roles for roles, holder in filled if holder is None]
    if not missing:
        return
    leads = [h for h in over if h.role == LEAD] or [h for h in over if h.role == TOP]
    if not leads:
        log.warning("quarantine %s lacks %s and nobody is above the village to tell", home.quarantine.id, missing)
    text = TEXT.incomplete.format(
        home=home.line(), measure=home.measure(), village=home.village,
        missing=TEXT.separator.join(place_name(roles) for roles in missing),
    )  # fmt: skip
    for lead in {h.person_id: h for h in leads}.values():
        key = f"care:{home.quarantine.id}:incomplete:{lead.person_id}"
        bundle.add(person_id=lead.person_id, openid=lead.openid, key=key, text=text)


def tell_filled(sql: Sql, homes: list[Home], *, holder: Holder, now: dt.datetime) -> None:
    """The lead told 【四包一缺人】 hears, in one notice, that a newly bound cadre took those households' place."""
    if not homes:
        return
    over = above(sql, homes[0].quarantine.village_id)
    leads = [h for h in over if h.role == LEAD] or [h for h in over if h.role == TOP]
    role = ROLE_NAMES[holder.role]
    who = TEXT.filled_who.format(role=role, name=holder.name) if holder.name else TEXT.filled_nameless.format(role=role)
    who += TEXT.team_phone.format(phone=holder.phone) if holder.phone else ""
    text = TEXT.filled.format(
        village=homes[0].village, who=who, count=len(homes),
        homes=TEXT.separator.join(TEXT.filled_home.format(**home.facts()) for home in homes),
    )  # fmt: skip
    bundle = Bundle()
    for lead in {h.person_id: h for h in leads if h.person_id != holder.person_id}.values():
        key = f"care:filled:{holder.role}:{holder.person_id}:{lead.person_id}"
        bundle.add(person_id=lead.person_id, openid=lead.openid, key=key, text=text, kind=NOTICE)
    bundle.send(sql, now=now)


def take_open_places(session, sql: Sql, *, holder: Holder, now: dt.datetime) -> list[Home]:
    """A cadre who binds takes their role's place in every household of the village where it is empty."""
    taken = []
    for quarantine in active_in_village(session, village_id=holder.village_id):
        place = next((roles for roles in places(quarantine) if holder.role in roles), None)
        if place is None or any(c.role in place for c in carers(sql, quarantine.id)):
            continue
        add_care_assignments(session, quarantine_id=quarantine.id, people=[(holder.role, holder.person_id)], now=now)
        taken.append(home_of(session, sql, quarantine))
    return taken


def took_over(session, homes: list[Home], *, today: dt.date) -> str:
    """What a newly bound cadre is told of the households that were waiting for them, with the sampling rounds
    due today or overdue ("" for none): one message."""
    if not homes:
        return ""
    due: dict[int, list] = {}
    quarantine_ids = [home.quarantine.id for home in homes]
    for sampling, _ in open_rounds_of(session, quarantine_ids=quarantine_ids, through=today):
        due.setdefault(sampling.quarantine_id, []).append(sampling)
    lines = TEXT.separator_line.join(
        f"{home.line()}\n{home.measure()}" + _due_lines(session, due.get(home.quarantine.id, []), today)
        for home in homes
    )
    return TEXT.took_over.format(count=len(homes), homes=lines)


def _due_lines(session, rounds: list, today: dt.date) -> str:
    lines = []
    for sampling in rounds:
        state = TEXT.took_today if sampling.day == today and sampling.status != MISSED else TEXT.took_late
        facts = {"id": sampling.id, "date": day(sampling.day), "ordinal": ordinal(session, sampling)}
        lines.append(TEXT.took_round.format(**facts) + state.format(**facts))
    return "".join(lines)
