"""A fake WeChat Official Account API over real HTTP, for tests and benchmarks.

    fake = FakeWeChat(appid="wxfake", secret="s", account_type="service").start()
    settings = make_settings(wechat_api_base_url=fake.url)  # the service calls {url}/cgi-bin/...
    fake.user_wrote("o1"); ...; fake.messages_to("o1"); fake.stop()

It answers like WeChat: HTTP 200, JSON with `errcode`/`errmsg` (0 / "ok" on success), real errcodes (see
tests/fakewechat_state.ERRMSG). Rules it enforces, and where it chose:
- stable_token: normal mode returns the current token (a new one in its last 300 s; the old stays valid until
  it expires); force_refresh issues a new one and invalidates every earlier stable token. /cgi-bin/token issues a
  new token each call and invalidates the earlier /cgi-bin/token ones. The two kinds are independent, as WeChat
  documents. Unknown/invalidated token 40001, expired 42001, missing 41001.
- custom/send: 48 h after user_wrote(), 5 per window (45015 / 45047). The 1-minute event window is not modelled.
- template/send: 48001 on a subscription account, 40037 unknown template, 43004 unfollowed, 43101 refused.
  Delivered text = the data values cut at 20 characters, one per line.
- subscribe/bizsend: 43101 unless accept_subscribe(); one-time grants (times=N) are used up.
- mass: service 100 calls/Beijing day (45009), 4 per user per Beijing month (excess silently filtered);
  subscription 1 per day (45028), mass/send 48001; clientmsgid dedupe 24 h (45065); sendall with the legacy
  filter.group_id and no tag_id -> 40050 "invalid group id" (wechatpy's bug); unknown tag_id 45159. A successful
  mass answer says errmsg "send job submission success", as WeChat does.
- tags: 30-byte names (45158), duplicates 45157, 100 tags 45056, batches 1..50 (40032), unknown tag 45159,
  21st tag of a user 45059 (the whole batch is refused).
- menu: 1..3 buttons (40016), <= 5 sub_buttons (40023); name width (Chinese char 2, ASCII 1) <= 8 on top
  (4 Chinese chars), <= 14 below (7 Chinese chars), else 40018; key-typed buttons need a key <= 128 bytes (40019);
  view/miniprogram need an http(s) url <= 1024 bytes (40020 / 40055); unknown type 40017.
- getcallbackip: the list given as callback_ips= (default fakewechat_state.CALLBACK_IPS), or set_callback_ips().
- Users are created on first sight (subscribed); unsubscribe() makes one unfollowed.
Faults match a path prefix by whole segments ("/cgi-bin/message" matches every message API, but
"/cgi-bin/message/mass/send" does not match ".../sendall"); order: down, slow, http_error, fail.
Web authorisation (snsapi_base): GET /connect/oauth2/authorize redirects back with a code for the openid chosen
with authorize_as(openid); GET /sns/oauth2/access_token exchanges it (tests/support/fakewechat_oauth.py).
WeCom (企业微信) is served under /wecom (fake.wecom_url; rules in tests/support/fakewecom_state.py), with the same
faults: fail("/wecom/cgi-bin/message/send", 60111), slow("/wecom", 3), ...
Standalone: `python -m tests.fakewechat --port P` serves until killed; POST /_fake/<helper> with a JSON object of
keyword arguments calls a helper (user_wrote, fail, reset, ...) from another process; GET /_fake/summary counts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket
import threading
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from tests.support.barriers import serving, until
from tests.support.fakewechat_oauth import WebAuth
from tests.support.fakewechat_state import ERRMSG, Delivery, WeChatError, WeChatState, err
from tests.support.fakewecom_state import WECOM_PREFIX, WeComState, dispatch

__all__ = ["Call", "Delivery", "FakeWeChat", "free_port"]
JSON = "application/json; encoding=utf-8"
TOKEN_PATHS = ("/cgi-bin/stable_token", "/cgi-bin/token")
REMOTE_HELPERS = {
    "add_user", "user_wrote", "unsubscribe", "refuse_templates", "accept_subscribe", "add_template", "advance",
    "invalidate_tokens", "fail", "http_error", "slow", "down", "up", "clear_faults", "reset", "add_wecom_member",
    "set_callback_ips", "authorize_as",
}  # fmt: skip
OAUTH_PAGE, OAUTH_TOKEN = "/connect/oauth2/authorize", "/sns/oauth2/access_token"


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def matches(path: str, prefix: str) -> bool:
    """Whether `path` is `prefix` or below it, by whole path segments."""
    prefix = prefix.rstrip("/")
    return not prefix or path == prefix or path.startswith(prefix + "/")


@dataclass(slots=True)
class Call:
    """One request the fake received and what it answered (errcode None: not a JSON answer)."""

    path: str
    query: dict[str, str]
    json: Any
    time: float
    errcode: int | None = None
    status: int = 200


@dataclass(slots=True)
class Fault:
    """An injected failure for requests under a path prefix; times None = forever."""

    prefix: str
    kind: str  # slow | http | fail
    value: Any
    times: int | None


class FakeWeChat(WeChatState):
    """WeChat's API on a loopback port, with fault injection and a record of every call."""

    def __init__(self, *, port: int | None = None, host: str = "127.0.0.1", **options: Any):
        self.wecom = WeComState(self.now)
        self.oauth = WebAuth(self.now, lambda: (self.appid, self.secret))
        super().__init__(**options)
        self.host, self.port = host, port or free_port()
        self.url = f"http://{host}:{self.port}"
        self.wecom_url = f"{self.url}{WECOM_PREFIX}"
        self.app = self._make_app()
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    def _clear(self) -> None:
        super()._clear()
        self.wecom.clear()
        if hasattr(self, "oauth"):
            self.oauth.clear()
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.is_down = False
        self.token_fetches = 0

    def reset(self) -> None:
        """Forget everything (tokens, users, quotas, tags, menu, calls, faults, clock offset); keep the config."""
        with self.lock:
            self._clear()

    # -- lifecycle ---------------------------------------------------------------------------------------------
    def start(self) -> FakeWeChat:
        """Serve in a daemon thread; return once the port accepts connections."""
        config = uvicorn.Config(
            self.app, host=self.host, port=self.port, loop="asyncio", http="httptools", access_log=False,
            log_level="warning", lifespan="off", timeout_graceful_shutdown=1,
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True, name=f"fakewechat-{self.port}")
        self.thread.start()
        until(lambda: serving(self.server, self.thread, "fake WeChat"), timeout=30, step=0.01)
        return self

    def stop(self) -> None:
        """Stop serving (in-flight slow requests are cut after about a second)."""
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)
        self.server = self.thread = None

    def __enter__(self) -> FakeWeChat:
        return self if self.server is not None else self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def authorize_as(self, openid: str | None) -> None:
        """Whom WeChat's web authorisation page (snsapi_base) authorises from now on."""
        with self.lock:
            self.oauth.authorize_as(openid)

    def add_wecom_member(self, *userids: str) -> None:
        """Members of the fake corp that its application may message."""
        self.wecom.add_member(*userids)

    # -- faults ------------------------------------------------------------------------------------------------
    def _add_fault(self, prefix: str, kind: str, value: Any, times: int | None) -> None:
        with self.lock:
            self.faults.append(Fault(prefix, kind, value, times))

    def fail(self, path: str, errcode: int, times: int | None = None, errmsg: str | None = None) -> None:
        """Answer this errcode (HTTP 200) to requests under `path`, `times` times (None: until cleared)."""
        self._add_fault(path, "fail", (errcode, errmsg or ERRMSG.get(errcode, "fake failure")), times)

    def http_error(self, path: str, status: int = 502, times: int | None = 1) -> None:
        """Answer an HTML error page with this HTTP status, like a gateway in front of WeChat."""
        self._add_fault(path, "http", status, times)

    def slow(self, path: str, seconds: float, times: int | None = 1) -> None:
        """Sleep before answering (normally) requests under `path`: client read timeouts."""
        self._add_fault(path, "slow", seconds, times)

    def down(self) -> None:
        """Answer every request 503 until up()."""
        self.is_down = True

    def up(self) -> None:
        """Serve normally again."""
        self.is_down = False

    def clear_faults(self) -> None:
        """Remove every injected fault and come back up."""
        with self.lock:
            self.faults.clear()
            self.is_down = False

    def _take_fault(self, path: str, kind: str) -> Fault | None:
        """The first fault of this kind for this path, one use consumed."""
        if not self.faults:
            return None
        with self.lock:
            for fault in self.faults:
                if fault.kind == kind and matches(path, fault.prefix):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                    return fault
        return None

    # -- recording ---------------------------------------------------------------------------------------------
    def calls_to(self, path: str) -> list[Call]:
        """The recorded calls under a path prefix (by whole segments)."""
        with self.lock:
            return [call for call in self.calls if matches(call.path, path)]

    def summary(self) -> dict:
        """Counts for another process: calls by path, token fetches, deliveries by channel."""
        with self.lock:
            by_path: dict[str, int] = {}
            for call in self.calls:
                by_path[call.path] = by_path.get(call.path, 0) + 1
            channels: dict[str, int] = {}
            for delivery in self.deliveries:
                channels[delivery.channel] = channels.get(delivery.channel, 0) + 1
            if self.wecom.messages:
                channels["wecom"] = len(self.wecom.messages)
            return {"calls": len(self.calls), "by_path": by_path, "token_fetches": self.token_fetches,
                    "deliveries": channels}  # fmt: skip

    # -- HTTP --------------------------------------------------------------------------------------------------
    def _make_app(self) -> FastAPI:
        app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
        routes = {
            "/cgi-bin/message/custom/send": self.custom_send,
            "/cgi-bin/message/template/send": self.template_send,
            "/cgi-bin/message/subscribe/bizsend": self.subscribe_send,
            "/cgi-bin/message/mass/send": self.mass_send,
            "/cgi-bin/message/mass/sendall": self.mass_sendall,
            "/cgi-bin/tags/create": self.tag_create,
            "/cgi-bin/tags/get": lambda body: self.tag_list(),
            "/cgi-bin/tags/members/batchtagging": lambda body: self.tag_members(body, add=True),
            "/cgi-bin/tags/members/batchuntagging": lambda body: self.tag_members(body, add=False),
            "/cgi-bin/menu/create": self.menu_create,
            "/cgi-bin/menu/get": lambda body: self.menu_get(),
            "/cgi-bin/menu/delete": lambda body: self.menu_delete(),
            "/cgi-bin/getcallbackip": lambda body: self.callback_ip_list(),
        }

        @app.api_route("/{path:path}", methods=["GET", "POST"])
        async def wechat(request: Request) -> Response:
            path = request.url.path
            if path.startswith("/_fake/"):
                return await self._remote(request, path.removeprefix("/_fake/"))
            call = Call(path, dict(request.query_params), None, self.now())
            self.calls.append(call)
            if path in TOKEN_PATHS:
                with self.lock:
                    self.token_fetches += 1
            if path in (OAUTH_PAGE, OAUTH_TOKEN):
                return self._web_auth(call)
            route = self.wecom if path.startswith(WECOM_PREFIX + "/") else routes.get(path)
            return await self._answer(request, call, route)

        return app

    async def _answer(self, request: Request, call: Call, route: Any) -> Response:
        if self.is_down:
            return _status(call, 503, "Service Unavailable")
        if slow := self._take_fault(call.path, "slow"):
            await asyncio.sleep(slow.value)
        if http := self._take_fault(call.path, "http"):
            return _status(call, http.value, f"<html><body><h1>{http.value} error</h1></body></html>")
        if route is None and call.path not in TOKEN_PATHS:
            return _status(call, 404, f"<html><body>fake WeChat has no API {call.path}</body></html>")
        raw = await request.body()
        try:
            call.json = json.loads(raw) if raw else {}
            if failure := self._take_fault(call.path, "fail"):
                raise WeChatError(*failure.value)
            result = self._dispatch(call, route)
        except WeChatError as exc:
            return _json(call, {"errcode": exc.errcode, "errmsg": exc.errmsg})
        except ValueError:
            return _json(call, {"errcode": 47001, "errmsg": ERRMSG[47001]})
        return _json(call, {"errcode": 0, "errmsg": "ok", **result})

    def _web_auth(self, call: Call) -> Response:
        """The web authorisation page (a redirect) and its code exchange (no errcode on success, as WeChat)."""
        if self.is_down:
            return _status(call, 503, "Service Unavailable")
        with self.lock:
            if call.path == OAUTH_PAGE:
                status, answer = self.oauth.authorize(call.query)
                if status == 302:
                    call.status = 302
                    return RedirectResponse(answer, status_code=302)
                return _status(call, status, answer)
            if failure := self._take_fault_unlocked(call.path):
                return _json(call, {"errcode": failure.value[0], "errmsg": failure.value[1]})
            try:
                result = self.oauth.access_token(call.query)
            except WeChatError as exc:
                return _json(call, {"errcode": exc.errcode, "errmsg": exc.errmsg})
        call.errcode = 0
        return Response(json.dumps(result), media_type=JSON)

    def _take_fault_unlocked(self, path: str) -> Fault | None:
        """A "fail" fault for this path, taken while the lock is held already."""
        for fault in self.faults:
            if fault.kind == "fail" and matches(path, fault.prefix):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                return fault
        return None

    def _dispatch(self, call: Call, route: Any) -> dict:
        if route is self.wecom:
            return dispatch(self.wecom, call.path.removeprefix(WECOM_PREFIX), call.query, call.json)
        if call.path == "/cgi-bin/stable_token":
            return self.stable_token_call(_object(call.json))
        if call.path == "/cgi-bin/token":
            return self.legacy_token_call(call.query)
        self.check_token(call.query.get("access_token"))
        return route(_object(call.json))

    async def _remote(self, request: Request, name: str) -> Response:
        """Control from another process: GET /_fake/summary, POST /_fake/<helper> {kwargs}."""
        if name == "summary":
            return Response(json.dumps(self.summary()), media_type=JSON)
        if name not in REMOTE_HELPERS:
            return Response(json.dumps({"error": f"no helper {name}"}), status_code=404, media_type=JSON)
        raw = await request.body()
        getattr(self, name)(**(json.loads(raw) if raw else {}))
        return Response(json.dumps({"ok": True}), media_type=JSON)


def _object(body: Any) -> dict:
    if not isinstance(body, dict):
        raise err(47001)
    return body


def _json(call: Call, payload: dict) -> Response:
    call.errcode = payload["errcode"]
    return Response(json.dumps(payload, ensure_ascii=False), media_type=JSON)


def _status(call: Call, status: int, text: str) -> Response:
    call.status = status
    return Response(text, status_code=status, media_type="text/html")


def main(argv: list[str] | None = None) -> None:
    """Serve a fake until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(prog="python -m tests.fakewechat", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--appid", default="wxfake")
    parser.add_argument("--secret", default="s")
    parser.add_argument("--account-type", choices=("service", "subscription"), default="service")
    parser.add_argument("--token-ttl", type=float, default=7200)
    parser.add_argument("--template", action="append", default=None, help="a known template id (repeatable)")
    args = parser.parse_args(argv)
    fake = FakeWeChat(
        port=args.port or None, host=args.host, appid=args.appid, secret=args.secret,
        account_type=args.account_type, token_ttl_s=args.token_ttl, templates=args.template or ("tpl-notice",),
    )  # fmt: skip
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    fake.start()
    print(f"fake WeChat listening on {fake.url}", flush=True)
    stop.wait()
    fake.stop()


if __name__ == "__main__":
    main()
