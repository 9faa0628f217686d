"""On a 375 px phone in Debian's Chromium: a village cadre signs in, reads the Today page (charts drawn, no horizontal
scroll), opens 待办 and presses 接单 on a supply request; the item changes in place, the household is told, the
action is audited."""

from __future__ import annotations

import os
from pathlib import Path

from models.db import transaction
from tests.support.browser import page_width
from tests.support.dashboard import make_admin
from tests.support.people import outbox
from tests.support.stats import town as town  # noqa: F401  (the fixture)
from tests.support.today_page import PASSWORD
from tests.support.todo_board import CADRE, SUPPLY, VILLAGER, ask_for_supplies, audit_rows, request_row
from tests.support.todo_board import board as board  # noqa: F401  (the fixture)

# SCREENSHOTS=dir keeps the pictures the README shows.
SHOTS = os.environ.get("SCREENSHOTS")


def _shot(page, tmp_path: Path, name: str, *, full_page: bool = True) -> None:
    page.screenshot(path=str(Path(SHOTS or tmp_path) / name), full_page=full_page)


def test_a_village_cadre_clears_a_supply_request_on_a_phone_inside_wechat(board, cadre_phone, tmp_path):
    number = ask_for_supplies(board, VILLAGER)
    board.client(VILLAGER).say("俺老伴发烧38度2")
    phone = cadre_phone(CADRE, "/admin/")  # WeChat's web authorisation, as the sandbox plays it
    problems: list[str] = []
    phone.on("pageerror", lambda error: problems.append(str(error)))
    phone.on("response", lambda r: problems.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)
    phone.locator("#who").wait_for(timeout=10_000)
    assert phone.url.split("#")[0] == f"{board.url}/admin/" and "鸣皋村的村干部" in phone.locator("#who").inner_text()
    phone.locator("[data-chart=supplies] canvas").first.wait_for(timeout=10_000)
    assert phone.locator("[data-chart=declarations]").is_hidden()  # nothing declared in a fortnight: no chart
    assert phone.locator(".number").count() == 6 and "鸣皋村" in phone.locator("h1").inner_text()
    assert page_width(phone) == 375
    _shot(phone, tmp_path, "today-village-phone.png")

    phone.click("nav a[href='/admin/todo']")
    phone.wait_for_url(f"{board.url}/admin/todo")
    item = phone.locator(f"li[data-key='{SUPPLY}-{number}']")
    assert "要米2袋、油1桶" in item.inner_text()
    assert page_width(phone) == 375
    _shot(phone, tmp_path, "todo-phone-before.png")

    item.get_by_role("button", name="接单", exact=True).click()
    changed = phone.locator(f"li[data-key='{SUPPLY}-{number}'] .reply")
    changed.wait_for(timeout=10_000)
    assert f"第{number}号由您接单了" in changed.inner_text()
    assert phone.locator(f"li[data-key='{SUPPLY}-{number}']").get_by_role("button", name="送达").is_visible()
    assert page_width(phone) == 375
    _shot(phone, tmp_path, "todo-phone.png")

    assert request_row(board, number).status == "accepted"
    assert any(f"第{number}号）：刘支书接单了" in m.text for m in outbox(board, VILLAGER))
    [audit] = audit_rows(board)
    assert audit.action == "待办：接单" and "刘支书" in audit.actor
    assert problems == []


def test_the_towns_day_on_a_phone_every_chart_drawn(town, phone, browser, tmp_path):
    with transaction(town.state.db) as session:
        make_admin(session, username="clerk", password=PASSWORD)
    phone.goto(f"{town.url}/admin/signin")
    phone.fill("input[name=username]", "clerk")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("form.stack button[type=submit]")
    phone.wait_for_url(f"{town.url}/admin/")
    for name in ("declarations", "quarantines", "supplies", "missing", "fevers", "vaccines"):
        phone.locator(f"[data-chart={name}] canvas").first.wait_for(timeout=10_000)
    assert page_width(phone) == 375
    _shot(phone, tmp_path, "today-town-phone.png")
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    desk.add_cookies(phone.context.cookies())
    page = desk.new_page()
    page.goto(f"{town.url}/admin/")
    page.locator("[data-chart=vaccines] canvas").first.wait_for(timeout=10_000)
    _shot(page, tmp_path, "today-desk.png", full_page=False)
    desk.close()
