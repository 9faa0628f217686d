"""A WeChat account's settings pointed at the fake WeChat API."""

from __future__ import annotations


def wechat_account(make_settings, fake, **overrides):
    """Settings for an account the fake plays (fast retries, a short read timeout)."""
    base = {
        "wechat_app_id": "wxfake",
        "wechat_app_secret": "s",
        "wechat_api_base_url": fake.url,
        "wechat_max_attempts": 3,
        "wechat_backoff_cap_s": 0.01,
        "wechat_read_timeout_s": 2.0,
    }
    return make_settings(**{**base, **overrides})
