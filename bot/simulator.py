"""/simulator (sandbox mode only): chat as any villager or cadre through the real /wechat endpoint.

Whoever reaches it reads everyone and acts as anyone: with SIMULATOR_PASSWORD set, every page and API call asks
for it (HTTP Basic, any user name), and `serve` refuses a non-loopback HOST without it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hmac
import json
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from bot import sandbox
from bot.delivery.texts import CHANNEL_NAMES, DEFAULT_TITLE, KIND_TITLES, STATE_SEPARATOR, STATUS_NAMES
from bot.delivery.transport import SUBSCRIBE, TEMPLATE, template_card
from models.admin_session import SANDBOX_CODE, issue_token
from models.cadre import roles_of
from models.chat_history import chat_of
from models.db import transaction, utcnow
from models.outbox import recent_outbox
from models.person import recent_people
from town.posts import position_name

ASK = {"WWW-Authenticate": 'Basic realm="xiangan simulator", charset="UTF-8"'}


def _password(request: Request) -> None:
    """Refuse (401, asking for the password) unless SIMULATOR_PASSWORD is unset or was given."""
    expected = request.app.state.settings.simulator_password
    if expected and not hmac.compare_digest(_given(request).encode(), expected.encode()):
        raise HTTPException(401, "the simulator asks for SIMULATOR_PASSWORD", headers=ASK)


def _given(request: Request) -> str:
    """The password of an HTTP Basic authorization header ("" when there is none)."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return ""
    try:
        return base64.b64decode(value.strip(), validate=True).decode().partition(":")[2]
    except (binascii.Error, UnicodeDecodeError):
        return ""


router = APIRouter(prefix="/simulator", include_in_schema=False, dependencies=[Depends(_password)])
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
SCRIPT = Path(__file__).parent / "static" / "simulator.js"
EVENTS = ("subscribe", "unsubscribe", "CLICK", "SCAN", "LOCATION", "VIEW")
# Who is "inside WeChat" when the simulator opens the dashboard: the authorisation page below reads it.
AS_COOKIE = "xiangan_simulator_openid"
CODE_TTL = dt.timedelta(minutes=5)
NO_ONE = "模拟器：请先在模拟器里填好身份（openid），再点「打开后台」。"


class Send(BaseModel):
    """What the page sends: a text, or an event with its key."""

    openid: str = Field(min_length=1, max_length=64)
    text: str | None = Field(default=None, max_length=2000)
    event: str | None = None
    event_key: str = ""


@router.get("", response_class=HTMLResponse)
async def page(request: Request) -> HTMLResponse:
    """The chat page."""
    menu = [(key, flow.word) for flow in request.app.state.dialogue.flows.values() for key in flow.entry_keys]
    villages = [v.name for v in request.app.state.villages.villages]
    return templates.TemplateResponse(request, "simulator.html", {"menu": menu, "villages": villages, "events": EVENTS})


@router.get("/static/simulator.js")
async def script() -> FileResponse:
    """The page's script (served by the app: no CDN, no separate static host)."""
    return FileResponse(SCRIPT, media_type="text/javascript")


@router.post("/api/send")
async def send(request: Request, message: Send) -> dict:
    """Sign the message like WeChat, POST it to /wechat, and return what WeChat would show."""
    settings = request.app.state.settings
    if message.event:
        xml = sandbox.event_xml(message.openid, message.event, event_key=message.event_key)
    else:
        xml = sandbox.text_xml(message.openid, message.text or "")
    signed = sandbox.sign_request(settings, xml)
    transport = httpx.ASGITransport(app=request.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        response = await client.post(signed.path, content=signed.body, headers={"content-type": "text/xml"})
    reply = sandbox.read_reply(settings, response.text) if response.status_code == 200 else None
    return {"status": response.status_code, "reply": reply}


@router.get("/api/people")
def people(request: Request) -> list[dict]:
    """Everyone who has written, for the openid picker."""
    villages = request.app.state.villages
    with transaction(request.app.state.db) as session:
        rows = recent_people(session, limit=200)
        return [
            {
                "openid": p.openid,
                "name": p.name,
                "village": getattr(villages.by_id(p.village_id), "name", None),
                "roles": [position_name(session, role, v) for role, v in roles_of(session, person_id=p.id)],
                "subscribed": p.subscribed,
            }
            for p in rows
        ]


@router.get("/api/chat")
def chat(request: Request, openid: str) -> list[dict]:
    """One person's chat so far, oldest first: what they sent, the replies, and what was pushed to them."""
    with transaction(request.app.state.db) as session:
        said, pushed = chat_of(session, openid=openid)
        lines = [(m.at, 0, line) for m in said for line in _said(m)]
        lines += [(m.created_at, 1, {"from": "push", "text": m.text, "state": _state(m)}) for m in pushed]
    return [line for _, _, line in sorted(lines, key=lambda item: item[:2])]


def _said(message) -> list[dict]:
    """A message's bubble (or its event's note) and the reply it got."""
    if message.event:
        lines = [{"from": "event", "event": message.event, "event_key": message.event_key or ""}]
    else:
        lines = [{"from": "me", "text": message.text or ""}]
    return lines + ([{"from": "bot", "text": message.reply}] if message.reply else [])


def _state(message) -> str:
    """「已送达 · 模板消息」: the row's status and channel as a person reads them."""
    names = [STATUS_NAMES.get(message.status, message.status), CHANNEL_NAMES.get(message.channel or "", "")]
    return STATE_SEPARATOR.join(name for name in names if name)


def _seen(message) -> str | None:
    """A template's reader sees its keywords cut at 20 characters: show that, as a configured account would."""
    if message.channel not in (TEMPLATE, SUBSCRIBE):
        return None
    title = json.loads(message.payload or "{}").get("title") or KIND_TITLES.get(message.kind, DEFAULT_TITLE)
    return template_card(title, message.text, message.created_at)


@router.get("/api/outbox")
def outbox(request: Request) -> list[dict]:
    """Everything the system would have sent to anyone, newest first."""
    with transaction(request.app.state.db) as session:
        return [
            {
                "id": m.id,
                "to": m.recipient_openid,
                "kind": m.kind,
                "kind_name": KIND_TITLES.get(m.kind, m.kind),
                "text": m.text,
                "status": m.status,
                "channel": m.channel,
                "state": _state(m),
                "seen": _seen(m),
                "created_at": m.created_at.isoformat(),
            }
            for m in recent_outbox(session)
        ]


@router.get("/open-admin")
def open_admin(openid: str, next: str = "/admin/") -> RedirectResponse:
    """「打开后台」: open the dashboard as this openid would inside WeChat (the same web authorisation)."""
    response = RedirectResponse("/admin/wechat?" + urlencode({"next": next}), status_code=303)
    response.set_cookie(AS_COOKIE, openid[:64], max_age=3600, path="/simulator", httponly=True, samesite="lax")
    return response


@router.get("/connect/oauth2/authorize", response_model=None)
def authorize(request: Request, redirect_uri: str, state: str = "") -> RedirectResponse | HTMLResponse:
    """WeChat's authorisation page, played for the openid chosen in the simulator: back at once with a code."""
    openid = request.cookies.get(AS_COOKIE, "")
    target = urlsplit(redirect_uri)
    ours = ("", request.url.netloc, urlsplit(request.app.state.settings.public_url).netloc)
    if not openid or target.path != "/admin/wechat/callback" or target.netloc not in ours:
        return HTMLResponse(NO_ONE, status_code=400)
    with transaction(request.app.state.db) as session:
        code = issue_token(session, kind=SANDBOX_CODE, now=utcnow(), ttl=CODE_TTL, openid=openid)
    return RedirectResponse(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}", status_code=302)
