"""The shared access token: one fetch for many callers, refreshed ahead of expiry, in the database or Redis."""

from __future__ import annotations

import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bot.wechat.redis_store import RedisTokenStore
from bot.wechat.token import REFRESH_AHEAD_S, TokenManager
from models.api_token import DbTokenStore
from models.db import utcnow
from tests.support.fakewechat import FakeWeChat

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def fake():
    running = FakeWeChat().start()
    yield running
    running.stop()


class Clock:
    def __init__(self):
        self.ahead = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return utcnow() + self.ahead


def manager(store, fake, clock=utcnow, app_id="wxfake") -> TokenManager:
    return TokenManager(
        store, app_id=app_id, secret="s", base_url=fake.url, http=httpx.Client(), timeout=(2, 5), clock=clock
    )


def test_many_callers_share_one_fetch(server, fake):
    managers = [manager(DbTokenStore(server.state.db), fake) for _ in range(4)]
    with ThreadPoolExecutor(8) as pool:
        tokens = set(pool.map(lambda i: managers[i % 4].get(), range(32)))
    assert len(tokens) == 1 and fake.token_fetches == 1


def test_the_lease_holder_refreshes_ahead_of_expiry_without_invalidating(server, fake):
    clock = Clock()
    tokens = manager(DbTokenStore(server.state.db), fake, clock)
    first = tokens.get()
    clock.ahead = dt.timedelta(seconds=7200 - REFRESH_AHEAD_S + 60)
    fake.advance(7200 - REFRESH_AHEAD_S + 60)
    second = tokens.get()
    assert second != first and fake.token_fetches == 2
    assert not any(call.json.get("force_refresh") for call in fake.calls_to("/cgi-bin/stable_token"))
    assert tokens.get() == second and fake.token_fetches == 2


def test_a_rejected_token_is_replaced_once_even_when_many_callers_report_it(server, fake):
    tokens = manager(DbTokenStore(server.state.db), fake)
    stale = tokens.get()
    fake.invalidate_tokens()
    with ThreadPoolExecutor(6) as pool:
        fresh = set(pool.map(lambda _: tokens.refresh_after_rejection(stale), range(6)))
    assert len(fresh) == 1 and stale not in fresh and fake.token_fetches == 2


@pytest.fixture
def redis_store():
    store = RedisTokenStore(REDIS_URL)
    try:
        store.redis.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"Redis is not answering on {REDIS_URL} (.ci/run starts it): {exc}")
    return store


def test_with_redis_processes_on_several_hosts_share_one_token(redis_store, fake):
    app_id = f"wxfake-{uuid.uuid4().hex[:6]}"
    fake_app = FakeWeChat(appid=app_id).start()
    try:
        managers = [manager(RedisTokenStore(REDIS_URL), fake_app, app_id=app_id) for _ in range(3)]
        with ThreadPoolExecutor(6) as pool:
            tokens = set(pool.map(lambda i: managers[i % 3].get(), range(18)))
        assert len(tokens) == 1 and fake_app.token_fetches == 1
        assert redis_store.read(app_id).value in tokens
    finally:
        fake_app.stop()
        # Only this test's keys: another suite (CI runs SQLite and PostgreSQL side by side) may share the Redis.
        redis_store.redis.delete(f"xiangan:token:{app_id}", f"xiangan:token-lease:{app_id}")
