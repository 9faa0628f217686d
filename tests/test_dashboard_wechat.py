"""Signing in inside WeChat: web authorisation (snsapi_base) through the fake API and the simulator, on a phone."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from models.audit import record_action
from models.db import transaction
from tests.support.browser import PHONE, page_width, phone_context
from tests.support.dashboard import make_admin, sign_in_page, signed_in
from tests.support.fakewechat import FakeWeChat
from tests.support.people import bind, person


@pytest.fixture(scope="module")
def fake():
    running = FakeWeChat().start()
    yield running
    running.stop()


@pytest.fixture
def account(servers, fake):
    """A server configured for a real account, whose WeChat (API and authorisation page) is the fake."""
    fake.reset()
    return servers(
        wechat_app_id="wxfake",
        wechat_app_secret="s",
        wechat_token="t",
        wechat_api_base_url=fake.url,
        wechat_open_base_url=fake.url,
    )


def people(server) -> dict[str, int]:
    """A village cadre of 鸣皋村, and a villager of 鸣皋村 and one of 孙村 (another work area's village: no)."""
    bind(server.state.db, ("cadre-mg", "赵村长", "village_cadre", "鸣皋村", "13900000002"))
    with transaction(server.state.db) as session:
        return {
            "own": person(session, "villager-mg", "鸣皋村民", "13800000001", "鸣皋村"),
            "other": person(session, "villager-dk", "渡口村民", "13800000002", "渡口村"),
            "plain": person(session, "villager-none", "没职务的人", None, "鸣皋村"),
        }


def authorise(server, fake, openid: str, next: str = "/admin/") -> tuple[httpx.Client, httpx.Response]:
    """Go through the authorisation by hand: start, WeChat's page, the callback; the callback's answer."""
    fake.authorize_as(openid)
    client = httpx.Client(base_url=server.url, timeout=30)
    start = client.get("/admin/wechat", params={"next": next})
    assert start.status_code == 307
    at_wechat = httpx.get(start.headers["location"].split("#")[0])
    assert at_wechat.status_code == 302
    return client, client.get(at_wechat.headers["location"])


def test_the_authorisation_url_is_wechats(account, fake):
    start = httpx.get(f"{account.url}/admin/wechat")
    location = start.headers["location"]
    assert location.startswith(f"{fake.url}/connect/oauth2/authorize?") and location.endswith("#wechat_redirect")
    query = parse_qs(urlsplit(location.split("#")[0]).query)
    assert query["appid"] == ["wxfake"] and query["scope"] == ["snsapi_base"] and query["response_type"] == ["code"]
    assert query["redirect_uri"] == [f"{account.url}/admin/wechat/callback"] and len(query["state"][0]) >= 32
    cookie = start.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Path=/admin/wechat" in cookie


def test_a_village_cadre_authorised_by_wechat_sees_their_village_only(account, fake):
    ids = people(account)
    client, back = authorise(account, fake, "cadre-mg", next=f"/admin/people/{ids['own']}")
    assert back.status_code == 303 and back.headers["location"] == f"/admin/people/{ids['own']}"
    own = client.get(back.headers["location"])
    assert own.status_code == 200 and "赵村长 · 鸣皋村的村干部" in own.text and "鸣皋村民" in own.text
    other = client.get(f"/admin/people/{ids['other']}")
    assert other.status_code == 404 and "渡口村民" not in other.text
    assert client.get("/admin/audit").status_code == 404
    token = fake.calls_to("/sns/oauth2/access_token")[-1].query
    assert token["appid"] == "wxfake" and token["secret"] == "s" and token["grant_type"] == "authorization_code"


def test_a_villager_without_a_role_is_told_kindly(account, fake):
    people(account)
    client, back = authorise(account, fake, "villager-none")
    assert back.status_code == 403 and "后台只给村里和镇上的防控干部用" in back.text
    assert client.get("/admin/").status_code == 303


def test_a_code_used_twice_or_unknown_gets_a_clear_page(account, fake):
    people(account)
    fake.authorize_as("cadre-mg")
    client = httpx.Client(base_url=account.url)
    start = client.get("/admin/wechat")
    back = httpx.get(start.headers["location"].split("#")[0]).headers["location"]
    assert client.get(back).status_code == 303
    again = httpx.Client(base_url=account.url)
    state = parse_qs(urlsplit(again.get("/admin/wechat").headers["location"].split("#")[0]).query)["state"][0]
    code = parse_qs(urlsplit(back).query)["code"][0]
    reused = again.get("/admin/wechat/callback", params={"code": code, "state": state})
    assert reused.status_code == 400 and "登录码无效或已用过" in reused.text
    assert fake.calls_to("/sns/oauth2/access_token")[-1].errcode == 40163
    unknown = again.get("/admin/wechat/callback", params={"code": "nonsense", "state": state})
    assert unknown.status_code == 400 and fake.calls_to("/sns/oauth2/access_token")[-1].errcode == 40029


def test_a_callback_from_another_browser_is_refused(account, fake):
    people(account)
    _, back = authorise(account, fake, "cadre-mg")
    stranger = httpx.get(f"{account.url}{back.request.url.raw_path.decode()}")
    assert stranger.status_code == 400 and "登录已过期" in stranger.text


def test_wechat_out_of_reach_is_said_plainly(account, fake):
    people(account)
    fake.fail("/sns/oauth2/access_token", -1, times=1)
    _, back = authorise(account, fake, "cadre-mg")
    assert back.status_code == 502 and "暂时连不上微信" in back.text


def test_in_sandbox_the_simulator_plays_the_authorisation(server):
    ids = people(server)
    with httpx.Client(base_url=server.url, follow_redirects=True) as client:
        page = client.get("/simulator/open-admin", params={"openid": "cadre-mg"})
        assert page.status_code == 200 and page.url.path == "/admin/"
        assert "赵村长 · 鸣皋村的村干部" in page.text
        assert client.get(f"/admin/people/{ids['other']}").status_code == 404
    nobody = httpx.get(f"{server.url}/simulator/connect/oauth2/authorize", params={"redirect_uri": "/admin/x"})
    assert nobody.status_code == 400


def test_on_a_phone_a_cadre_opens_the_dashboard_through_wechat(account, fake, browser, tmp_path):
    ids = people(account)
    fake.authorize_as("cadre-mg")
    context = phone_context(browser)
    try:
        phone = context.new_page()
        phone.goto(f"{account.url}/admin/wechat")
        phone.locator("#who").wait_for()
        assert phone.url.split("#")[0] == f"{account.url}/admin/"
        assert "鸣皋村的村干部" in phone.locator("#who").inner_text()
        assert page_width(phone) == PHONE["width"]
        phone.screenshot(path=str(tmp_path / "dashboard-phone.png"))
        assert phone.goto(f"{account.url}/admin/people/{ids['own']}").status == 200
        assert page_width(phone) == PHONE["width"]
        missing = phone.goto(f"{account.url}/admin/people/{ids['other']}")
        assert missing.status == 404 and "不在您管辖的范围内" in phone.locator("#error").inner_text()
        assert page_width(phone) == PHONE["width"]
        cookie = next(c for c in context.cookies() if c["name"] == "xiangan_admin")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]
    finally:
        context.close()


def test_every_core_page_fits_a_phone(server, browser, cadre_phone, tmp_path):
    people(server)
    with transaction(server.state.db) as session:
        make_admin(session, username="clerk", password="correct horse")
        long = "很长的一段备注，" * 20
        record_action(session, actor="王镇长", action="override", target="申报 12", before=None, after={"note": long})
    signed_in(server.url, "clerk", "correct horse").post("/admin/signout")  # a session came and went
    context = phone_context(browser)
    try:
        phone = context.new_page()
        for path in ("/admin/signin", "/admin/password/expired-link"):
            phone.goto(server.url + path)
            assert page_width(phone) == PHONE["width"], path
        sign_in_page(phone, server.url, "clerk", "correct horse")
        for path in ("/admin/", "/admin/audit", "/admin/no-such-page"):
            phone.goto(server.url + path)
            assert page_width(phone) == PHONE["width"], path
            phone.screenshot(path=str(tmp_path / f"phone{path.replace('/', '-')}.png"), full_page=True)
    finally:
        context.close()
    villager = cadre_phone("villager-none")
    assert "后台只给村里和镇上的防控干部用" in villager.locator("#notice").inner_text()
    assert page_width(villager) == PHONE["width"]
    cadre = cadre_phone("cadre-mg", "/admin/audit")
    assert "鸣皋村的村干部" in cadre.locator("#who").inner_text()
    assert page_width(cadre) == PHONE["width"]


def test_a_work_area_lead_sees_their_area_and_the_town_command_the_town(server):
    ids = people(server)
    with transaction(server.state.db) as session:
        ids["same_area"] = person(session, "villager-sc", "孙村村民", None, "孙村")
    bind(server.state.db, ("lead-1", "钱主任", "work_area_lead", "鸣皋村", None))
    bind(server.state.db, ("command-1", "孙书记", "town_command", "鸣皋村", None))
    with httpx.Client(base_url=server.url, follow_redirects=True) as lead:
        assert "第一工作区" in lead.get("/simulator/open-admin", params={"openid": "lead-1"}).text
        assert lead.get(f"/admin/people/{ids['same_area']}").status_code == 200
        assert lead.get(f"/admin/people/{ids['other']}").status_code == 404
        assert lead.get("/admin/audit").status_code == 404
    with httpx.Client(base_url=server.url, follow_redirects=True) as town:
        assert "孙书记 · 镇指挥部" in town.get("/simulator/open-admin", params={"openid": "command-1"}).text
        assert town.get(f"/admin/people/{ids['other']}").status_code == 200
        assert town.get("/admin/audit").status_code == 200
