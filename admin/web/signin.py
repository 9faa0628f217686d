"""Signing in at a desk (user name and password, throttled) and signing out."""

from __future__ import annotations

import datetime as dt
import hmac

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from admin.web import texts
from admin.web.render import render
from admin.web.security import (
    CSRF_FIELD,
    clear_session_cookie,
    client_address,
    is_https,
    read_form,
    require_csrf,
    set_session_cookie,
)
from admin.web.viewer import COOKIE, session_ttl, viewer_for
from models.admin_session import (
    close_session,
    failed_logins,
    forget_expired,
    new_token,
    open_session,
    record_failed_login,
)
from models.admin_user import check_password
from models.db import transaction, utcnow

router = APIRouter()
PRE_COOKIE = "xiangan_signin"  # the sign-in form's own CSRF token, before there is a session


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a dashboard address on this site, never elsewhere."""
    if not target or not target.startswith("/admin") or target.startswith("//") or "\\" in target:
        return "/admin/"
    return target


@router.get("/signin")
def signin_page(request: Request, next: str = "/admin/", why: str = "") -> Response:
    """The sign-in form."""
    notice = {"no_role": texts.SIGNIN.no_role, "out": texts.SIGNIN.signed_out}.get(why, "")
    return _form(request, next=next, notice=notice)


@router.post("/signin")
async def signin(request: Request) -> Response:
    """Check the password (unless this name or address failed too often lately) and open a session."""
    form = await read_form(request)
    pre = request.cookies.get(PRE_COOKIE, "")
    if not pre or not hmac.compare_digest(form.get(CSRF_FIELD, "").encode(), pre.encode()):
        return _form(request, next=form.get("next"), notice=texts.ERRORS.forbidden, status_code=403)
    username, password = form.get("username", "").strip(), form.get("password", "")
    settings, address, now = request.app.state.settings, client_address(request), utcnow()
    with transaction(request.app.state.db) as session:
        since = now - dt.timedelta(minutes=settings.admin_login_window_min)
        by_name, by_address = failed_logins(session, username=username, address=address, since=since)
        if by_name >= settings.admin_login_failures or by_address >= settings.admin_login_failures_per_address:
            record_failed_login(session, username=username, address=address, now=now)
            throttled = True
        else:
            throttled = False
            user = check_password(session, username=username, password=password) if username else None
            viewer = user and viewer_for(session, admin_user_id=user.id, person_id=user.person_id)
            if viewer is None:
                record_failed_login(session, username=username, address=address, now=now)
            else:
                forget_expired(session, now=now)
                ttl = session_ttl(request)
                token, _ = open_session(session, admin_user_id=user.id, person_id=None, now=now, ttl=ttl)
    if throttled:
        return _form(request, next=form.get("next"), notice=texts.SIGNIN.throttled, status_code=429, name=username)
    if viewer is None:
        notice = texts.SIGNIN.no_role if user is not None else texts.SIGNIN.wrong
        return _form(request, next=form.get("next"), notice=notice, status_code=401, name=username)
    return signed_in_redirect(request, token, form.get("next"))


def signed_in_redirect(request: Request, token: str, target: str | None) -> Response:
    """Set the session cookie and go where the cadre was heading."""
    response = RedirectResponse(safe_next(target), status_code=303)
    set_session_cookie(request, response, token, int(session_ttl(request).total_seconds()))
    response.delete_cookie(PRE_COOKIE, path="/admin/signin")
    return response


@router.post("/signout", dependencies=[Depends(require_csrf)])
def signout(request: Request) -> Response:
    """Close this session."""
    with transaction(request.app.state.db) as session:
        close_session(session, token=request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/admin/signin?why=out", status_code=303)
    clear_session_cookie(request, response)
    return response


def _form(request: Request, *, next: str | None, notice: str = "", status_code: int = 200, name: str = "") -> Response:
    pre = request.cookies.get(PRE_COOKIE) or new_token()
    wechat = bool(request.app.state.settings.sandbox or request.app.state.settings.wechat_app_id)
    response = render(
        request,
        "signin.html",
        None,
        csrf_token=pre,
        next=safe_next(next),
        notice=notice,
        username=name,
        wechat=wechat,
        error=status_code != 200 or notice == texts.SIGNIN.no_role,
        status_code=status_code,
    )
    response.set_cookie(
        PRE_COOKIE, pre, max_age=3600, path="/admin/signin", httponly=True, samesite="lax", secure=is_https(request)
    )
    return response
