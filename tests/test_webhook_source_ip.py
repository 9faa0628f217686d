"""WECHAT_CHECK_SOURCE_IP: messages only from WeChat's callback addresses, read through trusted proxies only."""

from __future__ import annotations

import logging

import pytest

from bot import sandbox, sourceip
from bot.wechat import make_api
from tests.support.barriers import until
from tests.support.fakewechat import FakeWeChat
from town.settings import Settings

WECHAT_IP = "101.226.62.77"
CALLBACK_IPS = (WECHAT_IP, "183.3.234.0/24")


@pytest.fixture(scope="module")
def fake():
    running = FakeWeChat(callback_ips=CALLBACK_IPS).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def account(fake) -> dict:
    """An account the fake plays, with the source check on."""
    return {
        "wechat_app_id": "wxfake",
        "wechat_app_secret": "s",
        "wechat_api_base_url": fake.url,
        "wechat_max_attempts": 2,
        "wechat_backoff_cap_s": 0.01,
        "wechat_check_source_ip": True,
    }


def checked(servers, account, **overrides):
    """A server with the source check on, once it has fetched WeChat's list."""
    server = servers(**account, **overrides)
    until(lambda: server.state.callback_ips.ready, timeout=10)
    return server


def post(server, openid: str, forwarded_for: str | None = None) -> int:
    """A correctly signed message from this openid, through a proxy that says it came from `forwarded_for`."""
    signed = sandbox.sign_request(server.settings, sandbox.text_xml(openid, "帮助"))
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    return server.client(openid).http.post(signed.path, content=signed.body, headers=headers).status_code


def test_a_signed_message_from_outside_wechat_is_refused(servers, account, fake):
    server = checked(servers, account)
    assert post(server, "o-ip-1") == 403  # loopback is not one of WeChat's addresses
    # Without trusted proxies, a forwarded address is not believed.
    assert post(server, "o-ip-2", forwarded_for=WECHAT_IP) == 403
    assert fake.calls_to("/cgi-bin/getcallbackip")  # the list came from WeChat's API


@pytest.mark.parametrize(
    ("forwarded_for", "status"),
    [
        (WECHAT_IP, 200),
        ("183.3.234.17", 200),  # inside a network of the list
        (f"6.6.6.6, {WECHAT_IP}", 200),  # what the client wrote before the proxy's own hop is not read
        (f"{WECHAT_IP}, 127.0.0.1", 200),  # a chain of trusted proxies is walked back
        ("6.6.6.6", 403),
        (f"{WECHAT_IP}, 6.6.6.6", 403),
        ("not-an-address", 403),
        (None, 403),  # the proxy itself is not WeChat
    ],
)
def test_behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_source(servers, account, forwarded_for, status):
    server = checked(servers, account, trusted_proxies="127.0.0.1")
    assert post(server, "o-ip-proxy", forwarded_for=forwarded_for) == status


def test_the_list_is_fetched_through_the_api_and_a_failed_fetch_keeps_it(servers, account, fake):
    server = checked(servers, account, trusted_proxies="10.0.0.0/8")
    refresher = sourceip.Refresher(server.state.callback_ips, make_api(server.settings, server.state.db).callback_ips)
    fake.set_callback_ips(WECHAT_IP, "127.0.0.1")
    try:
        assert refresher.run_once()
        assert post(server, "o-ip-list") == 200
        fake.down()
        assert not refresher.run_once()
        assert post(server, "o-ip-list") == 200  # the last list stays
    finally:
        fake.up()
        fake.set_callback_ips(*CALLBACK_IPS)
        refresher.run_once()
    assert post(server, "o-ip-list") == 403


def test_with_no_list_yet_nothing_is_refused_and_a_warning_says_so(servers, account, fake, caplog):
    fake.down()
    try:
        server = servers(**account, webhook_reply_deadline_s=4.4)
        until(lambda: fake.calls_to("/cgi-bin/stable_token") or fake.calls_to("/cgi-bin/getcallbackip"))
        assert not server.state.callback_ips.ready
        with caplog.at_level(logging.WARNING, logger="bot.sourceip"):
            assert post(server, "o-ip-open") == 200
        assert "not fetched yet" in caplog.text
    finally:
        fake.up()


def test_without_the_setting_nothing_is_checked(servers, account):
    server = servers(**{**account, "wechat_check_source_ip": False})
    assert server.state.callback_ips is None
    assert post(server, "o-ip-off") == 200


def test_the_source_is_read_from_forwarded_hops_only_through_trusted_proxies():
    ips = sourceip.CallbackIps(Settings(_env_file=None, trusted_proxies="10.0.0.0/8").proxy_networks)
    ips.replace([WECHAT_IP])
    assert str(ips.source("10.1.2.3", f"1.1.1.1, {WECHAT_IP}, 10.9.9.9")) == WECHAT_IP
    assert str(ips.source("192.0.2.1", WECHAT_IP)) == "192.0.2.1"
    assert str(ips.source("10.1.2.3", "10.4.4.4, 10.5.5.5")) == "10.1.2.3"
    assert ips.allows("10.1.2.3", WECHAT_IP) and not ips.allows("10.1.2.3", "1.1.1.1")
    assert not ips.allows(None, None)
