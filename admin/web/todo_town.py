"""The town's open items for a town account bound to no cadre: read-only, since every 待办 command needs a cadre.

The same kinds as the chat's 待办 (supply requests, fevers, easings waiting for a decision, phone calls, villagers'
questions), read town-wide with one query each.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import Session

from admin.web.today_texts import TODO
from models.calls import open_calls
from models.declaration import pending_proposals
from models.fever import open_fever_reports
from models.sql import Sql
from models.supplies import OPEN
from models.today import open_question_rows, open_supply_rows, overdue_round_rows
from town.clock import day, day_clock, today
from town.supplies import items_text

FEVER_OPEN_FOR = dt.timedelta(days=7)  # as handlers/fever keeps a report in 待办


@dataclass(frozen=True)
class TownItem:
    """One open item as a line to read."""

    text: str
    urgent: bool = False


def town_items(session: Session, now: dt.datetime, villages: Collection[int] | None) -> list[TownItem]:
    """The jurisdiction's open items, urgent first."""
    sql = Sql(session.connection())
    chosen = list(villages) if villages is not None else None
    listed = [_supply(row) for row in open_supply_rows(session, villages=villages)]
    listed += [_fever(sql, row) for row in open_fever_reports(sql, since=now - FEVER_OPEN_FOR, village_ids=chosen)]
    listed += [_proposal(sql, row) for row in pending_proposals(sql, today=today(now), village_ids=chosen)]
    if villages is None:  # a call names no village: the town's alone
        listed += [TownItem(TODO.town_call.format(n=c.id, name=c.callee_name or "", phone=c.callee_phone or ""), True)
                   for c in open_calls(sql)]  # fmt: skip
    listed += [_round(row) for row in overdue_round_rows(session, villages=villages, today=today(now))]
    listed += [_question(row) for row in open_question_rows(session, villages=villages)]
    return sorted(listed, key=lambda item: not item.urgent)


def _supply(row: tuple) -> TownItem:
    number, urgent, status, items, at, village, name = row
    text = TODO.town_supply.format(
        n=number,
        urgent=TODO.urgent if urgent else "",
        village=village or TODO.no_village,
        name=name or TODO.someone,
        items=items_text(json.loads(items or "[]")),
        at=day_clock(at if at.tzinfo else at.replace(tzinfo=dt.UTC)),
        state=TODO.open if status == OPEN else TODO.accepted,
    )
    return TownItem(text, bool(urgent))


def _fever(sql: Sql, row: tuple) -> TownItem:
    number, _, name, degrees, _, at, sender, _, village = row
    who = name or sender or TODO.someone
    text = TODO.town_fever.format(
        n=number,
        name=who,
        village=village or TODO.no_village,
        degrees=TODO.degrees.format(t=degrees) if degrees else "",
        at=day_clock(sql.read_time(at)),
    )
    return TownItem(text, True)


def _proposal(sql: Sql, row: tuple) -> TownItem:
    number, name, _, village, old, new, at = row
    text = TODO.town_proposal.format(
        n=number, name=name, village=village, old=old, new=new, at=day_clock(sql.read_time(at))
    )
    return TownItem(text)


def _round(row: tuple) -> TownItem:
    number, on, name, village = row
    return TownItem(TODO.town_round.format(n=number, name=name, village=village, date=day(on)), True)


def _question(row: tuple) -> TownItem:
    number, text, village, _ = row
    return TownItem(TODO.town_question.format(n=number, village=village or TODO.no_village, text=text))
