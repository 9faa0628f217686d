"""The fake WeChat API itself: tokens, windows, quotas, tags, menus, faults, recording, standalone mode."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support.fakewechat import FakeWeChat, free_port, matches

PROJECT = Path(__file__).resolve().parent.parent
DAY = 86400
CREDENTIALS = {"grant_type": "client_credential", "appid": "wxfake", "secret": "s"}


@pytest.fixture(scope="module")
def service_fake():
    with FakeWeChat(appid="wxfake", secret="s", account_type="service") as fake:
        yield fake


@pytest.fixture(scope="module")
def subscription_fake():
    with FakeWeChat(appid="wxfake", secret="s", account_type="subscription") as fake:
        yield fake


@pytest.fixture
def fake(service_fake):
    """A started service-account fake with a clean state."""
    service_fake.reset()
    return service_fake


@pytest.fixture
def sub(subscription_fake):
    """A started subscription-account fake with a clean state."""
    subscription_fake.reset()
    return subscription_fake


@pytest.fixture
def http(fake):
    with httpx.Client(base_url=fake.url, timeout=5) as client:
        yield client


def stable(http: httpx.Client, force: bool = False, **overrides) -> dict:
    """POST /cgi-bin/stable_token and return the body."""
    response = http.post("/cgi-bin/stable_token", json={**CREDENTIALS, "force_refresh": force, **overrides})
    assert response.status_code == 200
    return response.json()


def api(http: httpx.Client, path: str, token: str | None, body: dict | None = None) -> dict:
    """Call an API with a token (POST when there is a body) and return the JSON body."""
    params = {"access_token": token} if token else {}
    response = http.get(path, params=params) if body is None else http.post(path, params=params, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def text(openid: str, content: str = "你好") -> dict:
    return {"touser": openid, "msgtype": "text", "text": {"content": content}}


def mass(openids: list[str], content: str = "通知", **extra) -> dict:
    return {"touser": openids, "msgtype": "text", "text": {"content": content}, **extra}


def to_tag(tag_id: int, content: str = "通知", **extra) -> dict:
    return {"filter": {"is_to_all": False, "tag_id": tag_id}, "msgtype": "text", "text": {"content": content}, **extra}


def make_tag(http: httpx.Client, token: str, name: str) -> int:
    result = api(http, "/cgi-bin/tags/create", token, {"tag": {"name": name}})
    assert result["errcode"] == 0, result
    return result["tag"]["id"]


@pytest.fixture
def token(http) -> str:
    return stable(http)["access_token"]


# -- tokens ----------------------------------------------------------------------------------------------------
def test_stable_token_normal_mode_returns_the_same_token(fake, http):
    first = stable(http)
    fake.advance(100)
    second = stable(http)
    assert first["errcode"] == 0 and first["expires_in"] == 7200
    assert second["access_token"] == first["access_token"]
    assert second["expires_in"] == 7100
    assert fake.token_fetches == 2


def test_force_refresh_invalidates_previous_tokens(fake, http):
    old = stable(http)["access_token"]
    new = stable(http, force=True)["access_token"]
    assert new != old
    assert api(http, "/cgi-bin/tags/get", old)["errcode"] == 40001
    assert api(http, "/cgi-bin/tags/get", new)["errcode"] == 0
    assert stable(http)["access_token"] == new


def test_near_expiry_issues_a_new_token_and_keeps_the_old_valid(fake, http):
    old = stable(http)["access_token"]
    fake.advance(7200 - 200)
    renewed = stable(http)
    assert renewed["access_token"] != old and renewed["expires_in"] == 7200
    assert api(http, "/cgi-bin/tags/get", old)["errcode"] == 0
    fake.advance(250)
    assert api(http, "/cgi-bin/tags/get", old)["errcode"] == 42001
    assert api(http, "/cgi-bin/tags/get", renewed["access_token"])["errcode"] == 0


def test_configurable_token_ttl():
    with FakeWeChat(token_ttl_s=600) as fake, httpx.Client(base_url=fake.url) as http:
        assert stable(http)["expires_in"] == 600


def test_wrong_credentials(fake, http):
    assert stable(http, appid="wxother")["errcode"] == 40013
    assert stable(http, secret="wrong")["errcode"] == 40125
    assert stable(http, grant_type="password")["errcode"] == 40002
    assert fake.current_token is None


def test_legacy_token_invalidates_the_previous_one(fake, http):
    query = {"grant_type": "client_credential", "appid": "wxfake", "secret": "s"}
    stable_token = stable(http)["access_token"]
    first = http.get("/cgi-bin/token", params=query).json()["access_token"]
    second = http.get("/cgi-bin/token", params=query).json()["access_token"]
    assert first != second
    assert api(http, "/cgi-bin/tags/get", first)["errcode"] == 40001
    assert api(http, "/cgi-bin/tags/get", second)["errcode"] == 0
    assert api(http, "/cgi-bin/tags/get", stable_token)["errcode"] == 0
    assert http.get("/cgi-bin/token", params={**query, "secret": "x"}).json()["errcode"] == 40125
    assert fake.token_fetches == 4


def test_unknown_expired_and_missing_tokens(fake, http, token):
    unknown = api(http, "/cgi-bin/tags/get", "not-a-token")
    assert unknown == {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
    assert api(http, "/cgi-bin/tags/get", None)["errcode"] == 41001
    fake.advance(7200)
    assert api(http, "/cgi-bin/tags/get", token) == {"errcode": 42001, "errmsg": "access_token expired"}


def test_invalidate_tokens(fake, http, token):
    fake.invalidate_tokens()
    assert api(http, "/cgi-bin/tags/get", token)["errcode"] == 40001
    assert stable(http)["access_token"] != token


def test_concurrent_normal_fetches_share_one_token(fake):
    def fetch(_):
        with httpx.Client(base_url=fake.url) as client:
            return stable(client)["access_token"]

    with ThreadPoolExecutor(8) as pool:
        tokens = set(pool.map(fetch, range(32)))
    assert len(tokens) == 1
    assert fake.token_fetches == 32


# -- customer-service messages -----------------------------------------------------------------------------------
def test_custom_message_needs_the_48_hour_window(fake, http, token):
    assert api(http, "/cgi-bin/message/custom/send", token, text("o1"))["errcode"] == 45015
    fake.user_wrote("o1")
    assert api(http, "/cgi-bin/message/custom/send", token, text("o1", "早上好")) == {"errcode": 0, "errmsg": "ok"}
    assert [(m.channel, m.text) for m in fake.messages_to("o1")] == [("custom", "早上好")]
    fake.advance(48 * 3600 - 10)
    token = stable(http)["access_token"]
    assert api(http, "/cgi-bin/message/custom/send", token, text("o1"))["errcode"] == 0
    fake.advance(20)
    assert api(http, "/cgi-bin/message/custom/send", token, text("o1"))["errcode"] == 45015
    assert len(fake.messages_to("o1")) == 2


def test_custom_message_quota_of_five_per_window(fake, http, token):
    fake.user_wrote("o1")
    codes = [api(http, "/cgi-bin/message/custom/send", token, text("o1"))["errcode"] for _ in range(6)]
    assert codes == [0, 0, 0, 0, 0, 45047]
    fake.user_wrote("o1")
    assert api(http, "/cgi-bin/message/custom/send", token, text("o1"))["errcode"] == 0
    assert len(fake.messages_to("o1", "custom")) == 6


def test_custom_message_to_unsubscribed_user(fake, http, token):
    fake.user_wrote("o1")
    fake.unsubscribe("o1")
    assert api(http, "/cgi-bin/message/custom/send", token, text("o1"))["errcode"] == 45015
    assert api(http, "/cgi-bin/message/custom/send", token, text("o1", ""))["errcode"] == 44004
    assert fake.messages_to("o1") == []


# -- template and subscribe notifications --------------------------------------------------------------------------
def template(openid: str, template_id: str = "tpl-notice") -> dict:
    return {"touser": openid, "template_id": template_id, "data": {"thing1": {"value": "一" * 25}}}


def test_template_message(fake, http, token):
    result = api(http, "/cgi-bin/message/template/send", token, template("o1"))
    assert result["errcode"] == 0 and isinstance(result["msgid"], int)
    [message] = fake.messages_to("o1")
    assert (message.channel, message.text, message.msgid) == ("template", "一" * 20, result["msgid"])
    assert api(http, "/cgi-bin/message/template/send", token, template("o1", "tpl-x"))["errcode"] == 40037
    fake.add_template("tpl-x")
    assert api(http, "/cgi-bin/message/template/send", token, template("o1", "tpl-x"))["errcode"] == 0


def test_template_refused_and_unsubscribed(fake, http, token):
    fake.refuse_templates("o1")
    refused = api(http, "/cgi-bin/message/template/send", token, template("o1"))
    assert refused == {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
    fake.unsubscribe("o2")
    assert api(http, "/cgi-bin/message/template/send", token, template("o2"))["errcode"] == 43004
    assert fake.messages_to("o1") == fake.messages_to("o2") == []


def test_template_on_subscription_account(sub):
    with httpx.Client(base_url=sub.url) as http:
        token = stable(http)["access_token"]
        assert api(http, "/cgi-bin/message/template/send", token, template("o1"))["errcode"] == 48001


def test_subscribe_notification_needs_acceptance(fake, http, token):
    body = {"touser": "o1", "template_id": "sub-1", "page": "index", "data": {"thing1": {"value": "核酸"}}}
    assert api(http, "/cgi-bin/message/subscribe/bizsend", token, body)["errcode"] == 43101
    fake.accept_subscribe("o1", "sub-1", times=1)
    assert api(http, "/cgi-bin/message/subscribe/bizsend", token, body)["errcode"] == 0
    assert api(http, "/cgi-bin/message/subscribe/bizsend", token, body)["errcode"] == 43101
    fake.accept_subscribe("o1", "sub-1")
    codes = [api(http, "/cgi-bin/message/subscribe/bizsend", token, body)["errcode"] for _ in range(3)]
    assert codes == [0, 0, 0]
    assert [m.channel for m in fake.messages_to("o1")] == ["subscribe"] * 4


# -- mass sends ------------------------------------------------------------------------------------------------
def test_mass_send_needs_two_to_ten_thousand_openids(fake, http, token):
    assert api(http, "/cgi-bin/message/mass/send", token, mass(["o1"]))["errcode"] == 40130
    too_many = [f"o{i}" for i in range(10001)]
    assert api(http, "/cgi-bin/message/mass/send", token, mass(too_many))["errcode"] == 40130
    result = api(http, "/cgi-bin/message/mass/send", token, mass(["o1", "o2"]))
    assert result["errcode"] == 0 and isinstance(result["msg_id"], int) and "msg_data_id" in result
    assert [m.channel for m in fake.messages_to("o2")] == ["mass"]


def test_mass_send_four_per_user_per_month(fake, http, token):
    for _ in range(4):
        assert api(http, "/cgi-bin/message/mass/send", token, mass(["o1", "o2"]))["errcode"] == 0
    assert api(http, "/cgi-bin/message/mass/send", token, mass(["o1", "o3"]))["errcode"] == 0
    assert fake.mass_received("o1") == 4 and fake.mass_received("o3") == 1
    assert len(fake.messages_to("o1", "mass")) == 4
    fake.advance(32 * DAY)
    token = stable(http)["access_token"]
    assert api(http, "/cgi-bin/message/mass/send", token, mass(["o1", "o2"]))["errcode"] == 0
    assert fake.mass_received("o1") == 1 and len(fake.messages_to("o1", "mass")) == 5


def test_mass_send_hundred_calls_a_day(fake, http, token):
    for i in range(100):
        assert api(http, "/cgi-bin/message/mass/send", token, mass([f"a{i}", f"b{i}"]))["errcode"] == 0
    over = api(http, "/cgi-bin/message/mass/send", token, mass(["x", "y"]))
    assert over == {"errcode": 45009, "errmsg": "reach max api daily quota limit"}
    assert fake.messages_to("x") == []
    fake.advance(DAY)
    token = stable(http)["access_token"]
    assert api(http, "/cgi-bin/message/mass/send", token, mass(["x", "y"]))["errcode"] == 0


def test_clientmsgid_dedupes_for_a_day(fake, http, token):
    assert api(http, "/cgi-bin/message/mass/send", token, mass(["o1", "o2"], clientmsgid="m1"))["errcode"] == 0
    assert api(http, "/cgi-bin/message/mass/send", token, mass(["o1", "o2"], clientmsgid="m1"))["errcode"] == 45065
    assert api(http, "/cgi-bin/message/mass/send", token, mass(["o1", "o2"], clientmsgid="m2"))["errcode"] == 0
    fake.advance(DAY)
    token = stable(http)["access_token"]
    assert api(http, "/cgi-bin/message/mass/send", token, mass(["o1", "o2"], clientmsgid="m1"))["errcode"] == 0


def test_sendall_by_tag(fake, http, token):
    tag_id = make_tag(http, token, "东村")
    api(http, "/cgi-bin/tags/members/batchtagging", token, {"openid_list": ["o1", "o2"], "tagid": tag_id})
    fake.add_user("o3")
    assert api(http, "/cgi-bin/message/mass/sendall", token, to_tag(tag_id, "封控通知"))["errcode"] == 0
    assert [m.text for m in fake.messages_to("o1")] == ["封控通知"]
    assert fake.messages_to("o3") == []
    legacy = {"filter": {"is_to_all": False, "group_id": tag_id}, "msgtype": "text", "text": {"content": "x"}}
    assert api(http, "/cgi-bin/message/mass/sendall", token, legacy)["errcode"] == 40050
    assert api(http, "/cgi-bin/message/mass/sendall", token, to_tag(999))["errcode"] == 45159
    everyone = {"filter": {"is_to_all": True}, "msgtype": "text", "text": {"content": "全体"}}
    assert api(http, "/cgi-bin/message/mass/sendall", token, everyone)["errcode"] == 0
    assert fake.mass_received("o3") == 1 and fake.mass_received("o1") == 2


def test_subscription_account_mass_quota(sub):
    with httpx.Client(base_url=sub.url) as http:
        token = stable(http)["access_token"]
        assert api(http, "/cgi-bin/message/mass/send", token, mass(["o1", "o2"]))["errcode"] == 48001
        tag_id = make_tag(http, token, "西村")
        api(http, "/cgi-bin/tags/members/batchtagging", token, {"openid_list": ["o1"], "tagid": tag_id})
        assert api(http, "/cgi-bin/message/mass/sendall", token, to_tag(tag_id))["errcode"] == 0
        assert api(http, "/cgi-bin/message/mass/sendall", token, to_tag(tag_id))["errcode"] == 45028
        sub.advance(DAY)
        token = stable(http)["access_token"]
        assert api(http, "/cgi-bin/message/mass/sendall", token, to_tag(tag_id))["errcode"] == 0
        assert len(sub.messages_to("o1", "mass")) == 2


# -- tags ------------------------------------------------------------------------------------------------------
def test_tags_create_get_and_members(fake, http, token):
    tag_id = make_tag(http, token, "东村")
    assert api(http, "/cgi-bin/tags/create", token, {"tag": {"name": "东村"}})["errcode"] == 45157
    ok = api(http, "/cgi-bin/tags/members/batchtagging", token, {"openid_list": ["o1", "o2"], "tagid": tag_id})
    assert ok["errcode"] == 0
    assert api(http, "/cgi-bin/tags/get", token)["tags"] == [{"id": tag_id, "name": "东村", "count": 2}]
    assert fake.tags_of("o1") == {tag_id}
    api(http, "/cgi-bin/tags/members/batchuntagging", token, {"openid_list": ["o1"], "tagid": tag_id})
    assert fake.tags_of("o1") == set() and fake.tags_of("o2") == {tag_id}


def test_tag_batch_limits(fake, http, token):
    tag_id = make_tag(http, token, "东村")
    fifty_one = [f"o{i}" for i in range(51)]
    too_many = api(http, "/cgi-bin/tags/members/batchtagging", token, {"openid_list": fifty_one, "tagid": tag_id})
    assert too_many["errcode"] == 40032
    fifty = {"openid_list": fifty_one[:50], "tagid": tag_id}
    assert api(http, "/cgi-bin/tags/members/batchtagging", token, fifty)["errcode"] == 0
    unknown = api(http, "/cgi-bin/tags/members/batchtagging", token, {"openid_list": ["o1"], "tagid": 999})
    assert unknown["errcode"] == 45159
    assert fake.tags_of("o50") == set()


def test_tag_limits_per_user_and_account(fake, http, token):
    tag_ids = [make_tag(http, token, f"t{i}") for i in range(21)]
    for tag_id in tag_ids[:20]:
        api(http, "/cgi-bin/tags/members/batchtagging", token, {"openid_list": ["o1"], "tagid": tag_id})
    over = api(http, "/cgi-bin/tags/members/batchtagging", token, {"openid_list": ["o1"], "tagid": tag_ids[20]})
    assert over["errcode"] == 45059 and len(fake.tags_of("o1")) == 20
    for i in range(21, 100):
        make_tag(http, token, f"t{i}")
    assert api(http, "/cgi-bin/tags/create", token, {"tag": {"name": "t100"}})["errcode"] == 45056


# -- menu ------------------------------------------------------------------------------------------------------
def click(name: str, key: str = "K") -> dict:
    return {"type": "click", "name": name, "key": key}


def menu(http: httpx.Client, token: str, buttons: list) -> int:
    return api(http, "/cgi-bin/menu/create", token, {"button": buttons})["errcode"]


def test_menu_valid_is_stored(fake, http, token):
    buttons = [
        click("健康上报"),
        {
            "name": "服务",
            "sub_button": [click("核酸检测点查"), {"type": "view", "name": "政策", "url": "https://a.cn"}],
        },
    ]
    assert menu(http, token, buttons) == 0
    assert fake.menu == buttons
    assert api(http, "/cgi-bin/menu/get", token)["menu"]["button"] == buttons


@pytest.mark.parametrize(
    ("buttons", "errcode"),
    [
        ([click("一"), click("二"), click("三"), click("四")], 40016),
        ([], 40016),
        ([{"name": "服务", "sub_button": [click(f"子{i}") for i in range(6)]}], 40023),
        ([click("五个汉字啊")], 40018),
        ([click("ABCDEFGHI")], 40018),
        ([{"name": "服务", "sub_button": [click("八个汉字八个汉字")]}], 40018),
        ([{"type": "click", "name": "上报"}], 40019),
        ([click("上报", "k" * 129)], 40019),
        ([{"type": "view", "name": "政策"}], 40020),
        ([{"type": "view", "name": "政策", "url": "ftp://a.cn"}], 40055),
        ([{"type": "dance", "name": "政策"}], 40017),
    ],
)
def test_menu_validation(fake, http, token, buttons, errcode):
    assert menu(http, token, buttons) == errcode
    assert fake.menu is None


# -- faults ----------------------------------------------------------------------------------------------------
def test_fail_a_number_of_times(fake, http, token):
    fake.user_wrote("o1")
    fake.fail("/cgi-bin/message/custom/send", -1, times=2)
    codes = [api(http, "/cgi-bin/message/custom/send", token, text("o1"))["errcode"] for _ in range(3)]
    assert codes == [-1, -1, 0]
    assert [c.errcode for c in fake.calls_to("/cgi-bin/message/custom/send")] == [-1, -1, 0]
    assert len(fake.messages_to("o1")) == 1


def test_fail_forever_until_cleared_and_by_segment(fake, http, token):
    fake.fail("/cgi-bin/message/mass/send", 40001)
    for _ in range(3):
        assert api(http, "/cgi-bin/message/mass/send", token, mass(["o1", "o2"]))["errcode"] == 40001
    fake.add_user("o1")
    everyone = {"filter": {"is_to_all": True}, "msgtype": "text", "text": {"content": "x"}}
    assert api(http, "/cgi-bin/message/mass/sendall", token, everyone)["errcode"] == 0
    fake.clear_faults()
    assert api(http, "/cgi-bin/message/mass/send", token, mass(["o1", "o2"]))["errcode"] == 0


def test_fail_token_fetch(fake, http):
    fake.fail("/cgi-bin/stable_token", -1, times=1)
    assert stable(http) == {"errcode": -1, "errmsg": "system error"}
    assert stable(http)["errcode"] == 0


def test_http_error(fake, http, token):
    fake.http_error("/cgi-bin/tags/get", status=502)
    response = http.get("/cgi-bin/tags/get", params={"access_token": token})
    assert response.status_code == 502 and "html" in response.text
    assert fake.calls_to("/cgi-bin/tags/get")[-1].status == 502
    assert api(http, "/cgi-bin/tags/get", token)["errcode"] == 0


def test_slow_triggers_read_timeout(fake, http, token):
    fake.slow("/cgi-bin/tags/get", 1.0)
    with pytest.raises(httpx.ReadTimeout):
        http.get("/cgi-bin/tags/get", params={"access_token": token}, timeout=0.3)
    started = time.monotonic()
    assert api(http, "/cgi-bin/tags/get", token)["errcode"] == 0
    assert time.monotonic() - started < 0.5


def test_down_and_up(fake, http, token):
    fake.down()
    assert http.post("/cgi-bin/stable_token", json=CREDENTIALS).status_code == 503
    assert http.get("/cgi-bin/tags/get", params={"access_token": token}).status_code == 503
    fake.up()
    assert api(http, "/cgi-bin/tags/get", token)["errcode"] == 0


# -- recording and lifecycle -----------------------------------------------------------------------------------
def test_calls_are_recorded_and_reset(fake, http, token):
    fake.user_wrote("o1")
    api(http, "/cgi-bin/message/custom/send", token, text("o1", "记录"))
    call = fake.calls_to("/cgi-bin/message/custom/send")[0]
    assert call.query == {"access_token": token} and call.json["text"]["content"] == "记录" and call.errcode == 0
    assert [c.path for c in fake.calls] == ["/cgi-bin/stable_token", "/cgi-bin/message/custom/send"]
    assert http.post("/cgi-bin/nope").status_code == 404
    assert http.post("/cgi-bin/menu/create", params={"access_token": token}, content=b"{").json()["errcode"] == 47001
    fake.reset()
    assert fake.calls == [] and fake.token_fetches == 0 and fake.messages_to("o1") == []
    assert api(http, "/cgi-bin/tags/get", token)["errcode"] == 40001


def test_segment_matching():
    assert matches("/cgi-bin/message/mass/send", "/cgi-bin/message")
    assert matches("/cgi-bin/message/mass/send", "/cgi-bin/message/mass/send/")
    assert not matches("/cgi-bin/message/mass/sendall", "/cgi-bin/message/mass/send")
    assert matches("/anything", "")


def test_stop_releases_the_port():
    fake = FakeWeChat().start()
    url = fake.url
    fake.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/cgi-bin/tags/get", timeout=1)


def test_standalone_mode():
    port = free_port()
    command = [sys.executable, "-m", "tests.fakewechat", "--port", str(port), "--appid", "wxbench"]
    process = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        assert f"127.0.0.1:{port}" in process.stdout.readline()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            token = stable(http, appid="wxbench")["access_token"]
            assert http.post("/_fake/user_wrote", json={"openid": "o1"}).status_code == 200
            assert api(http, "/cgi-bin/message/custom/send", token, text("o1"))["errcode"] == 0
            summary = http.get("/_fake/summary").json()
            assert summary["token_fetches"] == 1 and summary["deliveries"] == {"custom": 1}
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0


def test_frozen_clock_and_beijing_midnight():
    just_before_midnight = 1_700_000_000 - (1_700_000_000 + 8 * 3600) % DAY + DAY - 60  # 23:59 Beijing time
    with FakeWeChat(account_type="subscription", frozen_at=just_before_midnight) as fake:
        assert fake.now() == just_before_midnight
        with httpx.Client(base_url=fake.url) as http:
            token = stable(http)["access_token"]
            everyone = {"filter": {"is_to_all": True}, "msgtype": "text", "text": {"content": "x"}}
            assert api(http, "/cgi-bin/message/mass/sendall", token, everyone)["errcode"] == 0
            fake.advance(30)
            assert api(http, "/cgi-bin/message/mass/sendall", token, everyone)["errcode"] == 45028
            fake.advance(60)
            assert api(http, "/cgi-bin/message/mass/sendall", token, everyone)["errcode"] == 0
