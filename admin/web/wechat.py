"""Signing in inside WeChat: web authorisation (snsapi_base) gives the openid, the cadre's bound roles the rest.

/admin/wechat sends WeChat's browser to the authorisation page (in sandbox mode the simulator's, or the fake's when
WECHAT_OPEN_BASE_URL names it); WeChat comes back to /admin/wechat/callback with a code, exchanged for the openid.
A state token in a short cookie ties the callback to the browser that started it.
"""

from __future__ import annotations

import hmac
import logging
from urllib.parse import quote, unquote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from admin.web import texts
from admin.web.render import render
from admin.web.security import is_https
from admin.web.signin import safe_next, signed_in_redirect
from admin.web.viewer import session_ttl, viewer_for
from bot.wechat.errors import BAD_AUTH_CODE, WeChatError
from bot.wechat.webauth import OPEN_BASE_URL, authorize_url, openid_for_code
from models.admin_session import SANDBOX_CODE, new_token, open_session, use_token
from models.db import transaction, utcnow
from models.person import person_id_of
from models.sql import Sql

log = logging.getLogger(__name__)
router = APIRouter()
STATE_COOKIE = "xiangan_oauth"
SANDBOX_APP_ID = "xiangan-sandbox"
SANDBOX_OPEN_BASE = "/simulator"


@router.get("/wechat")
def start(request: Request, next: str = "/admin/") -> Response:
    """Off to WeChat's authorisation page, remembering where to come back to."""
    settings = request.app.state.settings
    if not settings.sandbox and not settings.wechat_app_id:
        return _refusal(request, texts.WECHAT.not_configured, 400)
    state = new_token()
    callback = public_base(request) + "/admin/wechat/callback"
    app_id = settings.wechat_app_id or SANDBOX_APP_ID
    response = RedirectResponse(authorize_url(open_base(request), app_id=app_id, redirect_uri=callback, state=state))
    response.set_cookie(
        STATE_COOKIE,
        f"{state}|{quote(safe_next(next), safe='')}",
        max_age=600,
        path="/admin/wechat",
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )
    return response


@router.get("/wechat/callback")
def callback(request: Request, code: str = "", state: str = "") -> Response:
    """WeChat is back with a code: its openid's bound roles decide what this browser may see."""
    expected, _, target = request.cookies.get(STATE_COOKIE, "").partition("|")
    if not expected or not state or not hmac.compare_digest(expected.encode(), state.encode()):
        return _refusal(request, texts.WECHAT.bad_state, 400)
    if not code:
        return _refusal(request, texts.WECHAT.bad_code, 400)
    openid = _openid(request, code)
    if isinstance(openid, Response):
        return openid
    with transaction(request.app.state.db) as session:
        person_id = person_id_of(Sql(session.connection()), openid=openid)
        viewer = person_id and viewer_for(session, admin_user_id=None, person_id=person_id)
        if viewer:
            ttl = session_ttl(request)
            token, _ = open_session(session, admin_user_id=None, person_id=person_id, now=utcnow(), ttl=ttl)
    if not viewer:
        return _refusal(request, texts.WECHAT.no_role, 403)
    response = signed_in_redirect(request, token, unquote(target))
    response.delete_cookie(STATE_COOKIE, path="/admin/wechat")
    return response


def _openid(request: Request, code: str) -> str | Response:
    """The code's openid: from the simulator's codes in sandbox mode, else from WeChat."""
    settings = request.app.state.settings
    if settings.sandbox:
        with transaction(request.app.state.db) as session:
            used = use_token(session, token=code, kind=SANDBOX_CODE, now=utcnow())
            openid = used.openid if used else None
        return openid or _refusal(request, texts.WECHAT.bad_code, 400)
    try:
        return openid_for_code(settings, code)
    except WeChatError as exc:
        log.warning("WeChat web authorisation refused a code: %s %s", exc.errcode, exc.errmsg)
        if exc.errcode in BAD_AUTH_CODE:
            return _refusal(request, texts.WECHAT.bad_code, 400)
        return _refusal(request, texts.WECHAT.failed, 502)


def open_base(request: Request) -> str:
    """WeChat's authorisation page: as configured, else the simulator's in sandbox mode, else WeChat's own."""
    settings = request.app.state.settings
    if settings.wechat_open_base_url:
        return settings.wechat_open_base_url
    return public_base(request) + SANDBOX_OPEN_BASE if settings.sandbox else OPEN_BASE_URL


def public_base(request: Request) -> str:
    """This service's address as people reach it: PUBLIC_URL, else the address of this request."""
    configured = request.app.state.settings.public_url
    if configured:
        return configured.rstrip("/")
    scheme = "https" if is_https(request) else request.url.scheme
    return f"{scheme}://{request.url.netloc}"


def _refusal(request: Request, message: str, status_code: int) -> Response:
    return render(request, "wechat.html", None, message=message, status_code=status_code)
