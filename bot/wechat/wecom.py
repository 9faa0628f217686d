"""WeCom (企业微信): an application that sends cadres text messages, on the same machinery as the WeChat client."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

import httpx
from wechatpy.enterprise import WeChatClient as EnterpriseClient

from bot.wechat.client import ApiCalls, SharedTokenRequests
from bot.wechat.errors import WeChatError, WeChatUnavailable
from bot.wechat.http import wechat_http
from bot.wechat.token import TokenManager
from models.api_token import StoredToken
from town.settings import Settings

log = logging.getLogger(__name__)
INVALID_USER = 81013  # what a send that names the userid in `invaliduser` is recorded as


class WeComTokens(TokenManager):
    """The application's token through the shared store and lease; fetched with GET /cgi-bin/gettoken."""

    def __init__(self, store, *, corp_id: str, agent_id: str, secret: str, **options):
        # One row per application: each application's secret has its own token.
        super().__init__(store, app_id=f"wecom:{corp_id}:{agent_id}", secret=secret, **options)
        self.corp_id = corp_id

    def _fetch(self, *, force: bool) -> StoredToken:
        """WeCom hands out the current token until it expires; after a rejection the next call gets a new one."""
        params = {"corpid": self.corp_id, "corpsecret": self.secret}
        try:
            response = self.http.get(f"{self.base_url}/cgi-bin/gettoken", params=params, timeout=self.timeout)
            response.raise_for_status()
            result = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise WeChatUnavailable(None, f"WeCom gettoken failed: {exc}") from exc
        if result.get("errcode"):
            raise WeChatError(result["errcode"], result.get("errmsg", ""))
        log.info("fetched a WeCom access token (after a rejection: %s)", force)
        expires_at = self.clock() + dt.timedelta(seconds=int(result.get("expires_in", 7200)))
        return StoredToken(result["access_token"], expires_at)


class _Client(SharedTokenRequests, EnterpriseClient):
    """wechatpy's WeCom client on the shared token and httpx."""

    def __init__(self, corp_id: str, secret: str, tokens: TokenManager, base_url: str, http: httpx.Client):
        super().__init__(corp_id, secret, timeout=http.timeout, auto_retry=False)
        self._use(tokens, base_url, http)


class WeComApi(ApiCalls):
    """Text messages to cadres through the town's WeCom application."""

    def __init__(
        self,
        settings: Settings,
        tokens: TokenManager,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        super().__init__(settings, sleep)
        if http is None:
            http = wechat_http(settings.wechat_connect_timeout_s, settings.wechat_read_timeout_s)
        self.agent_id = int(settings.wecom_agent_id)
        self.client = _Client(settings.wecom_corp_id, settings.wecom_secret, tokens, settings.wecom_api_base_url, http)

    def send_text(self, userid: str, text: str) -> str | None:
        """Send; WeCom's msgid. Raises WeChatError 81013 when WeCom names the userid invalid (answer 0 or not)."""
        result = self.call("wecom/message/send", lambda c: c.message.send_text(self.agent_id, [userid], text))
        if userid in str(result.get("invaliduser") or "").split("|"):
            raise WeChatError(INVALID_USER, f"invaliduser {userid}")
        return str(result.get("msgid") or "") or None
