"""The WeChat API: client, shared access token, errcodes."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.wechat.client import WeChatApi
from bot.wechat.http import wechat_http
from bot.wechat.token import TokenManager
from bot.wechat.wecom import WeComApi, WeComTokens
from models.api_token import DbTokenStore
from town.settings import Settings


def _token_store(settings: Settings, db: Engine):
    """Where tokens are shared: Redis (REDIS_URL) or the database."""
    if settings.redis_url:
        from bot.wechat.redis_store import RedisTokenStore

        return RedisTokenStore(settings.redis_url)
    return DbTokenStore(db)


def make_api(settings: Settings, db: Engine) -> WeChatApi:
    """The API client with the token shared through Redis (REDIS_URL) or the database."""
    timeout, http = _transport(settings)
    tokens = TokenManager(
        _token_store(settings, db),
        app_id=settings.wechat_app_id,
        secret=settings.wechat_app_secret,
        base_url=settings.wechat_api_base_url,
        http=http,
        timeout=timeout,
    )
    return WeChatApi(settings, tokens, http=http)


def make_wecom(settings: Settings, db: Engine) -> WeComApi:
    """The WeCom application's client (settings.wecom must be true), its token shared like WeChat's."""
    timeout, http = _transport(settings)
    tokens = WeComTokens(
        _token_store(settings, db),
        corp_id=settings.wecom_corp_id,
        agent_id=settings.wecom_agent_id,
        secret=settings.wecom_secret,
        base_url=settings.wecom_api_base_url,
        http=http,
        timeout=timeout,
    )
    return WeComApi(settings, tokens, http=http)


def _transport(settings: Settings) -> tuple[tuple[float, float], object]:
    """The timeouts (connect, read) and the HTTP client every WeChat or WeCom call of a process uses."""
    timeout = (settings.wechat_connect_timeout_s, settings.wechat_read_timeout_s)
    return timeout, wechat_http(*timeout)
