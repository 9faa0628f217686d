"""The one way a quarantine opens or is replaced: the record follows the classification, the care follows the record."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from models.care import release_care
from models.quarantine import Quarantine, active_quarantine, sync_quarantine
from models.sql import Sql
from town.bundle import Bundle
from town.care.four import assign, flag_missing, tell_four
from town.care.household import Carer, carers, home_of
from town.care.release import tell_released
from town.care.rounds import schedule, still_to_do


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
    sql = Sql(session.connection())
    own = bundle is None
    bundle = Bundle() if own else bundle
    old = active_quarantine(session, declaration_id=declaration.id)
    previous = carers(sql, old.id) if old is not None else []
    new = sync_quarantine(
        session, declaration=declaration, classification=classification, now=now, home_start_on=home_start_on
    )
    if old is not None:
        release_care(sql, quarantine_id=old.id, now=now)
    staying: set[int] = set()
    if new is not None:
        staying = _open_care(session, sql, new, previous, bundle, same=_same_measure(old, new), now=now)
    if old is not None:
        gone = [c for c in previous if c.person_id not in staying]
        tell_released(home_of(session, sql, old), gone, bundle, new=classification.disposition)
    if own:
        bundle.send(sql, now=now)
    return new


def _open_care(
    session, sql: Sql, quarantine: Quarantine, previous: list[Carer], bundle: Bundle, *, same: bool, now
) -> set[int]:
    """Rounds, then the four (who read the rounds in their assignment); the people now caring."""
    rounds = schedule(session, quarantine, now=now)
    home = home_of(session, sql, quarantine)
    filled = assign(session, sql, home, now=now, previous=previous)
    tell_four(home, filled, bundle, samples=still_to_do(rounds), previous=previous, same=same)
    if not same:
        flag_missing(sql, home, filled, bundle)
    return {holder.person_id for _, holder in filled if holder is not None}


def _same_measure(old: Quarantine | None, new: Quarantine) -> bool:
    """A re-declaration that changes nothing the care depends on."""
    fields = ("kind", "start_on", "end_on", "home_start_on", "sampling_dates")
    return old is not None and all(getattr(old, f) == getattr(new, f) for f in fields)
