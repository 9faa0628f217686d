"""/admin/announcements: compose (text, audience, now or later), the planner's reach first, delivery results after."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from admin.web.ops.common import FormFields, Seen, actor, author, when
from admin.web.ops_texts import ANNOUNCE as TEXT
from admin.web.render import render
from admin.web.security import require_csrf
from admin.web.viewer import Viewer
from broadcasts.announcements import AudienceError, announce
from broadcasts.announcements.audience import resolve
from broadcasts.announcements.plan import Occurrence, Planner
from models.announcement import Announcement, delivery_results, recent_announcements, run_plans
from models.audit import record_action
from models.db import transaction, utcnow
from models.sql import Sql
from models.town import list_villages, list_work_areas
from town import clock

router = APIRouter()
MAX_TEXT = 600
SHOWN = 20
TOWN_AUDIENCES = ("all", "isolated", "cadres")
RESULT_OF = {"sent": "sent", "delivered": "sent", "queued": "pending", "sending": "pending", "covered": "pending",
             "failed": "failed", "undeliverable": "undeliverable"}  # fmt: skip


@dataclass
class Draft:
    """The form as typed, and what went wrong with it."""

    text: str = ""
    to: str = "all"
    timing: str = "now"
    at: str = ""
    error: str = ""


@router.get("/announcements", response_class=HTMLResponse)
def announcements_page(request: Request, viewer: Seen) -> HTMLResponse:
    """The compose form and the announcements sent, with their delivery results."""
    query = request.query_params
    done = next(((TEXT.sent if key == "sent" else TEXT.scheduled).format(id=query[key])
                 for key in ("sent", "scheduled") if query.get(key, "").isdigit()), "")  # fmt: skip
    first = next(iter(_audiences_for(request, viewer)), ("", ""))[0]
    return _page(request, viewer, Draft(to=first), None, done=done)


@router.post("/announcements", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def compose(request: Request, viewer: Seen, form: FormFields):
    """Preview the reach, or send: the same rows as `python main.py announce`, audited."""
    draft = Draft(form.get("text", "").strip(), form.get("to", ""), form.get("timing", "now"), form.get("at", ""))
    to, action = draft.to, form.get("action", "preview")
    if to not in {value for value, _ in _audiences_for(request, viewer)}:
        raise HTTPException(404)  # to all, the isolated or the cadres: the town's alone
    now = utcnow()
    send_at = _check(draft, now)
    if draft.error:
        return _page(request, viewer, draft, None, status=422)
    settings, reach, stored = request.app.state.settings, None, None
    with transaction(request.app.state.db) as session:
        try:
            if action == "send":
                stored = _send(session, settings, draft, viewer, now, send_at)
            else:
                reach = _preview(session, settings, draft, now)
        except AudienceError as exc:
            draft.error = str(exc)
    if draft.error or stored is None:
        return _page(request, viewer, draft, reach, status=422 if draft.error else 200)
    outcome = "scheduled" if send_at else "sent"
    return RedirectResponse(f"/admin/announcements?{outcome}={stored.id}", status_code=303)


def _send(session: Session, settings, draft: Draft, viewer: Viewer, now: dt.datetime, send_at) -> Announcement:
    """Store (and, when now, enqueue) the announcement as the command line does; the audit row beside it."""
    stored, plan = announce(session, settings, text=draft.text, to=draft.to, now=now, at=send_at,
                            created_by=author(viewer)[:100])  # fmt: skip
    after = {"text": stored.text, "audience": stored.audience, "send_at": send_at and send_at.isoformat(),
             "reach": plan.total, "unreachable": plan.unreachable}  # fmt: skip
    record_action(session, actor=actor(viewer), action="announce", target=f"announcement:{stored.id}",
                  before=None, after=after)  # fmt: skip
    return stored


def _check(draft: Draft, now: dt.datetime) -> dt.datetime | None:
    """The send time (None: now); sets draft.error when the form cannot be sent."""
    if not draft.text:
        draft.error = TEXT.need_text
    elif len(draft.text) > MAX_TEXT:
        draft.error = TEXT.too_long.format(n=MAX_TEXT)
    if draft.timing != "later":
        return None
    try:
        at = dt.datetime.fromisoformat(draft.at).replace(tzinfo=clock.zone()).astimezone(dt.UTC)
    except ValueError:
        at = None
    if at is None or at <= now:
        draft.error = draft.error or TEXT.bad_time
    return at


def _preview(session: Session, settings, draft: Draft, now: dt.datetime) -> list[str]:
    """The planner's count, nothing enqueued: how many, by which channel, who cannot be reached."""
    audience = resolve(session, draft.to)
    plan = Planner(Sql(session.connection()), settings, now).plan(
        Occurrence(0, "preview", draft.text, audience), enqueue=False
    )
    return plan.describe().splitlines()  # the same words `announce` prints


def _audiences_for(request: Request, viewer: Viewer) -> list[tuple[str, str]]:
    """(value as `announce --to` takes it, label) the viewer may send to: the town's, or their own villages."""
    with transaction(request.app.state.db) as session:
        villages = [v for v in list_villages(session) if viewer.sees(v.id)]
        areas = list_work_areas(Sql(session.connection()))
        area_villages = {area_id: {v.id for v in list_villages(session) if v.work_area_id == area_id}
                         for area_id, _ in areas}  # fmt: skip
    out = [(kind, TEXT.audiences[kind]) for kind in TOWN_AUDIENCES] if viewer.town_wide else []
    out += [(f"workarea:{name}", TEXT.work_area.format(name=name)) for area_id, name in areas
            if area_villages[area_id] and all(viewer.sees(v) for v in area_villages[area_id])]  # fmt: skip
    out += [(f"village:{v.name}", TEXT.village.format(name=v.name)) for v in villages]
    return out


def _page(request, viewer, draft: Draft, reach: list[str] | None, *, done: str = "", status: int = 200):
    audiences = _audiences_for(request, viewer)
    with transaction(request.app.state.db) as session:
        sql = Sql(session.connection())
        allowed = None if viewer.town_wide else [value for value, _ in audiences]
        history = [_history(sql, row) for row in recent_announcements(sql, audiences=allowed, limit=SHOWN)]
    response = render(
        request, "ops/announcements.html", viewer, T=TEXT, draft=draft, reach=reach, audiences=audiences,
        history=history, done=done, read_only=not viewer.town_wide,
    )  # fmt: skip
    response.status_code = status
    return response


def _history(sql: Sql, row: tuple) -> dict:
    announcement_id, text, audience, send_at, daily_times, status, created_by, created_at = row
    counts = dict.fromkeys(TEXT.result_names, 0)
    scripts = 0
    for script, state, n in delivery_results(sql, announcement_id=announcement_id, since=created_at):
        if script:
            scripts += n
        else:
            counts[RESULT_OF.get(state, "pending")] += n
    unplanned = sum(
        json.loads(plan or "{}").get("unreachable", 0) for plan in run_plans(sql, announcement_id=announcement_id)
    )
    schedule = ""
    if daily_times:
        schedule = TEXT.daily.format(times=TEXT.separator.join(daily_times.split(",")))
    elif send_at and status == "active":
        schedule = TEXT.waiting.format(at=when(send_at))
    return {"id": announcement_id, "text": text, "audience": _label(audience), "at": when(created_at),
            "by": created_by, "schedule": schedule, "counts": counts, "scripts": scripts,
            "unplanned": unplanned}  # fmt: skip


def _label(audience: str) -> str:
    kind, _, name = audience.partition(":")
    if kind == "workarea":
        return TEXT.work_area.format(name=name)
    return name or TEXT.audiences.get(kind, kind)
