"""/admin/cadres: who holds which role where, which posts are empty in which village, and invite codes."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from admin.web.ops.common import FormFields, Seen, actor, ids, shown_phone, when
from admin.web.ops_texts import CADRES as TEXT
from admin.web.render import render
from admin.web.security import require_csrf
from admin.web.viewer import Viewer
from models.audit import record_action
from models.cadre import INVITE_DAYS, ROLES, create_invite, roster, unused_invites
from models.db import transaction, utcnow
from models.sql import Sql
from models.town import Village, list_villages, list_work_areas
from town.command import TOP
from town.posts import TOWN, VILLAGE, WORK_AREA, empty_posts, invite_village, position_name, scope_of

router = APIRouter()


@dataclass
class InviteForm:
    """The invite form as typed, and what came of it."""

    role: str = ""
    village_id: int | None = None
    work_area_id: int | None = None
    error: str = ""
    created: str = ""


@router.get("/cadres", response_class=HTMLResponse)
def cadres_page(request: Request, viewer: Seen) -> HTMLResponse:
    """The roster, empty posts and unused codes of the viewer's villages."""
    return _page(request, viewer, InviteForm())


@router.post("/cadres/invites", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def invite(request: Request, viewer: Seen, fields: FormFields) -> HTMLResponse:
    """A one-time code, as `invite-cadre` makes it (town roles take no village); audited."""
    role = fields.get("role", "")
    form = InviteForm(role, ids(fields.get("village_id")), ids(fields.get("work_area_id")))
    if role not in ROLES:
        raise HTTPException(404)
    scope = scope_of(role)
    if not viewer.town_wide and (scope != VILLAGE or not viewer.sees(form.village_id)):
        raise HTTPException(404)  # beyond their villages, and any town or work-area role: the town's alone
    with transaction(request.app.state.db) as session:
        form.error = _place_error(session, form, scope)
        if not form.error:
            form.created = _create(session, form, viewer)
    return _page(request, viewer, form, status=422 if form.error else 200)


def _place_error(session: Session, form: InviteForm, scope: str) -> str:
    name = TEXT.roles[form.role]
    villages = {v.id: v for v in list_villages(session)}
    if scope == TOWN and (form.village_id or form.work_area_id):
        return TEXT.town_takes_no_place.format(role=name)
    if scope == WORK_AREA and not _area_villages(villages, form.work_area_id):
        return TEXT.needs_work_area.format(role=name)
    if scope == VILLAGE and form.village_id not in villages:
        return TEXT.needs_village.format(role=name)
    return ""


def _create(session: Session, form: InviteForm, viewer: Viewer) -> str:
    villages = {v.id: v for v in list_villages(session)}
    stored_under = invite_village(
        session, form.role, village_id=form.village_id, area_villages=_area_villages(villages, form.work_area_id)
    )
    made = create_invite(session, role=form.role, village_id=stored_under, now=utcnow())
    position = position_name(session, form.role, stored_under)
    after = {"role": TEXT.roles[form.role], "scope": position, "expires_at": when(made.expires_at)}
    record_action(session, actor=actor(viewer), action="invite", target=f"cadre_invite:{made.id}",
                  before=None, after=after)  # fmt: skip
    return TEXT.created.format(position=position, code=made.code, days=INVITE_DAYS)


def _area_villages(villages: dict[int, Village], work_area_id: int | None) -> list[int]:
    return sorted(v.id for v in villages.values() if work_area_id is not None and v.work_area_id == work_area_id)


def _page(request: Request, viewer: Viewer, form: InviteForm, *, status: int = 200) -> HTMLResponse:
    now = utcnow()
    with transaction(request.app.state.db) as session:
        sql = Sql(session.connection())
        villages = [v for v in list_villages(session) if viewer.sees(v.id)]
        areas = list_work_areas(sql)
        posts = roster(sql, villages=viewer.villages, town_roles=viewer.town_wide)
        invites = unused_invites(sql, villages=viewer.villages, now=now, town_roles=viewer.town_wide)
        rows = [_post(session, post, viewer) for post in posts]
        codes = [_code(session, row) for row in invites]
    held = {(post.role, post.village_id) for post in posts}
    names = {v.id: v.name for v in villages}
    empty = [(names[village_id], TEXT.separator.join(_post_name(post) for post in missing))
             for village_id, missing in empty_posts(held, [v.id for v in villages]).items() if missing]  # fmt: skip
    notes = []
    if viewer.town_wide:
        if not any(post.role == TOP for post in posts):
            notes.append(TEXT.town_empty)
        led = {post.work_area_id for post in posts if scope_of(post.role) == WORK_AREA}
        notes += [TEXT.area_empty.format(area=name) for area_id, name in areas if area_id not in led]
    roles = [(role, TEXT.roles[role]) for role in ROLES if viewer.town_wide or scope_of(role) == VILLAGE]
    return _render(request, viewer, form, status, rows=rows, empty=empty, notes=notes, codes=codes, roles=roles,
                   villages=villages, areas=areas if viewer.town_wide else [])  # fmt: skip


def _render(request, viewer, form, status, **context) -> HTMLResponse:
    response = render(request, "ops/cadres.html", viewer, T=TEXT, form=form, **context)
    response.status_code = status
    return response


def _post(session: Session, post, viewer: Viewer) -> dict:
    return {"name": post.name or TEXT.no_name, "phone": shown_phone(post.phone, viewer),
            "position": position_name(session, post.role, post.village_id), "since": when(post.since)}  # fmt: skip


def _code(session: Session, row: tuple) -> dict:
    code, role, village_id, _, _, expires_at = row
    return {"code": code, "position": position_name(session, role, village_id),
            "expires": TEXT.expires.format(when=when(expires_at))}  # fmt: skip


def _post_name(post: tuple[str, ...]) -> str:
    return TEXT.or_.join(TEXT.roles[role] for role in post)
