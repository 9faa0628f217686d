"""The WeChat API: client, shared access token, errcodes."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.wechat.client import WeChatApi
from bot.wechat.http import wechat_http
from bot.wechat.token import TokenManager
from models.api_token import DbTokenStore
from town.settings import Settings


def make_api(settings: Settings, db: Engine) -> WeChatApi:
    """The API client with the token shared through Redis (REDIS_URL) or the database."""
    if settings.redis_url:
        from bot.wechat.redis_store import RedisTokenStore

        store = RedisTokenStore(settings.redis_url)
    else:
        store = DbTokenStore(db)
    timeout = (settings.wechat_connect_timeout_s, settings.wechat_read_timeout_s)
    http = wechat_http(*timeout)
    tokens = TokenManager(
        store,
        app_id=settings.wechat_app_id,
        secret=settings.wechat_app_secret,
        base_url=settings.wechat_api_base_url,
        http=http,
        timeout=timeout,
    )
    return WeChatApi(settings, tokens, http=http)
