"""Signing in to the dashboard at a desk: the password, the session cookie, CSRF, the throttle, the audit page."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import delete

from models.audit import record_action
from models.cadre import CadreAssignment
from models.db import transaction
from tests.support.browser import PHONE, page_width
from tests.support.dashboard import csrf_of, make_admin, sign_in, signed_in
from tests.support.people import bind, person


@pytest.fixture
def clerk(server):
    with transaction(server.state.db) as session:
        make_admin(session, username="clerk", password="correct horse")
    return "clerk", "correct horse"


def test_the_town_admin_signs_in_and_sees_the_dashboard(server, clerk):
    client = signed_in(server.url, *clerk)
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "clerk" in page.text and "镇管理员" in page.text
    assert "操作记录" in page.text  # the town-only entry of the nav
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_without_a_session_a_page_sends_to_the_sign_in_form_and_back(server, clerk):
    response = httpx.get(f"{server.url}/admin/audit?page=2")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/signin?next=%2Fadmin%2Faudit%3Fpage%3D2"
    with httpx.Client(base_url=server.url) as client:
        assert sign_in(client, *clerk, next="/admin/audit?page=2").headers["location"] == "/admin/audit?page=2"
        assert sign_in(client, *clerk, next="https://evil.example/").headers["location"] == "/admin/"
        assert sign_in(client, *clerk, next="//evil.example/").headers["location"] == "/admin/"


def test_a_wrong_password_is_refused_and_the_tenth_attempt_is_throttled(server, clerk):
    with httpx.Client(base_url=server.url) as client:
        first = sign_in(client, "clerk", "wrong")
        assert first.status_code == 401 and "用户名或密码不对" in first.text
        assert client.get("/admin/").status_code == 303
        answers = [sign_in(client, "clerk", f"wrong {i}") for i in range(8)]
        assert [a.status_code for a in answers] == [401] * 4 + [429] * 4
        tenth = sign_in(client, *clerk)  # the right password, too late
        assert tenth.status_code == 429 and "15 分钟后再试" in tenth.text
        assert client.get("/admin/").status_code == 303


def test_many_names_from_one_address_are_throttled_too(servers, clerk):
    server = servers(admin_login_failures_per_address=3)
    with httpx.Client(base_url=server.url) as client:
        assert [sign_in(client, f"guess{i}", "x").status_code for i in range(4)] == [401, 401, 401, 429]
        assert sign_in(client, *clerk).status_code == 429


def test_the_session_cookie_is_http_only_lax_and_not_secure_over_plain_http(server, clerk):
    with httpx.Client(base_url=server.url) as client:
        response = sign_in(client, *clerk)
    cookie = response.headers["set-cookie"]
    assert re.search(r"xiangan_admin=[^;]+;", cookie)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie


def test_behind_a_trusted_proxy_saying_https_the_cookie_is_secure(servers, clerk):
    proxied = servers(trusted_proxies="127.0.0.1")
    with httpx.Client(base_url=proxied.url, headers={"X-Forwarded-Proto": "https"}) as client:
        assert "Secure" in sign_in(client, *clerk).headers["set-cookie"]


def test_an_untrusted_peer_saying_https_gets_no_secure_cookie(server, clerk):
    with httpx.Client(base_url=server.url, headers={"X-Forwarded-Proto": "https"}) as client:
        assert "Secure" not in sign_in(client, *clerk).headers["set-cookie"]


def test_a_post_without_the_csrf_token_is_refused(server, clerk):
    client = signed_in(server.url, *clerk)
    token = client.headers.pop("X-CSRF-Token")
    refused = client.post("/admin/signout")
    assert refused.status_code == 403 and "安全检查" in refused.text
    assert client.post("/admin/signout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/admin/").status_code == 200  # still signed in
    out = client.post("/admin/signout", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/admin/signin?why=out"
    assert client.get("/admin/").status_code == 303


def test_the_sign_in_form_needs_its_own_token(server, clerk):
    with httpx.Client(base_url=server.url) as client:
        refused = client.post("/admin/signin", data={"username": "clerk", "password": "correct horse"})
        assert refused.status_code == 403


def test_htmx_without_a_session_is_told_where_to_sign_in(server):
    response = httpx.get(f"{server.url}/admin/audit", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.headers["hx-redirect"].startswith("/admin/signin?next=")


def test_a_cadre_sets_a_password_from_the_chat_and_loses_access_with_the_role(server):
    bind(server.state.db, ("cadre-pw", "李明", "village_cadre", "孙村", "13900000001"))
    villager = server.client("villager-pw")
    villager.say("你好")
    assert "只给防控干部用" in villager.say("后台密码")
    reply = server.client("cadre-pw").say("后台密码")
    assert "http://127.0.0.1:8000/admin/signin" in reply
    path = re.search(r"http://127\.0\.0\.1:8000(/admin/password/\S+)", reply)[1]
    with httpx.Client(base_url=server.url) as client:
        form = client.get(path)
        assert form.status_code == 200 and "李明" in form.text
        short = client.post(path, data={"username": "liming", "password": "short", "again": "short"})
        assert short.status_code == 400 and "太短" in short.text
        done = client.post(path, data={"username": "liming", "password": "village pass", "again": "village pass"})
        assert done.status_code == 303
        page = client.get("/admin/")
        assert "李明 · 孙村的村干部" in page.text and "操作记录" not in page.text
        assert client.get(path).status_code == 410  # used once
    desk = signed_in(server.url, "liming", "village pass")
    assert desk.get("/admin/audit").status_code == 404  # the town's only
    with transaction(server.state.db) as session:
        session.execute(delete(CadreAssignment).where(CadreAssignment.person_id == person(session, "cadre-pw")))
    gone = desk.get("/admin/")
    assert gone.status_code == 303 and "why=no_role" in gone.headers["location"]
    assert sign_in(httpx.Client(base_url=server.url), "liming", "village pass").status_code == 401


def test_the_audit_log_reads_in_chinese_for_the_town(server, clerk):
    with transaction(server.state.db) as session:
        record_action(
            session,
            actor="王镇长",
            action="override",
            target="申报 12 号",
            before={"measure": "居家健康监测", "note": None},
            after={"measure": "集中隔离", "note": "<script>alert(1)</script>"},
        )
    client = signed_in(server.url, *clerk)
    page = client.get("/admin/audit")
    assert page.status_code == 200
    for words in ("王镇长", "更改管控措施", "申报 12 号", "管控措施", "居家健康监测", "集中隔离", "备注"):
        assert words in page.text
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert csrf_of(page.text)


def test_the_first_town_admin_comes_from_the_settings(servers):
    server = servers(admin_username="boss", admin_password="from the environment")
    page = signed_in(server.url, "boss", "from the environment").get("/admin/")
    assert "boss · 镇管理员" in page.text


def test_on_a_phone_a_wrong_password_is_refused_and_the_tenth_is_throttled(server, clerk, phone):
    phone.goto(f"{server.url}/admin/signin")
    notices = []
    for attempt in range(10):
        phone.fill("input[name=username]", "clerk")
        phone.fill("input[name=password]", "correct horse" if attempt == 9 else f"guess {attempt}")
        phone.click("button[type=submit]")
        notices.append(phone.locator("#notice").inner_text())
        assert page_width(phone) == PHONE["width"]
    assert all("用户名或密码不对" in notice for notice in notices[:5])
    assert all("15 分钟后再试" in notice for notice in notices[5:])
    assert phone.url.startswith(f"{server.url}/admin/signin")


def test_the_audit_log_pages_by_fifty(server, clerk):
    with transaction(server.state.db) as session:
        for number in range(51):
            record_action(session, actor="王镇长", action="announce", target=f"通知 {number}", before=None, after=None)
    client = signed_in(server.url, *clerk)
    first, second = client.get("/admin/audit"), client.get("/admin/audit?page=2")
    assert "通知 50" in first.text and "通知 1<" in first.text and "通知 0<" not in first.text
    assert "通知 0<" in second.text and "第 2 页，共 51 条" in second.text and "发送通知" in second.text


def test_an_account_with_a_village_role_but_no_person_sees_nothing(server):
    with transaction(server.state.db) as session:
        make_admin(session, username="orphan", password="some password", role="village_cadre")
    with httpx.Client(base_url=server.url) as client:
        refused = sign_in(client, "orphan", "some password")
        assert refused.status_code == 401 and "没有干部身份" in refused.text
