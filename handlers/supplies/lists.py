"""Requests as lists: a household's own (我的申请), and a cadre's open ones (their lines in 待办)."""

from __future__ import annotations

import json

from bot.dialogue import Context
from bot.dialogue.tasks import Task
from handlers.supplies.texts import TEXT
from models.person import name_of
from models.supplies import (
    ACCEPTED,
    CANCELLED,
    DELIVERED,
    OPEN,
    RECEIVED,
    REFUSED,
    SupplyRequest,
    candidate_ids,
    requests_by_ids,
    requests_of,
)
from town.supplies import household, items_text, local_time, recipients

SHOWN = 10


def mine(ctx: Context) -> str:
    """我的申请: the household's latest requests and where each stands, in plain words."""
    rows = requests_of(ctx.session, person_id=ctx.person.id, limit=SHOWN)
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
        who = name_of(ctx.sql, person_id=request.accepted_by_person_id)
        return TEXT.state_accepted.format(who=who or TEXT.someone)
    if status == DELIVERED:
        return TEXT.state_delivered.format(number=request.id)
    if status == RECEIVED:
        return TEXT.state_received
    if status == REFUSED:
        return TEXT.state_refused.format(reason=request.refused_reason or "")
    return TEXT.state_cancelled if status == CANCELLED else status


def todo_lines(ctx: Context) -> list[Task]:
    """The open requests that reached this cadre and the ones they accepted (a 待办 source; urgent ones urgent)."""
    ids = candidate_ids(ctx.sql, person_id=ctx.person.id)
    if not ids:
        return []
    requests = requests_by_ids(ctx.session, ids=ids)
    lines = []
    for request in requests:
        if request.accepted_by_person_id == ctx.person.id and request.status == ACCEPTED:
            hint = TEXT.todo_mine.format(number=request.id)
        elif request.status == OPEN and any(h.person_id == ctx.person.id for h in recipients(ctx.sql, request)):
            hint = TEXT.todo_open.format(number=request.id) + (TEXT.todo_escalated if request.escalation_level else "")
        else:
            continue
        text = TEXT.todo_line.format(
            number=request.id,
            urgent=TEXT.urgent if request.urgent else "",
            household=household(ctx.sql, request),
            items=items_text(json.loads(request.items or "[]")),
            at=local_time(request.created_at),
            hint=hint,
        )
        lines.append(Task(text, urgent=bool(request.urgent)))
    return lines
