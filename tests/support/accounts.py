"""WeChat accounts for tests: one the fake WeChat API plays, and the one of WeChat's published test vector."""

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


# WeChat's published signature and encryption test vector.
VECTOR = {
    "token": "spamtest",
    "aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "app_id": "wx2c2769f8efd9abc2",
    "timestamp": "1409735669",
    "nonce": "1320562132",
    "msg_signature": "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
    "signature": "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a",
    "encrypt": (
        "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2L"
        "dJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6u"
        "x5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJ"
        "pXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzp"
        "u9GhglF2PE="
    ),
}


VECTOR_ACCOUNT = {
    "wechat_token": VECTOR["token"],
    "wechat_encoding_aes_key": VECTOR["aes_key"],
    "wechat_app_id": VECTOR["app_id"],
    "wechat_app_secret": "secret",
}
