"""The simulator in headless Chromium: a villager's 我的信息 conversation end to end, and the outbox view."""

from __future__ import annotations

import httpx
import pytest

from models.db import utcnow
from models.outbox import Outcome, enqueue, message_by_key, record_outcomes
from models.sql import Sql
from tests.support.browser import DESK, PHONE, page_width


@pytest.fixture
def page(browser, server):
    context = browser.new_context(locale="zh-CN")
    opened = context.new_page()
    opened.goto(f"{server.url}/simulator")
    yield opened
    context.close()


def say(page, text: str, expected: str) -> None:
    """Type like a villager and wait for the account's bubble."""
    before = page.locator(".msg.bot").count()
    page.fill("#text", text)
    page.press("#text", "Enter")
    page.locator(".msg.bot").nth(before).wait_for(timeout=10_000)
    reply = page.locator(".msg.bot").nth(before).inner_text()
    assert expected in reply, f"after 「{text}」 expected 「{expected}」, got 「{reply}」"


def test_a_villager_fills_in_my_info_in_the_browser(page, tmp_path):
    page.fill("#openid", "browser-villager")
    page.click("#subscribe")
    page.locator(".msg.bot", has_text="欢迎").wait_for(timeout=10_000)
    say(page, "我的信息", "叫什么名字")
    say(page, "我叫王秀兰", "手机号")
    say(page, "13812345678", "哪个村")
    say(page, "明皋", "请核对")
    say(page, "对", "已经保存")
    page.locator("#people button", has_text="browser-villager · 王秀兰 · 鸣皋村").wait_for(timeout=10_000)
    page.screenshot(path=str(tmp_path / "simulator.png"), full_page=True)


def test_menu_click_and_outbox_newest_first(page, server):
    with server.state.db.begin() as connection:
        enqueue(Sql(connection), key="sim-1", recipient_openid="cadre-x", kind="alert", text="旧的提醒", now=utcnow())
        enqueue(Sql(connection), key="sim-2", recipient_openid="cadre-x", kind="alert", text="新的提醒", now=utcnow())
    page.fill("#openid", "browser-click")
    page.click("button[data-key=MY_INFO]")
    page.locator(".msg.bot", has_text="名字").wait_for(timeout=10_000)
    first_row = page.locator("#outbox tr").first
    first_row.wait_for(timeout=10_000)
    assert "新的提醒" in first_row.inner_text()
    assert "旧的提醒" in page.locator("#outbox tr").nth(1).inner_text()


def queue(server, key: str, openid: str, text: str, status: str, channel: str | None, kind: str = "alert") -> None:
    """An outbox row that has reached this state on this channel, as the delivery worker leaves it."""
    with server.state.db.begin() as connection:
        sql = Sql(connection)
        enqueue(sql, key=key, recipient_openid=openid, kind=kind, text=text, now=utcnow())
        message_id = message_by_key(sql, key=key)[0]
        if status != "queued":
            record_outcomes(sql, [Outcome(message_id, status, channel=channel)], now=utcnow())


def test_on_a_phone_the_page_fits_and_the_outbox_reads_in_chinese(phone, server, tmp_path):
    long_openid = "sim-cadre-with-a-rather-long-openid-0001"
    queue(server, "sim-phone-1", long_openid, "请打电话给张大爷", "undeliverable", "template")
    queue(server, "sim-phone-2", "sim-villager", "明天上午在家等候采样。", "sent", "custom", kind="notice")
    queue(server, "sim-phone-3", "sim-villager", "晚上八点前请量体温", "queued", None, kind="notice")
    phone.goto(f"{server.url}/simulator")
    phone.locator("#outbox tr").nth(2).wait_for(timeout=10_000)
    assert page_width(phone) <= PHONE["width"]
    cards = [phone.locator("#outbox tr").nth(i).inner_text() for i in range(3)]
    assert "待发送" in cards[0] and "通知" in cards[0]
    assert "已发送 · 客服消息" in cards[1]
    assert "联系不上 · 模板消息" in cards[2] and "防控提醒" in cards[2]
    outbox = phone.locator("#outbox").inner_text()
    for english in ("undeliverable", "queued", "sent", "custom", "template", "alert", "notice"):
        assert english not in outbox.replace("sim-", "")
    # The chat takes most of the screen: a one-line header, one row of menu, the compose box.
    chat = phone.locator("#chat").bounding_box()
    assert chat["height"] >= 0.6 * PHONE["height"], chat
    assert phone.locator(".menu").bounding_box()["height"] <= 48
    assert phone.locator("#compose").bounding_box()["y"] + 40 <= PHONE["height"]
    phone.screenshot(path=str(tmp_path / "simulator-phone.png"), full_page=True)


def test_on_a_phone_a_conversation_does_not_widen_the_page(phone, server, tmp_path):
    phone.goto(f"{server.url}/simulator")
    phone.fill("#openid", "sim-phone-villager")
    say(phone, "我的信息", "叫什么名字")
    say(phone, "我叫" + "王" * 3 + "，电话13812345678，家住鸣皋村东头第三户" * 3, "")
    assert page_width(phone) <= PHONE["width"]
    phone.screenshot(path=str(tmp_path / "simulator-phone-chat.png"))


def test_on_a_desk_the_phone_and_the_outbox_sit_side_by_side(browser, server, tmp_path):
    queue(server, "sim-desk-1", "sim-desk", "旧的提醒", "delivered", "template")
    context = browser.new_context(locale="zh-CN", viewport=DESK)
    try:
        desk = context.new_page()
        desk.goto(f"{server.url}/simulator")
        desk.locator("#outbox tr").first.wait_for(timeout=10_000)
        phone_box, side = desk.locator("#phone").bounding_box(), desk.locator("#side").bounding_box()
        assert side["x"] >= phone_box["x"] + phone_box["width"] and side["y"] == phone_box["y"]
        assert desk.locator("#outbox-table thead").is_visible()
        assert "已送达 · 模板消息" in desk.locator("#outbox tr").first.inner_text()
        assert page_width(desk) <= DESK["width"]
        desk.screenshot(path=str(tmp_path / "simulator-desk.png"))
    finally:
        context.close()


def test_switching_person_clears_the_chat_and_loads_theirs(page, server):
    server.client("sim-earlier").say("我的信息")  # someone with a chat already
    page.fill("#openid", "sim-first")
    say(page, "我的信息", "叫什么名字")
    page.fill("#openid", "sim-earlier")
    assert page.locator(".msg.me").count() == 0  # at once, before their chat is back
    page.locator(".msg.me", has_text="我的信息").wait_for(timeout=10_000)
    page.locator(".msg.bot", has_text="叫什么名字").wait_for(timeout=10_000)
    assert "以上是 sim-earlier 的聊天记录" in page.locator("#chat").inner_text()
    page.fill("#openid", "sim-nobody")
    page.locator(".msg.note", has_text="还没有聊天记录").wait_for(timeout=10_000)
    assert page.locator(".msg.me, .msg.bot").count() == 0
    # Picked from the people list: the first person's chat comes back, the reply included.
    page.locator("#people button", has_text="sim-first").click()
    page.locator(".msg.me", has_text="我的信息").wait_for(timeout=10_000)
    assert page.input_value("#openid") == "sim-first"
    assert page.locator(".msg.bot", has_text="叫什么名字").count() == 1


def test_a_persons_chat_comes_back_in_order_with_what_was_pushed_to_them(server):
    client = server.client("sim-history")
    client.event("subscribe")
    client.say("我的信息")
    queue(server, "sim-history-1", "sim-history", "明天上午在家等候采样。", "delivered", "template", kind="notice")
    lines = httpx.get(f"{server.url}/simulator/api/chat", params={"openid": "sim-history"}).json()
    assert [line["from"] for line in lines] == ["event", "bot", "me", "bot", "push"]
    assert lines[0]["event"] == "subscribe" and lines[2]["text"] == "我的信息" and "名字" in lines[3]["text"]
    assert lines[4] == {"from": "push", "text": "明天上午在家等候采样。", "state": "已送达 · 模板消息"}
    assert httpx.get(f"{server.url}/simulator/api/chat", params={"openid": "sim-nobody"}).json() == []
