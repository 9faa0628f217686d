"""The ledgers and the person page in Debian's Chromium on a 375 px phone and a desk: what a villager typed is shown
as text and never runs (no dialog, no script error, no image request), and the page never scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest

from models.db import transaction
from tests.support.browser import DESK, page_width, phone_context
from tests.support.dashboard import make_admin
from tests.support.ledgers import NOW, Seed

SCRIPT = "<script>alert('x')</script>"
IMAGE = "<img src=x onerror=alert(1)>"


def sign_in(page, url: str, username: str, password: str, next_path: str) -> None:
    page.goto(f"{url}/admin/signin?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def hostile(server) -> Seed:
    """A returnee whose name and messages are markup, and a fever report written as script."""
    seed = Seed(server)
    person, _ = seed.returnee("鸣皋村", IMAGE, "13700000009", dt.date(2021, 8, 5))
    seed.reports(person, "鸣皋村")
    seed.chat(person, ("in", SCRIPT, NOW), ("out:delivered:custom", IMAGE, NOW + dt.timedelta(minutes=1)))
    with transaction(seed.db) as session:
        make_admin(session, username="clerk", password="pass-1234")
    seed.hostile_person = person
    return seed


@pytest.mark.parametrize("screen", ["phone", "desk"])
def test_villager_markup_is_text_on_the_ledger_and_the_person_page(browser, hostile, server, screen):
    context = phone_context(browser) if screen == "phone" else browser.new_context(locale="zh-CN", viewport=DESK)
    page = context.new_page()
    dialogs, errors, images = [], [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    missing = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    page.on("request", lambda request: images.append(request.url) if request.url.endswith("/x") else None)
    try:
        sign_in(page, server.url, "clerk", "pass-1234", "/admin/ledgers/returnees")
        assert page.locator("#ledger td.who").first.inner_text() == IMAGE
        assert page_width(page) == page.viewport_size["width"]
        page.goto(f"{server.url}/admin/ledgers/fevers")
        assert page.locator("#ledger").inner_text().count("发烧了") == 1
        assert page_width(page) == page.viewport_size["width"]
        page.click(f"#ledger td.who a >> text={IMAGE}")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(f"/admin/people/{hostile.hostile_person.id}")
        timeline = page.locator("#timeline .text")
        assert timeline.all_inner_texts() == [SCRIPT, IMAGE]
        assert page.locator("#timeline script, #timeline img, #ledger img").count() == 0
        assert page_width(page) == page.viewport_size["width"]
        page.wait_for_timeout(300)
    finally:
        context.close()
    assert dialogs == [] and images == []
    assert {url.rsplit("/", 1)[-1] for url in missing} <= {"favicon.ico"}, missing
    assert not [e for e in errors if "404 (Not Found)" not in e], errors
