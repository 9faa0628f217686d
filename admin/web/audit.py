"""/admin/audit: the audit log, newest first, for the town-wide viewers only."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from admin.web import texts
from admin.web.render import render
from admin.web.viewer import SignedIn
from models.audit import AuditRow, audit_count, audit_page
from models.db import transaction
from town.clock import local

router = APIRouter()
PAGE_SIZE = 50


@dataclass(frozen=True)
class Change:
    """One field of an action as the page shows it: its name, and the values before and after."""

    field: str
    before: str | None
    after: str | None


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, viewer: SignedIn, page: int = 1) -> HTMLResponse:
    """One page of the log (404 for a viewer who does not see the whole town)."""
    if not viewer.town_wide:
        raise HTTPException(404)
    page = max(page, 1)
    with transaction(request.app.state.db) as session:
        rows = audit_page(session, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        total = audit_count(session)
    entries = [
        {
            "at": local(row.at).strftime("%m-%d %H:%M"),
            "actor": row.actor,
            "action": texts.ACTION_NAMES.get(row.action, row.action),
            "target": row.target,
            "changes": changes(row),
        }
        for row in rows
    ]
    pages = max(1, -(-total // PAGE_SIZE))
    return render(request, "audit.html", viewer, entries=entries, page=page, pages=pages, total=total, T=texts.AUDIT)


def changes(row: AuditRow) -> list[Change]:
    """The fields that differ between before and after (every field of a creation or a download)."""
    before, after = row.before or {}, row.after or {}
    fields = list(dict.fromkeys([*before, *after]))
    return [
        Change(
            texts.FIELD_NAMES.get(field, field),
            readable(before[field]) if field in before else None,
            readable(after[field]) if field in after else None,
        )
        for field in fields
        if before.get(field, object()) != after.get(field, object())
    ]


def readable(value: object) -> str:
    """A recorded value as a cadre reads it."""
    if isinstance(value, bool) or value is None:
        return texts.VALUE_NAMES[value]
    if isinstance(value, list | tuple):
        return "、".join(readable(item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{texts.FIELD_NAMES.get(k, k)}：{readable(v)}" for k, v in value.items())
    return str(value)
