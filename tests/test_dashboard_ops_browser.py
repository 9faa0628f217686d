"""The ops pages in Debian's Chromium on a 375 px phone: no horizontal scroll, and the actions work by touch."""

from __future__ import annotations

from bot.delivery import make_worker
from tests.support.accounts import wechat_account
from tests.support.announcements import person
from tests.support.browser import PHONE, page_width
from tests.support.fakewechat import FakeWeChat
from tests.support.ops import PASSWORD, cadre, one, undelivered_alert
from tests.test_dashboard_ops import AUG4, AUG5, account, upload

PAGES = ("/admin/undelivered", "/admin/risk", "/admin/announcements", "/admin/cadres")
LONG = "请所有从郑州市二七区京广路街道返回的人员立即报告村委会并居家等候核酸采样" * 3  # no break opportunity


def sign_in(page, server, username: str) -> None:
    page.goto(server.url + "/admin/signin")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/admin/**")


def test_the_ops_pages_fit_a_phone_and_their_actions_work_by_touch(server, phone, make_settings):
    cadre(server, "wx-ob-head", "鸣皋村", phone="13800000001")
    person(server, "wx-ob-callee", "鸣皋村", name="王奶奶")
    number = undelivered_alert(server, to="wx-ob-callee", text=LONG, caller=None)
    town = account(server, "town")  # the account the browser signs in with; the client uploads two lists
    upload(town, AUG4.name, AUG4.read_bytes())
    upload(town, AUG5.name, AUG5.read_bytes())
    sign_in(phone, server, "town")
    for path in PAGES:
        phone.goto(server.url + path)
        assert page_width(phone) == PHONE["width"], path
    phone.goto(server.url + "/admin/undelivered")
    phone.click(f"#call-{number} button")
    phone.wait_for_url("**outcome=done**")
    assert one(server, "SELECT done_at FROM call_task WHERE id = :id", id=number)[0] is not None
    phone.goto(server.url + "/admin/cadres")
    phone.select_option("select[name=role]", "village_doctor")
    phone.select_option("select[name=village_id]", label="孙村")
    phone.click("form[action='/admin/cadres/invites'] button")
    assert "孙村的村医的绑定码" in phone.inner_text("#created")
    assert page_width(phone) == PHONE["width"]


def test_a_town_admin_sends_an_announcement_from_a_phone_and_sees_it_delivered(server, phone, make_settings):
    fake = FakeWeChat(templates=("tpl-notice",)).start()
    try:
        person(server, "wx-ob-a", "孙村")
        fake.user_wrote("wx-ob-a")
        account(server, "town")
        sign_in(phone, server, "town")
        phone.goto(server.url + "/admin/announcements")
        phone.fill("textarea[name=text]", "明天上午9点全员核酸，请带好身份证。")
        phone.select_option("select[name=to]", "village:孙村")
        phone.click("button[value=preview]")
        assert "共1人" in phone.inner_text("#reach")
        phone.click("button[value=send]")
        phone.wait_for_url("**sent=**")
        worker = make_worker(wechat_account(make_settings, fake), server.state.db)
        try:
            worker.run_once()
        finally:
            worker.close()
        assert "明天上午9点全员核酸" in fake.messages_to("wx-ob-a")[0].text
        phone.reload()
        assert "已发出 1" in phone.inner_text(".ops-counts")
        assert page_width(phone) == PHONE["width"]
    finally:
        fake.stop()
