"""The state and rules behind FakeWeChat: tokens, users, windows, quotas, tags, menus (no HTTP here)."""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

HOUR = 3600
DAY = 24 * HOUR
BEIJING = 8 * HOUR  # WeChat's daily and monthly quotas roll over at midnight Beijing time
WINDOW_S = 48 * HOUR
WINDOW_QUOTA = 5
NEAR_EXPIRY_S = 300
MASS_DAILY_CALLS = 100
MASS_PER_USER_MONTH = 4
MAX_TAGS, MAX_TAGS_PER_USER, MAX_BATCH = 100, 20, 50
TEMPLATE_VALUE_CHARS = 20
KEY_TYPES = {
    "click", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album", "pic_weixin",
    "location_select",
}  # fmt: skip
OTHER_TYPES = {"view", "miniprogram", "media_id", "view_limited", "article_id", "article_view_limited"}
MSG_TYPES = {"text", "image", "voice", "video", "music", "news", "mpnews", "mpnewsarticle", "msgmenu", "wxcard",
             "miniprogrampage"}  # fmt: skip
ERRMSG = {
    -1: "system error",
    0: "ok",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40008: "invalid message type",
    40013: "invalid appid",
    40016: "invalid button size",
    40017: "invalid button type",
    40018: "invalid button name size",
    40019: "invalid button key size",
    40020: "invalid button url size",
    40023: "invalid sub button size",
    40029: "invalid code",
    40032: "invalid openid list size",
    40037: "invalid template_id",
    40050: "invalid group id: filter.group_id is the legacy field, send filter.tag_id",
    40055: "invalid button url domain",
    40125: "invalid appsecret",
    40130: "invalid openid list size, at least two openid",
    40163: "code been used",
    41001: "access_token missing",
    41008: "missing code",
    42001: "access_token expired",
    43004: "require subscribe",
    43101: "user refuse to accept the msg",
    44004: "empty content",
    45009: "reach max api daily quota limit",
    45015: "response out of time limit or subscription is canceled",
    45028: "has no masssend quota",
    45047: "out of response count limit",
    45056: "too many tags now",
    45059: "this user has too many tags",
    45065: "clientmsgid exist",
    45157: "invalid tag name",
    45158: "tag name too long",
    45159: "invalid tag id",
    46003: "menu no exist",
    47001: "data format error",
    48001: "api unauthorized",
}
MASS_OK = "send job submission success"
# Addresses of the kind cgi-bin/getcallbackip returns (entries may also be networks "a.b.c.d/n").
CALLBACK_IPS = ("101.226.62.77", "101.226.62.78", "101.226.103.59", "183.3.234.0/24")


class WeChatError(Exception):
    """An errcode the fake answers instead of a result."""

    def __init__(self, errcode: int, errmsg: str | None = None):
        super().__init__(errcode)
        self.errcode = errcode
        self.errmsg = errmsg or ERRMSG.get(errcode, "fake failure")


def err(errcode: int) -> WeChatError:
    """Shorthand for raising an errcode."""
    return WeChatError(errcode)


@dataclass(slots=True)
class Delivery:
    """One message that reached one user."""

    channel: str  # custom | template | subscribe | mass
    openid: str
    text: str
    at: float
    template_id: str | None = None
    data: Any = None
    msgid: int | None = None


@dataclass(slots=True)
class User:
    """What the fake knows of one follower."""

    openid: str
    subscribed: bool = True
    window_opened_at: float | None = None
    window_used: int = 0
    refuses_templates: bool = False
    accepted: dict[str, int | None] = field(default_factory=dict)  # template_id -> sends left (None: long-term)
    tags: set[int] = field(default_factory=set)


@dataclass(slots=True)
class Token:
    """An issued access token (invalidated tokens are dropped, so they read as unknown: 40001)."""

    value: str
    expires_at: float
    kind: str  # stable | legacy


def day_of(t: float) -> int:
    """The Beijing calendar day number of a timestamp."""
    return int((t + BEIJING) // DAY)


def month_of(t: float) -> tuple[int, int]:
    """The Beijing calendar (year, month) of a timestamp."""
    tm = time.gmtime(t + BEIJING)
    return tm.tm_year, tm.tm_mon


def name_width(name: str) -> int:
    """Display width of a menu name: a Chinese (non-ASCII) character counts 2, an ASCII one 1."""
    return sum(1 if ord(ch) < 128 else 2 for ch in name)


def menu_errcode(buttons: Any) -> int:
    """0 if WeChat would accept this menu, else its errcode."""
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        return 40016
    for button in buttons:
        if not isinstance(button, dict):
            return 40016
        subs = button.get("sub_button") or []
        code = _name_errcode(button, limit=8) or (_subs_errcode(subs) if subs else _action_errcode(button))
        if code:
            return code
    return 0


def _subs_errcode(subs: Any) -> int:
    if not isinstance(subs, list) or len(subs) > 5:
        return 40023
    for sub in subs:
        code = 40023 if not isinstance(sub, dict) else _name_errcode(sub, limit=14) or _action_errcode(sub)
        if code:
            return code
    return 0


def _name_errcode(button: dict, *, limit: int) -> int:
    name = button.get("name")
    return 40018 if not isinstance(name, str) or not name or name_width(name) > limit else 0


def _action_errcode(button: dict) -> int:
    kind = button.get("type")
    if kind in KEY_TYPES:
        key = button.get("key")
        return 40019 if not isinstance(key, str) or not key or len(key.encode()) > 128 else 0
    if kind in ("view", "miniprogram"):
        url = button.get("url")
        if not isinstance(url, str) or not url or len(url.encode()) > 1024:
            return 40020
        return 0 if url.startswith(("http://", "https://")) else 40055
    return 0 if kind in OTHER_TYPES else 40017


class WeChatState:
    """Everything the fake remembers; every public method is thread-safe (one lock, held briefly)."""

    def __init__(
        self,
        *,
        appid: str = "wxfake",
        secret: str = "s",
        account_type: str = "service",
        token_ttl_s: float = 7200,
        templates: tuple[str, ...] | list[str] = ("tpl-notice",),
        frozen_at: float | None = None,
        callback_ips: tuple[str, ...] | list[str] = CALLBACK_IPS,
    ):
        if account_type not in ("service", "subscription"):
            raise ValueError("account_type must be 'service' or 'subscription'")
        self.appid, self.secret, self.account_type = appid, secret, account_type
        self.token_ttl_s = token_ttl_s
        self._initial_templates = tuple(templates)
        self._initial_callback_ips = tuple(callback_ips)
        self._frozen_at = frozen_at
        self.lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self._offset = 0.0
        self.templates: set[str] = set(self._initial_templates)
        self.callback_ips: list[str] = list(self._initial_callback_ips)
        self.tokens: dict[str, Token] = {}
        self.stable_token: str | None = None
        self.users: dict[str, User] = {}
        self.deliveries: list[Delivery] = []
        self.mass_calls_by_day: dict[int, int] = {}
        self.mass_by_user_month: dict[tuple[str, tuple[int, int]], int] = {}
        self.clientmsgids: dict[str, float] = {}
        self.tag_names: dict[int, str] = {}
        self.menu: list | None = None
        self._ids = itertools.count(1000000001)
        self._tag_ids = itertools.count(100)

    # -- the clock ---------------------------------------------------------------------------------------------
    def now(self) -> float:
        """The fake's clock: real time (or frozen_at) plus whatever advance() added."""
        return (self._frozen_at if self._frozen_at is not None else time.time()) + self._offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward (tokens expire, windows close, days and months roll over)."""
        with self.lock:
            self._offset += seconds

    # -- test helpers ------------------------------------------------------------------------------------------
    def _user(self, openid: str) -> User:
        user = self.users.get(openid)
        if user is None:
            user = self.users[openid] = User(openid)
        return user

    def add_user(self, *openids: str) -> None:
        """Known, subscribed followers (any openid the fake sees becomes one; this is for is_to_all sends)."""
        with self.lock:
            for openid in openids:
                self._user(openid).subscribed = True

    def user_wrote(self, openid: str) -> None:
        """The user sent a message now: (re)open the 48-hour window with a fresh quota of 5."""
        with self.lock:
            user = self._user(openid)
            user.subscribed, user.window_opened_at, user.window_used = True, self.now(), 0

    def unsubscribe(self, openid: str) -> None:
        """The user unfollowed: custom 45015, template/subscribe 43004, left out of mass sends."""
        with self.lock:
            user = self._user(openid)
            user.subscribed, user.window_opened_at = False, None

    def refuse_templates(self, openid: str) -> None:
        """The user turned template messages off: 43101."""
        with self.lock:
            self._user(openid).refuses_templates = True

    def accept_subscribe(self, openid: str, template_id: str, times: int | None = None) -> None:
        """The user accepted this subscribe notification: `times` sends (one-time), None = long-term."""
        with self.lock:
            self._user(openid).accepted[template_id] = times

    def add_template(self, template_id: str) -> None:
        """A template id the account owns (others answer 40037)."""
        with self.lock:
            self.templates.add(template_id)

    def invalidate_tokens(self) -> None:
        """Every issued token now answers 40001, as after someone else's force refresh."""
        with self.lock:
            self.tokens.clear()
            self.stable_token = None

    @property
    def current_token(self) -> str | None:
        """The token stable_token (normal mode) would hand out now."""
        return self.stable_token

    def tags_of(self, openid: str) -> set[int]:
        """The tag ids of a user."""
        with self.lock:
            user = self.users.get(openid)
            return set(user.tags) if user else set()

    def mass_received(self, openid: str) -> int:
        """Mass messages this user received in the fake's current month."""
        with self.lock:
            return self.mass_by_user_month.get((openid, month_of(self.now())), 0)

    def messages_to(self, openid: str, channel: str | None = None) -> list[Delivery]:
        """What reached this user, oldest first (optionally only one channel)."""
        with self.lock:
            return [d for d in self.deliveries if d.openid == openid and channel in (None, d.channel)]

    # -- tokens ------------------------------------------------------------------------------------------------
    def _check_credentials(self, grant_type: Any, appid: Any, secret: Any) -> None:
        if grant_type != "client_credential":
            raise err(40002)
        if appid != self.appid:
            raise err(40013)
        if secret != self.secret:
            raise err(40125)

    def _issue(self, kind: str, now: float) -> Token:
        token = Token(f"FAKE_{kind.upper()}_{next(self._ids)}_{secrets.token_hex(8)}", now + self.token_ttl_s, kind)
        self.tokens[token.value] = token
        return token

    def _drop_tokens(self, kind: str) -> None:
        for value in [v for v, t in self.tokens.items() if t.kind == kind]:
            del self.tokens[value]

    def stable_token_call(self, body: dict) -> dict:
        """POST /cgi-bin/stable_token: the current token, a new one near expiry, or a forced new one."""
        self._check_credentials(body.get("grant_type"), body.get("appid"), body.get("secret"))
        force = body.get("force_refresh") is True
        with self.lock:
            now = self.now()
            current = self.tokens.get(self.stable_token) if self.stable_token else None
            if force:
                self._drop_tokens("stable")
                current = None
            if current is None or current.expires_at - now < NEAR_EXPIRY_S:
                current = self._issue("stable", now)
                self.stable_token = current.value
            return {"access_token": current.value, "expires_in": round(current.expires_at - now)}

    def legacy_token_call(self, query: dict) -> dict:
        """GET /cgi-bin/token: always a new token; the previous legacy tokens stop working."""
        self._check_credentials(query.get("grant_type"), query.get("appid"), query.get("secret"))
        with self.lock:
            self._drop_tokens("legacy")
            token = self._issue("legacy", self.now())
            return {"access_token": token.value, "expires_in": round(self.token_ttl_s)}

    def check_token(self, value: str | None) -> None:
        """41001 missing, 40001 unknown or invalidated, 42001 expired."""
        if not value:
            raise err(41001)
        token = self.tokens.get(value)
        if token is None:
            raise err(40001)
        if token.expires_at <= self.now():
            raise err(42001)

    # -- messages ----------------------------------------------------------------------------------------------
    def _deliver(self, channel: str, openid: str, text: str, **extra: Any) -> None:
        self.deliveries.append(Delivery(channel, openid, text, self.now(), **extra))

    def custom_send(self, body: dict) -> dict:
        """message/custom/send: inside the user's 48-hour window, 5 per window."""
        openid, msgtype = body.get("touser"), body.get("msgtype")
        if not isinstance(openid, str) or not openid:
            raise err(40003)
        if msgtype not in MSG_TYPES:
            raise err(40008)
        text = _text_of(body) if msgtype == "text" else ""
        with self.lock:
            user, now = self._user(openid), self.now()
            opened = user.window_opened_at
            if not user.subscribed or opened is None or now - opened >= WINDOW_S:
                raise err(45015)
            if user.window_used >= WINDOW_QUOTA:
                raise err(45047)
            user.window_used += 1
            self._deliver("custom", openid, text, data=body.get(msgtype))
        return {}

    def template_send(self, body: dict) -> dict:
        """message/template/send: service accounts, known template ids, users who have not refused."""
        if self.account_type != "service":
            raise err(48001)
        openid, template_id, data = body.get("touser"), body.get("template_id"), body.get("data") or {}
        with self.lock:
            if template_id not in self.templates:
                raise err(40037)
            user = self._checked_recipient(openid)
            if user.refuses_templates:
                raise err(43101)
            msgid = next(self._ids)
            self._deliver("template", openid, _template_text(data), template_id=template_id, data=data, msgid=msgid)
        return {"msgid": msgid}

    def subscribe_send(self, body: dict) -> dict:
        """message/subscribe/bizsend: needs the user's acceptance of this template (one-time grants are used)."""
        openid, template_id, data = body.get("touser"), body.get("template_id"), body.get("data") or {}
        with self.lock:
            user = self._checked_recipient(openid)
            if template_id not in user.accepted:
                raise err(43101)
            left = user.accepted[template_id]
            if left is not None:
                if left <= 1:
                    del user.accepted[template_id]
                else:
                    user.accepted[template_id] = left - 1
            self._deliver("subscribe", openid, _template_text(data), template_id=template_id, data=data)
        return {}

    def _checked_recipient(self, openid: Any) -> User:
        if not isinstance(openid, str) or not openid:
            raise err(40003)
        user = self._user(openid)
        if not user.subscribed:
            raise err(43004)
        return user

    # -- mass sends --------------------------------------------------------------------------------------------
    def mass_send(self, body: dict) -> dict:
        """message/mass/send (service accounts): 2..10000 openids."""
        if self.account_type != "service":
            raise err(48001)
        openids = body.get("touser")
        if not isinstance(openids, list) or not 2 <= len(openids) <= 10000:
            raise err(40130)
        with self.lock:
            return self._mass(body, list(dict.fromkeys(str(o) for o in openids)))

    def mass_sendall(self, body: dict) -> dict:
        """message/mass/sendall: to a tag (filter.tag_id) or everyone; filter.group_id alone is refused (40050)."""
        filt = body.get("filter") or {}
        with self.lock:
            if filt.get("is_to_all") is True:
                return self._mass(body, list(self.users))
            if "tag_id" not in filt:
                raise err(40050 if "group_id" in filt else 47001)
            try:
                tag_id = int(filt["tag_id"])
            except (TypeError, ValueError):
                raise err(45159) from None
            if tag_id not in self.tag_names:
                raise err(45159)
            return self._mass(body, [u.openid for u in self.users.values() if tag_id in u.tags])

    def _mass(self, body: dict, openids: list[str]) -> dict:
        """Quotas, clientmsgid dedupe and per-user filtering; the caller holds the lock."""
        if body.get("msgtype") not in MSG_TYPES:
            raise err(40008)
        text = _text_of(body) if body.get("msgtype") == "text" else ""
        now, service = self.now(), self.account_type == "service"
        day = day_of(now)
        if self.mass_calls_by_day.get(day, 0) >= (MASS_DAILY_CALLS if service else 1):
            raise err(45009 if service else 45028)
        clientmsgid = body.get("clientmsgid")
        if clientmsgid and now - self.clientmsgids.get(str(clientmsgid), -DAY * 2) < DAY:
            raise err(45065)
        msg_id, month = next(self._ids), month_of(now)
        for openid in openids:
            user = self._user(openid)
            received = self.mass_by_user_month.get((openid, month), 0)
            if not user.subscribed or (service and received >= MASS_PER_USER_MONTH):
                continue  # WeChat filters these silently
            self.mass_by_user_month[(openid, month)] = received + 1
            self._deliver("mass", openid, text, msgid=msg_id)
        self.mass_calls_by_day[day] = self.mass_calls_by_day.get(day, 0) + 1
        if clientmsgid:
            self.clientmsgids[str(clientmsgid)] = now
        return {"errmsg": MASS_OK, "type": body.get("msgtype"), "msg_id": msg_id, "msg_data_id": msg_id + 7}

    # -- tags --------------------------------------------------------------------------------------------------
    def tag_create(self, body: dict) -> dict:
        """tags/create: unique names of at most 30 bytes, at most 100 tags."""
        name = (body.get("tag") or {}).get("name")
        if not isinstance(name, str) or not name.strip():
            raise err(45157)
        if len(name.encode()) > 30:
            raise err(45158)
        with self.lock:
            if name in self.tag_names.values():
                raise err(45157)
            if len(self.tag_names) >= MAX_TAGS:
                raise err(45056)
            tag_id = next(self._tag_ids)
            self.tag_names[tag_id] = name
        return {"tag": {"id": tag_id, "name": name}}

    def tag_list(self) -> dict:
        """tags/get: every tag with its member count."""
        with self.lock:
            counts = dict.fromkeys(self.tag_names, 0)
            for user in self.users.values():
                for tag_id in user.tags:
                    counts[tag_id] = counts.get(tag_id, 0) + 1
            return {"tags": [{"id": i, "name": n, "count": counts[i]} for i, n in self.tag_names.items()]}

    def tag_members(self, body: dict, *, add: bool) -> dict:
        """tags/members/batchtagging and batchuntagging: 1..50 openids, known tag, 20 tags per user."""
        openids, tag_id = body.get("openid_list"), body.get("tagid")
        if not isinstance(openids, list) or not 1 <= len(openids) <= MAX_BATCH:
            raise err(40032)
        with self.lock:
            if tag_id not in self.tag_names:
                raise err(45159)
            users = [self._user(str(openid)) for openid in openids]
            if add and any(tag_id not in u.tags and len(u.tags) >= MAX_TAGS_PER_USER for u in users):
                raise err(45059)
            for user in users:
                (user.tags.add if add else user.tags.discard)(tag_id)
        return {}

    # -- menu --------------------------------------------------------------------------------------------------
    def menu_create(self, body: dict) -> dict:
        """menu/create: validated (see menu_errcode), then stored in self.menu."""
        buttons = body.get("button")
        code = menu_errcode(buttons)
        if code:
            raise err(code)
        with self.lock:
            self.menu = buttons
        return {}

    def set_callback_ips(self, *ips: str) -> None:
        """What getcallbackip answers from now on."""
        with self.lock:
            self.callback_ips = list(ips)

    def callback_ip_list(self) -> dict:
        """getcallbackip: the addresses WeChat calls webhooks from."""
        with self.lock:
            return {"ip_list": list(self.callback_ips)}

    def menu_get(self) -> dict:
        """menu/get: the stored menu, or 46003."""
        with self.lock:
            if self.menu is None:
                raise err(46003)
            return {"menu": {"button": self.menu}}

    def menu_delete(self) -> dict:
        """menu/delete."""
        with self.lock:
            self.menu = None
        return {}


def _text_of(body: dict) -> str:
    content = (body.get("text") or {}).get("content")
    if not isinstance(content, str) or not content:
        raise err(44004)
    return content


def _template_text(data: Any) -> str:
    """The keyword values as the user sees them: each cut at 20 characters, one per line."""
    if not isinstance(data, dict):
        return ""
    values = (v.get("value") if isinstance(v, dict) else v for v in data.values())
    return "\n".join(str(v)[:TEMPLATE_VALUE_CHARS] for v in values if v is not None)
