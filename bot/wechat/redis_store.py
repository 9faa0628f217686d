"""The shared token in Redis (when REDIS_URL is set): for processes on several hosts without one database."""

from __future__ import annotations

import datetime as dt
import json

import redis

from models.api_token import StoredToken

_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class RedisTokenStore:
    """Token and lease as two keys; the lease is SET NX with an expiry, released only by its holder."""

    def __init__(self, url: str):
        self.redis = redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3)
        self._release = self.redis.register_script(_RELEASE)

    def read(self, name: str) -> StoredToken | None:
        raw = self.redis.get(f"xiangan:token:{name}")
        if raw is None:
            return None
        data = json.loads(raw)
        return StoredToken(data["value"], dt.datetime.fromisoformat(data["expires_at"]))

    def try_lease(self, name: str, holder: str, now: dt.datetime, seconds: float) -> bool:
        key = f"xiangan:token-lease:{name}"
        if self.redis.set(key, holder, nx=True, px=int(seconds * 1000)):
            return True
        return self.redis.get(key) == holder.encode()

    def save(self, name: str, holder: str, token: StoredToken) -> None:
        if self.redis.get(f"xiangan:token-lease:{name}") != holder.encode():
            return  # the lease ran out and someone else is refreshing: their token wins
        value = json.dumps({"value": token.value, "expires_at": token.expires_at.isoformat()})
        self.redis.set(f"xiangan:token:{name}", value)
        self.release(name, holder)

    def release(self, name: str, holder: str) -> None:
        self._release(keys=[f"xiangan:token-lease:{name}"], args=[holder])
