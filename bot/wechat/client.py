"""Every call to WeChat's API: one base URL, timeouts, errcodes read, bounded retries, the shared token."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

import httpx
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.utils import json

from bot.wechat.errors import SYSTEM_BUSY, TOKEN_INVALID, WeChatError, WeChatUnavailable
from bot.wechat.http import NO_ANSWER, failure_name, wechat_http
from bot.wechat.token import TokenManager
from town.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")


class SharedTokenRequests:
    """Mixed into a wechatpy client: the token from the shared store instead of its own fetch, over httpx."""

    def _use(self, tokens: TokenManager, base_url: str, http: httpx.Client) -> None:
        self.API_BASE_URL = f"{base_url.rstrip('/')}/cgi-bin/"
        self.tokens = tokens
        self.token_in_use: str | None = None
        self._http = http

    def _request(self, method: str, url_or_endpoint: str, **kwargs):
        """wechatpy's request path on httpx: the same URL, access_token, JSON body and errcode handling."""
        base = kwargs.pop("api_base_url", self.API_BASE_URL)
        url = url_or_endpoint if url_or_endpoint.startswith(("http://", "https://")) else base + url_or_endpoint
        params = kwargs.pop("params", {})
        if isinstance(params, dict) and "access_token" not in params:
            params["access_token"] = self.access_token
        body = kwargs.pop("data", None)
        if isinstance(body, dict):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
        result_processor = kwargs.pop("result_processor", None)
        kwargs.setdefault("timeout", self.timeout)
        response = self._http.request(method, url, params=params, content=body, **kwargs)
        if response.is_error:  # 4xx and 5xx, as requests' raise_for_status
            raise WeChatClientException(None, None, client=self, request=response.request, response=response)
        return self._handle_result(response, method, url, result_processor, params=params)

    @property
    def access_token(self) -> str:
        self.token_in_use = self.tokens.get()
        return self.token_in_use

    def fetch_access_token(self):
        raise RuntimeError("tokens come from the shared TokenManager, never from the client's own fetch")


class _Client(SharedTokenRequests, WeChatClient):
    """wechatpy's Official Account client on the shared token and httpx."""

    def __init__(self, app_id: str, secret: str, tokens: TokenManager, base_url: str, http: httpx.Client):
        super().__init__(app_id, secret, timeout=http.timeout, auto_retry=False)
        self._use(tokens, base_url, http)


class ApiCalls:
    """Runs calls on a wechatpy client: errcodes read, bounded retries, one token refresh (WeChat and WeCom)."""

    client: SharedTokenRequests

    def __init__(self, settings: Settings, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self.sleep = sleep

    def call(self, what: str, fn: Callable[[WeChatClient], T]) -> T:
        """Run one API call: one forced token refresh on 40001/40014/42001, backoff on -1/5xx/timeouts."""
        refreshed = False
        for attempt in range(1, self.settings.wechat_max_attempts + 1):
            try:
                return fn(self.client)
            except WeChatClientException as exc:
                errcode = _int(exc.errcode)
                if errcode in TOKEN_INVALID and not refreshed:
                    refreshed = True
                    self.client.tokens.refresh_after_rejection(self.client.token_in_use or "")
                    continue
                if not _retryable(exc, errcode) or attempt == self.settings.wechat_max_attempts:
                    raise _error(exc, errcode, attempt) from exc
                failure = f"errcode {errcode}" if errcode is not None else _http_status(exc)
            except NO_ANSWER as exc:
                if attempt == self.settings.wechat_max_attempts:
                    raise WeChatUnavailable(None, f"{what}: {failure_name(exc)}", attempts=attempt) from exc
                failure = failure_name(exc)
            delay = self._backoff(attempt)
            log.warning("WeChat %s failed (%s), attempt %d; retrying in %.2f s", what, failure, attempt, delay)
            self.sleep(delay)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        """Capped exponential backoff with full jitter."""
        cap = self.settings.wechat_backoff_cap_s
        return random.uniform(0, min(cap, 0.2 * 2 ** (attempt - 1)))


class WeChatApi(ApiCalls):
    """The one way the service talks to WeChat (only the delivery worker and admin commands use it)."""

    def __init__(
        self,
        settings: Settings,
        tokens: TokenManager,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        super().__init__(settings, sleep)
        timeout = (settings.wechat_connect_timeout_s, settings.wechat_read_timeout_s)
        if http is None:
            http = wechat_http(*timeout)
        self.client = _Client(
            settings.wechat_app_id, settings.wechat_app_secret, tokens, settings.wechat_api_base_url, http
        )

    def callback_ips(self) -> list[str]:
        """The addresses WeChat's servers call the webhook from (cgi-bin/getcallbackip)."""
        return list(self.call("getcallbackip", lambda c: c.misc.get_wechat_ips()))


def _retryable(exc: WeChatClientException, errcode: int | None) -> bool:
    if errcode == SYSTEM_BUSY:
        return True
    status = getattr(exc.response, "status_code", None)
    return errcode is None and (status is None or status >= 500)


def _error(exc: WeChatClientException, errcode: int | None, attempts: int) -> WeChatError:
    message = exc.errmsg or _http_status(exc)
    kind = WeChatUnavailable if errcode is None or errcode == SYSTEM_BUSY else WeChatError
    return kind(errcode, str(message), attempts=attempts)


def _http_status(exc: WeChatClientException) -> str:
    status = getattr(exc.response, "status_code", None)
    return f"HTTP {status}" if status else "no response"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
