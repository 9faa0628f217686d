"""The access token: fetched with stable_token, shared by every process, refreshed by one lease holder."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable

import httpx

from bot.wechat.errors import WeChatError, WeChatUnavailable
from bot.wechat.http import wechat_timeout
from models.api_token import StoredToken
from models.db import utcnow

log = logging.getLogger(__name__)
REFRESH_AHEAD_S = 300  # stable_token issues the next token in the last 5 minutes; the old one keeps working
LEASE_S = 15
WAIT_FOR_PEER_S = 5.0
RECHECK_S = 60.0  # how long a process trusts its copy before looking at the shared store again


class TokenManager:
    """Gives every caller a valid token without two processes ever invalidating each other's."""

    def __init__(
        self,
        store,
        *,
        app_id: str,
        secret: str,
        base_url: str,
        http: httpx.Client,
        timeout: tuple[float, float],
        clock: Callable[[], dt.datetime] = utcnow,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.store = store
        self.app_id, self.secret, self.base_url = app_id, secret, base_url.rstrip("/")
        self.http, self.timeout = http, wechat_timeout(*timeout)
        self.clock, self.sleep = clock, sleep
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{id(self)}"
        # The lease is per process; threads of one process take turns here instead.
        self._refreshing = threading.Lock()
        self._copy: tuple[StoredToken, float] | None = None

    def get(self) -> str:
        """A token valid now (refreshed ahead of expiry by whoever holds the lease)."""
        now = self.clock()
        if self._copy and time.monotonic() - self._copy[1] < RECHECK_S and self._fresh(self._copy[0], now):
            return self._copy[0].value  # no store round trip per API call
        current = self._read()
        if current and self._fresh(current, now):
            return current.value
        if current and current.expires_at > now and not self.store.try_lease(self.app_id, self.holder, now, LEASE_S):
            return current.value  # another process is refreshing; this one still works meanwhile
        return self._refresh(force=False, stale=None)

    def refresh_after_rejection(self, rejected: str) -> str:
        """WeChat said `rejected` is invalid (40001/42001): replace it once, unless a peer already did."""
        self._copy = None
        current = self._read()
        if current and current.value != rejected and current.expires_at > self.clock():
            return current.value
        return self._refresh(force=True, stale=rejected)

    def _refresh(self, *, force: bool, stale: str | None) -> str:
        with self._refreshing:
            return self._refresh_under_lease(force=force, stale=stale)

    def _refresh_under_lease(self, *, force: bool, stale: str | None) -> str:
        deadline = time.monotonic() + WAIT_FOR_PEER_S
        while not self.store.try_lease(self.app_id, self.holder, self.clock(), LEASE_S):
            if time.monotonic() > deadline:
                raise WeChatUnavailable(None, "another process holds the token lease and produced no token")
            self.sleep(0.1)
            current = self.store.read(self.app_id)
            if current and current.value != stale and current.expires_at > self.clock():
                return current.value
        try:
            current = self.store.read(self.app_id)
            if (
                current
                and current.value != stale
                and current.expires_at - self.clock() > dt.timedelta(seconds=REFRESH_AHEAD_S)
            ):
                self.store.release(self.app_id, self.holder)
                return current.value  # a peer refreshed while we waited for the lease
            token = self._fetch(force=force)
        except BaseException:
            self.store.release(self.app_id, self.holder)
            raise
        self.store.save(self.app_id, self.holder, token)
        self._copy = (token, time.monotonic())
        return token.value

    def _read(self) -> StoredToken | None:
        current = self.store.read(self.app_id)
        self._copy = (current, time.monotonic()) if current else None
        return current

    def _fresh(self, token: StoredToken, now: dt.datetime) -> bool:
        """Usable without a refresh: more than REFRESH_AHEAD_S left."""
        return token.expires_at - now > dt.timedelta(seconds=REFRESH_AHEAD_S)

    def _fetch(self, *, force: bool) -> StoredToken:
        """POST /cgi-bin/stable_token (force_refresh only after WeChat rejected the token)."""
        body = {"grant_type": "client_credential", "appid": self.app_id, "secret": self.secret, "force_refresh": force}
        try:
            response = self.http.post(
                f"{self.base_url}/cgi-bin/stable_token", content=json.dumps(body), timeout=self.timeout
            )
            response.raise_for_status()
            result = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise WeChatUnavailable(None, f"stable_token failed: {exc}") from exc
        if result.get("errcode"):
            raise WeChatError(result["errcode"], result.get("errmsg", ""))
        log.info("fetched a WeChat access token (force_refresh=%s)", force)
        expires_at = self.clock() + dt.timedelta(seconds=int(result.get("expires_in", 7200)))
        return StoredToken(result["access_token"], expires_at)
