"""/admin/undelivered: open phone-call tasks and alerts that reached nobody, each with the phone to call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from admin.web.ops.common import Seen, actor, shown_phone, when
from admin.web.ops_texts import UNDELIVERED as TEXT
from admin.web.render import render
from admin.web.security import require_csrf
from admin.web.viewer import Viewer
from handlers.calls import DONE, DONE_ABOVE, close_call
from models.alerts import undelivered_alerts_in
from models.audit import record_action
from models.calls import Call, call_in_villages, open_calls_in
from models.db import transaction, utcnow
from models.person import openid_of
from models.sql import Sql
from town.alerts import who_is

router = APIRouter()
DAYS = 7
OUTCOMES = {
    "done": TEXT.done, "done_above": TEXT.done, "already": TEXT.already, "moved": TEXT.moved, "not_yours": TEXT.refused,
}  # fmt: skip


@dataclass(frozen=True)
class CallRow:
    """A call task as the page shows it."""

    id: int
    callee: str
    phone: str | None
    caller: str
    text: str
    at: str
    mine: bool  # this viewer may mark it made


@dataclass(frozen=True)
class AlertRow:
    """An alert that ended undelivered."""

    at: str
    who: str
    phone: str | None
    state: str
    task: str
    text: str


@router.get("/undelivered", response_class=HTMLResponse)
def undelivered_page(request: Request, viewer: Seen) -> HTMLResponse:
    """The clerk's list, for the viewer's villages."""
    now = utcnow()
    with transaction(request.app.state.db) as session:
        sql = Sql(session.connection())
        mine = openid_of(sql, person_id=viewer.person_id) if viewer.person_id else None
        calls = [_call(sql, task, viewer, mine) for task in open_calls_in(sql, villages=viewer.villages)]
        since = now - dt.timedelta(days=DAYS)
        rows = undelivered_alerts_in(sql, since=since, villages=viewer.villages)
        alerts = [_alert(sql, row, viewer) for row in rows if row[2] == "alert"]
    outcome = request.query_params.get("outcome", "")
    number = request.query_params.get("n", "")
    message = OUTCOMES[outcome].format(number=number) if outcome in OUTCOMES and number.isdigit() else ""
    return render(
        request, "ops/undelivered.html", viewer, T=TEXT, calls=calls, alerts=alerts, days=DAYS, message=message
    )


@router.post("/undelivered/calls/{task_id}/done", dependencies=[Depends(require_csrf)])
def mark_call_made(task_id: int, request: Request, viewer: Seen) -> RedirectResponse:
    """The call was made: the same path as the chat's 「已打电话 N」, audited."""
    now = utcnow()
    with transaction(request.app.state.db) as session:
        sql = Sql(session.connection())
        if call_in_villages(sql, task_id=task_id, villages=viewer.villages) is None:
            raise HTTPException(404)
        mine = openid_of(sql, person_id=viewer.person_id) if viewer.person_id else None
        outcome, _ = close_call(sql, number=task_id, closer_openid=mine, top=viewer.town_wide, now=now)
        if outcome in (DONE, DONE_ABOVE):
            record_action(
                session, actor=actor(viewer), action="call_made", target=f"call_task:{task_id}",
                before={"status": TEXT.audit_open}, after={"status": TEXT.audit_done},
            )  # fmt: skip
    return RedirectResponse(f"/admin/undelivered?outcome={outcome}&n={task_id}", status_code=303)


def _call(sql: Sql, task: Call, viewer: Viewer, mine: str | None) -> CallRow:
    callee, callee_phone = who_is(sql, task.callee_openid)
    if task.caller_openid is None:
        caller = TEXT.caller_top
    else:
        name, phone = who_is(sql, task.caller_openid)
        caller = TEXT.caller.format(caller=name + (f"（{shown_phone(phone, viewer)}）" if phone else ""))
    may = viewer.town_wide or (mine is not None and task.caller_openid == mine)
    phone = task.callee_phone or callee_phone
    shown = phone if may else shown_phone(phone, viewer)  # whoever must call reads the whole number
    return CallRow(task.id, task.callee_name or callee, shown, caller, task.text, when(task.created_at), may)


def _alert(sql: Sql, row: tuple, viewer: Viewer) -> AlertRow:
    _, openid, _, text, status, _, created_at, task_id = row
    who, phone = who_is(sql, openid)
    task = TEXT.alert_task.format(number=task_id) if task_id else TEXT.alert_no_task
    state = TEXT.states.get(status, status)
    return AlertRow(when(created_at), who, shown_phone(phone, viewer), state, task, text)
