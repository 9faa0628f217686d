"""The WeCom (企业微信) side of the fake: one corp, one application, its members, tokens and messages (no HTTP).

FakeWeChat serves it under /wecom (settings: wecom_api_base_url=fake.wecom_url), as a second host would be:
- GET /cgi-bin/gettoken?corpid&corpsecret: 40013 unknown corpid, 40001 wrong secret; the current token until it
  expires (then a new one), as WeCom does. Unknown/invalidated token 40014, expired 42001, missing 41001.
- POST /cgi-bin/message/send: 40056 wrong agentid, 41009 no recipient, 44004 empty text, 40008 unknown msgtype;
  members not in the corp (or outside the app's visible range) come back in `invaliduser` ("a|b") with errcode 0
  when someone valid remains, else 81013. Each message to each member is recorded.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.support.fakewechat_state import WeChatError, err

WECOM_PREFIX = "/wecom"
ERRMSG = {
    40001: "invalid secret",
    40008: "invalid message type",
    40013: "invalid corpid",
    40014: "invalid access_token",
    40056: "invalid agentid",
    41001: "access_token missing",
    41009: "missing touser",
    42001: "access_token expired",
    44004: "empty content",
    60111: "invalid string value `userid`. userid not found",
    81013: "user & party & tag all invalid",
}


@dataclass(slots=True)
class WeComMessage:
    """One text message that reached one member."""

    userid: str
    text: str
    at: float
    msgid: str


class WeComState:
    """A corp with one application; thread-safe like WeChatState (its own lock)."""

    def __init__(self, now: Callable[[], float], *, corp_id="wwfakecorp", agent_id=1000002, secret="ws", ttl_s=7200):
        self.now, self.corp_id, self.agent_id, self.secret, self.ttl_s = now, corp_id, agent_id, secret, ttl_s
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Forget members, tokens and messages."""
        self.members: set[str] = set()
        self.tokens: dict[str, float] = {}
        self.current: str | None = None
        self.messages: list[WeComMessage] = []
        self.token_fetches = 0
        self._ids = itertools.count(1)

    def add_member(self, *userids: str) -> None:
        """Members the application may message (others come back as invaliduser)."""
        with self.lock:
            self.members.update(userids)

    def invalidate_tokens(self) -> None:
        """Every issued token now answers 40014."""
        with self.lock:
            self.tokens.clear()
            self.current = None

    def messages_to(self, userid: str) -> list[WeComMessage]:
        """What reached this member, oldest first."""
        with self.lock:
            return [m for m in self.messages if m.userid == userid]

    def gettoken(self, query: dict) -> dict:
        """GET /cgi-bin/gettoken: the current token while it lasts."""
        if query.get("corpid") != self.corp_id:
            raise _err(40013)
        if query.get("corpsecret") != self.secret:
            raise _err(40001)
        with self.lock:
            self.token_fetches += 1
            now = self.now()
            if self.current is None or self.tokens.get(self.current, 0) <= now:
                self.current = f"FAKE_WECOM_{secrets.token_hex(8)}"
                self.tokens[self.current] = now + self.ttl_s
            return {"access_token": self.current, "expires_in": round(self.tokens[self.current] - now)}

    def check_token(self, value: str | None) -> None:
        """41001 missing, 40014 unknown or invalidated, 42001 expired."""
        if not value:
            raise _err(41001)
        with self.lock:
            expires = self.tokens.get(value)
        if expires is None:
            raise _err(40014)
        if expires <= self.now():
            raise _err(42001)

    def message_send(self, body: dict) -> dict:
        """POST /cgi-bin/message/send: a text to members of the corp."""
        if body.get("agentid") != self.agent_id:
            raise _err(40056)
        if body.get("msgtype") != "text":
            raise _err(40008)
        text = (body.get("text") or {}).get("content")
        if not isinstance(text, str) or not text:
            raise _err(44004)
        userids = [u for u in str(body.get("touser") or "").split("|") if u]
        if not userids:
            raise _err(41009)
        with self.lock:
            valid = [u for u in userids if u in self.members]
            invalid = [u for u in userids if u not in self.members]
            if not valid:
                raise _err(81013)
            msgid = f"wecom-{next(self._ids)}"
            self.messages.extend(WeComMessage(u, text, self.now(), msgid) for u in valid)
        return {"invaliduser": "|".join(invalid), "msgid": msgid}


def _err(errcode: int) -> WeChatError:
    return WeChatError(errcode, ERRMSG.get(errcode))


def dispatch(state: WeComState, path: str, query: dict, body: Any) -> dict:
    """Answer one WeCom request (path below /wecom); raises WeChatError with WeCom's errcode."""
    if path == "/cgi-bin/gettoken":
        return state.gettoken(query)
    state.check_token(query.get("access_token"))
    if path == "/cgi-bin/message/send":
        return state.message_send(body if isinstance(body, dict) else {})
    raise err(48001)
