"""The one way a quarantine opens or is replaced: the record follows the classification, the care follows the record.

Many at once (a re-classification chunk) cost the same few statements as one: the records in force, their
carers, the rounds done and the village rosters are read once, and the new rows written in one flush each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from models.care import add_care_assignments_of, care_load, release_care_of
from models.quarantine import Quarantine, active_quarantines, sync_quarantines
from models.sql import Sql
from town.bundle import Bundle
from town.care.four import choose_four, flag_missing, places, tell_four
from town.care.household import Carer, carers_each, homes_of
from town.care.release import tell_released
from town.care.rounds import schedule_many, still_to_do
from town.command import Roster


@dataclass(frozen=True)
class Change:
    """A declaration whose classification in force is now `classification` (home isolation from `home_start_on`
    after a central one)."""

    declaration: object
    classification: object
    home_start_on: dt.date | None = None


def apply_quarantine(
    session: Session,
    *,
    declaration,
    classification,
    now: dt.datetime,
    home_start_on: dt.date | None = None,
    bundle: Bundle | None = None,
) -> Quarantine | None:
    """Open (or replace) the quarantine record, then its four people and sampling rounds; release the old care.

    The care messages join `bundle` when the caller's event tells people too (it sends them, one per person);
    without one they are sent here.
    """
    own = bundle is None
    bundle = Bundle() if own else bundle
    change = Change(declaration, classification, home_start_on)
    new = apply_quarantines(session, [change], now=now, bundles={declaration.id: bundle})[declaration.id]
    if own:
        bundle.send(Sql(session.connection()), now=now)
    return new


def apply_quarantines(
    session: Session,
    changes: list[Change],
    *,
    now: dt.datetime,
    bundles: dict[int, Bundle],
    roster: Roster | None = None,
) -> dict[int, Quarantine | None]:
    """`apply_quarantine` of many declarations at once, each one's care messages added to its bundle (by declaration
    id; the caller sends them); the new record (or None) by declaration id."""
    if not changes:
        return {}
    sql = Sql(session.connection())
    olds = active_quarantines(session, declaration_ids=[c.declaration.id for c in changes])
    previous = carers_each(sql, [old.id for old in olds.values()])
    triples = [(c.declaration, c.classification, c.home_start_on) for c in changes]
    news = sync_quarantines(session, triples, olds=olds, now=now)
    release_care_of(sql, quarantine_ids=[old.id for old in olds.values()], now=now)
    roster = roster or Roster(sql, [c.declaration.village_id for c in changes])
    records = [
        (record, c.declaration) for c in changes for record in (olds.get(c.declaration.id), news[c.declaration.id])
    ]
    homes = homes_of(session, [(q, d) for q, d in records if q is not None], names=roster.names)
    opened = [q for q in news.values() if q is not None]
    rounds = schedule_many(session, opened, now=now)
    load = care_load(sql, person_ids=sorted({h.person_id for q in opened for h in _candidates(roster, q)}))
    assigned: list[tuple[int, str, int]] = []
    for change in changes:
        old, new, bundle = olds.get(change.declaration.id), news[change.declaration.id], bundles[change.declaration.id]
        was = previous.get(old.id, []) if old is not None else []
        staying: set[int] = set()
        if new is not None:
            filled = choose_four(roster, homes[new.id], previous=was, load=load)
            assigned += [(new.id, holder.role, holder.person_id) for _, holder in filled if holder is not None]
            _tell(roster, homes[new.id], filled, bundle, rounds.get(new.id, []), was, same=_same_measure(old, new))
            staying = {holder.person_id for _, holder in filled if holder is not None}
        if old is not None:
            gone = [c for c in was if c.person_id not in staying]
            tell_released(homes[old.id], gone, bundle, new=change.classification.disposition)
    add_care_assignments_of(session, people=assigned, now=now)
    return news


def _candidates(roster: Roster, quarantine: Quarantine) -> list:
    """Everyone who may fill one of the household's places."""
    return [h for roles in places(quarantine) for h in roster.holders(quarantine.village_id, roles)]


def _tell(roster: Roster, home, filled, bundle: Bundle, rounds, previous: list[Carer], *, same: bool) -> None:
    """The four hear their place (who read the rounds in it); a place nobody holds goes up, unless nothing changed."""
    tell_four(home, filled, bundle, samples=still_to_do(rounds), previous=previous, same=same)
    if not same:
        flag_missing(roster.above(home.quarantine.village_id), home, filled, bundle)


def _same_measure(old: Quarantine | None, new: Quarantine) -> bool:
    """A re-declaration that changes nothing the care depends on."""
    fields = ("kind", "start_on", "end_on", "home_start_on", "sampling_dates")
    return old is not None and all(getattr(old, f) == getattr(new, f) for f in fields)
