"""WeChat's web authorisation (网页授权, snsapi_base) as the fake plays it.

GET /connect/oauth2/authorize?appid=..&redirect_uri=..&response_type=code&scope=snsapi_base&state=.. is the page
WeChat's browser opens: it redirects at once to redirect_uri?code=CODE&state=STATE for the openid chosen with
`authorize_as(openid)` (as WeChat does silently for snsapi_base). With nobody chosen, or a wrong appid or scope, it
shows an error page as WeChat does. GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code
answers {access_token, expires_in, refresh_token, openid, scope} (no errcode, as WeChat) or an errcode: 40013 wrong
appid, 40125 wrong secret, 40002 wrong grant_type, 41008 no code, 40029 unknown or expired code (5 minutes),
40163 a code used already.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from tests.support.fakewechat_state import WeChatError

CODE_TTL_S = 300
SCOPES = ("snsapi_base", "snsapi_userinfo")


@dataclass(slots=True)
class Code:
    """One authorisation code: whose, when given, whether used."""

    openid: str
    issued_at: float
    used: bool = False


class WebAuth:
    """The codes of web authorisation, for the fake's appid and secret."""

    def __init__(self, now: Callable[[], float], credentials: Callable[[], tuple[str, str]]):
        self.now, self.credentials = now, credentials
        self.clear()

    def clear(self) -> None:
        """Forget every code and the chosen user."""
        self.chosen: str | None = None
        self.codes: dict[str, Code] = {}

    def authorize_as(self, openid: str | None) -> None:
        """Whom the authorize page authorises from now on (None: nobody, an error page)."""
        self.chosen = openid

    def authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """The authorize page: (302, where to) or (400, an error page's text)."""
        appid, redirect_uri, scope = query.get("appid"), query.get("redirect_uri", ""), query.get("scope")
        if appid != self.credentials()[0]:
            return 400, "<html><body>appid 参数错误</body></html>"
        if scope not in SCOPES or query.get("response_type") != "code":
            return 400, "<html><body>scope 参数错误或没有 scope 权限</body></html>"
        if urlsplit(redirect_uri).scheme not in ("http", "https"):
            return 400, "<html><body>redirect_uri 参数错误</body></html>"
        if self.chosen is None:
            return 400, "<html><body>fake WeChat: call authorize_as(openid) first</body></html>"
        code = secrets.token_hex(16)
        self.codes[code] = Code(self.chosen, self.now())
        separator = "&" if "?" in redirect_uri else "?"
        return 302, f"{redirect_uri}{separator}{urlencode({'code': code, 'state': query.get('state', '')})}"

    def access_token(self, query: dict[str, str]) -> dict:
        """Exchange a code for the openid (raises WeChatError as WeChat answers errcodes)."""
        appid, secret = self.credentials()
        if query.get("appid") != appid:
            raise WeChatError(40013)
        if query.get("secret") != secret:
            raise WeChatError(40125)
        if query.get("grant_type") != "authorization_code":
            raise WeChatError(40002)
        if not query.get("code"):
            raise WeChatError(41008)
        code = self.codes.get(query["code"])
        if code is None or self.now() - code.issued_at > CODE_TTL_S:
            raise WeChatError(40029)
        if code.used:
            raise WeChatError(40163)
        code.used = True
        return {
            "access_token": "web-" + secrets.token_hex(12),
            "expires_in": 7200,
            "refresh_token": "refresh-" + secrets.token_hex(12),
            "openid": code.openid,
            "scope": "snsapi_base",
        }
