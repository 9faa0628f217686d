"""/admin/password/{token}: a bound cadre sets their own user name and password from the link sent in the chat."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from admin.web import texts
from admin.web.render import render
from admin.web.security import read_form
from admin.web.signin import signed_in_redirect
from admin.web.viewer import session_ttl, viewer_for
from models.admin_session import PASSWORD_LINK, close_sessions_of, open_session, peek_token, use_token
from models.admin_user import admin_of_person, set_person_password, username_taken
from models.audit import record_action
from models.db import transaction, utcnow

router = APIRouter()
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,32}$")
MIN_PASSWORD = 8


@router.get("/password/{token}")
def password_page(request: Request, token: str) -> Response:
    """The form, while the link is unused and unexpired."""
    with transaction(request.app.state.db) as session:
        link = peek_token(session, token=token, kind=PASSWORD_LINK, now=utcnow())
        viewer = link and viewer_for(session, admin_user_id=None, person_id=link.person_id)
        account = link and admin_of_person(session, person_id=link.person_id)
    if not link:
        return _page(request, token, problem=texts.PASSWORD.expired, status_code=410)
    if not viewer:
        return _page(request, token, problem=texts.PASSWORD.no_role, status_code=403)
    return _page(request, token, name=viewer.name, username=account.username if account else "")


@router.post("/password/{token}")
async def set_password(request: Request, token: str) -> Response:
    """Check the form, use the link once, save the account and sign in with it."""
    form = await read_form(request)
    username, password = form.get("username", "").strip(), form.get("password", "")
    now = utcnow()
    with transaction(request.app.state.db) as session:
        link = peek_token(session, token=token, kind=PASSWORD_LINK, now=now)
        viewer = link and viewer_for(session, admin_user_id=None, person_id=link.person_id)
        if not link or not viewer:
            problem = texts.PASSWORD.expired if not link else texts.PASSWORD.no_role
            return _page(request, token, problem=problem, status_code=410 if not link else 403)
        existing = admin_of_person(session, person_id=link.person_id)
        problem = _problem(session, username, password, form.get("again", ""), existing.id if existing else None)
        if problem:
            return _page(request, token, problem=problem, name=viewer.name, username=username, status_code=400)
        if use_token(session, token=token, kind=PASSWORD_LINK, now=now) is None:
            return _page(request, token, problem=texts.PASSWORD.expired, status_code=410)
        before = {"username": existing.username} if existing else None
        user = set_person_password(
            session, person_id=link.person_id, username=username, password=password, role=viewer.role
        )
        close_sessions_of(session, admin_user_id=user.id)
        record_action(
            session,
            actor=viewer.name,
            action="set_password",
            target=username,
            before=before,
            after={"username": username},
        )
        cookie, _ = open_session(session, admin_user_id=user.id, person_id=None, now=now, ttl=session_ttl(request))
    return signed_in_redirect(request, cookie, "/admin/")


def _problem(session, username: str, password: str, again: str, account_id: int | None) -> str:
    """What is wrong with the form ("" when nothing is)."""
    if not USERNAME.match(username):
        return texts.PASSWORD.bad_username
    if username_taken(session, username=username, except_id=account_id):
        return texts.PASSWORD.taken
    if len(password) < MIN_PASSWORD:
        return texts.PASSWORD.short
    return texts.PASSWORD.mismatch if password != again else ""


def _page(request: Request, token: str, *, problem: str = "", name: str = "", username: str = "", status_code=200):
    return render(
        request,
        "password.html",
        None,
        token=token,
        problem=problem,
        name=name,
        username=username,
        usable=bool(name),
        status_code=status_code,
    )
