"""Requests as lists: a household's own (我的申请), and a cadre's open ones (their lines in 待办)."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.dialogue import Context
from handlers.supplies.texts import TEXT
from models.supplies import ACCEPTED, CANCELLED, DELIVERED, OPEN, RECEIVED, REFUSED, SupplyRequest
from town.supplies import household, items_text, local_time, recipients

SHOWN = 10
# Requests a cadre might have to act on; recipients() then keeps those that reached them.
CANDIDATES = (
    "SELECT r.id FROM supply_request r WHERE r.status IN ('open', 'accepted') AND (r.accepted_by_person_id = :me"
    " OR r.quarantine_id IN (SELECT quarantine_id FROM care_assignment WHERE person_id = :me AND released_at IS NULL)"
    " OR r.village_id IN (SELECT village_id FROM cadre_assignment WHERE person_id = :me)"
    " OR EXISTS (SELECT 1 FROM cadre_assignment a JOIN village v ON v.id = a.village_id"
    " JOIN village rv ON rv.id = r.village_id WHERE a.person_id = :me AND a.role = 'work_area_lead'"
    " AND v.work_area_id = rv.work_area_id)"
    " OR EXISTS (SELECT 1 FROM cadre_assignment WHERE person_id = :me AND role = 'town_command'))"
)


def mine(ctx: Context) -> str:
    """我的申请: the household's latest requests and where each stands, in plain words."""
    rows = list(
        ctx.session.execute(
            select(SupplyRequest)
            .where(SupplyRequest.person_id == ctx.person.id)
            .order_by(SupplyRequest.id.desc())
            .limit(SHOWN)
        ).scalars()
    )
    if not rows:
        return TEXT.mine_none
    lines = [
        TEXT.mine_line.format(number=r.id, items=items_text(json.loads(r.items or "[]")), state=_state(ctx, r))
        for r in rows
    ]
    withdraw = TEXT.mine_withdraw if any(r.status in (OPEN, ACCEPTED) for r in rows) else ""
    return TEXT.mine.format(lines="\n".join(lines)) + withdraw


def _state(ctx: Context, request: SupplyRequest) -> str:
    status = request.status
    if status == OPEN:
        return TEXT.state_escalated if request.escalation_level else TEXT.state_open
    if status == ACCEPTED:
        row = ctx.sql.one("SELECT name FROM person WHERE id = :id", id=request.accepted_by_person_id)
        return TEXT.state_accepted.format(who=row[0] if row and row[0] else TEXT.someone)
    if status == DELIVERED:
        return TEXT.state_delivered.format(number=request.id)
    if status == RECEIVED:
        return TEXT.state_received
    if status == REFUSED:
        return TEXT.state_refused.format(reason=request.refused_reason or "")
    return TEXT.state_cancelled if status == CANCELLED else status


def todo_lines(ctx: Context) -> list[str]:
    """The open requests that reached this cadre and the ones they accepted, urgent first (a 待办 source)."""
    ids = [row[0] for row in ctx.sql.all(CANDIDATES, me=ctx.person.id)]
    if not ids:
        return []
    requests = ctx.session.execute(
        select(SupplyRequest).where(SupplyRequest.id.in_(ids)).order_by(SupplyRequest.urgent.desc(), SupplyRequest.id)
    ).scalars()
    lines = []
    for request in requests:
        if request.accepted_by_person_id == ctx.person.id and request.status == ACCEPTED:
            hint = TEXT.todo_mine.format(number=request.id)
        elif request.status == OPEN and any(h.person_id == ctx.person.id for h in recipients(ctx.sql, request)):
            hint = TEXT.todo_open.format(number=request.id) + (TEXT.todo_escalated if request.escalation_level else "")
        else:
            continue
        lines.append(
            TEXT.todo_line.format(
                number=request.id,
                urgent=TEXT.urgent if request.urgent else "",
                household=household(ctx.sql, request),
                items=items_text(json.loads(request.items or "[]")),
                at=local_time(request.created_at),
                hint=hint,
            )
        )
    return lines
