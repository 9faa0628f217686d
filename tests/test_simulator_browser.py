"""The simulator in headless Chromium: a villager's 我的信息 conversation end to end, and the outbox view."""

from __future__ import annotations

import os
import shutil

import pytest

from models.db import utcnow
from models.outbox import enqueue
from models.sql import Sql

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is required in CI (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


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
