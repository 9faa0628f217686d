"""Headless Debian Chromium for browser tests (Playwright with executable_path), on a phone or a desk.

The fixtures are imported by tests/conftest.py, so every test module may ask for `browser` or `phone`.
"""

from __future__ import annotations

import os
import shutil

import pytest

PHONE = {"width": 375, "height": 667}
DESK = {"width": 1280, "height": 800}

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
    """Debian's chromium (skipped where it is not installed, failed in CI)."""
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


def phone_context(browser):
    """A new 375 x 667 touch-screen context, in Chinese."""
    return browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=2, has_touch=True)


@pytest.fixture
def phone(browser):
    """A page on a 375 x 667 phone screen."""
    context = phone_context(browser)
    opened = context.new_page()
    yield opened
    context.close()


def page_width(page) -> int:
    """How wide the document is laid out (wider than the viewport = a horizontal scroll)."""
    return page.evaluate("document.documentElement.scrollWidth")
