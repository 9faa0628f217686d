"""The one HTTP client the service talks to WeChat with (httpx), and the failures that mean "no answer"."""

from __future__ import annotations

import httpx

# No usable answer: WeChat may simply be slow or out of reach, so these are retried.
NO_ANSWER = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError)


def wechat_timeout(connect_s: float, read_s: float) -> httpx.Timeout:
    """A connect and a read limit (writing a request and waiting for a pooled connection get the read limit)."""
    return httpx.Timeout(read_s, connect=connect_s)


def wechat_http(connect_s: float, read_s: float) -> httpx.Client:
    """A client shared by the token manager and the API calls; proxy settings are read from the environment once."""
    # Unbounded pool, as requests' was: a busy worker opens another connection instead of waiting for one.
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=20)
    return httpx.Client(timeout=wechat_timeout(connect_s, read_s), limits=limits, follow_redirects=True)


def failure_name(exc: Exception) -> str:
    """The failure as the outbox and the logs have always named it (requests' names: ReadTimeout, ConnectionError)."""
    if isinstance(exc, httpx.ConnectTimeout | httpx.ReadTimeout):
        return type(exc).__name__
    return "Timeout" if isinstance(exc, httpx.TimeoutException) else "ConnectionError"
