"""WeChat's web authorisation (网页授权, snsapi_base): the page that gives a code, and the code's openid.

The dashboard opened inside WeChat learns who is looking without asking: WeChat's browser is sent to the
authorisation page, which returns silently to our callback with a code; the code is exchanged here for the openid.
"""

from __future__ import annotations

from urllib.parse import urlencode

from bot.wechat.errors import WeChatError, WeChatUnavailable
from bot.wechat.http import NO_ANSWER, wechat_http
from town.settings import Settings

OPEN_BASE_URL = "https://open.weixin.qq.com"
AUTHORIZE_PATH = "/connect/oauth2/authorize"
ACCESS_TOKEN_PATH = "/sns/oauth2/access_token"


def authorize_url(base: str, *, app_id: str, redirect_uri: str, state: str) -> str:
    """Where WeChat's browser goes to be authorised (snsapi_base: silent, the openid only)."""
    query = urlencode(
        {"appid": app_id, "redirect_uri": redirect_uri, "response_type": "code", "scope": "snsapi_base", "state": state}
    )
    return f"{base.rstrip('/')}{AUTHORIZE_PATH}?{query}#wechat_redirect"


def openid_for_code(settings: Settings, code: str) -> str:
    """The openid of an authorisation code; WeChatError for a refused code, WeChatUnavailable for no answer."""
    params = {
        "appid": settings.wechat_app_id,
        "secret": settings.wechat_app_secret,
        "code": code,
        "grant_type": "authorization_code",
    }
    url = settings.wechat_api_base_url.rstrip("/") + ACCESS_TOKEN_PATH
    with wechat_http(settings.wechat_connect_timeout_s, settings.wechat_read_timeout_s) as http:
        try:
            response = http.get(url, params=params)
        except NO_ANSWER as exc:
            raise WeChatUnavailable(None, type(exc).__name__) from exc
    if response.status_code >= 500:
        raise WeChatUnavailable(None, f"HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError as exc:
        raise WeChatUnavailable(None, f"not JSON (HTTP {response.status_code})") from exc
    if answer.get("errcode") or not answer.get("openid"):
        raise WeChatError(answer.get("errcode"), answer.get("errmsg", "no openid"))
    return answer["openid"]


__all__ = ["OPEN_BASE_URL", "authorize_url", "openid_for_code"]
