"""The dashboard in tests: accounts, a signed-in HTTP client (cookies and CSRF token ready), signed-in browsers."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import httpx
import pytest
from sqlmodel import Session

from models.admin_user import AdminUser, create_admin
from tests.support.browser import phone_context

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)"')
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')


def make_admin(
    session: Session, *, username: str, password: str, role: str = "town_admin", person_id: int | None = None
) -> AdminUser:
    """A dashboard account (a cadre's own when person_id is given: their roles decide what they see)."""
    return create_admin(session, username=username, password=password, role=role, person_id=person_id)


def csrf_of(html: str) -> str:
    """The CSRF token a dashboard page carries."""
    found = CSRF_META.search(html) or CSRF_FIELD.search(html)
    assert found and found[1], "the page carries no CSRF token"
    return found[1]


def sign_in(client: httpx.Client, username: str, password: str, *, next: str = "/admin/") -> httpx.Response:
    """Post the sign-in form as a browser does (its own CSRF token first); the response, not followed."""
    form = client.get("/admin/signin", params={"next": next})
    return client.post(
        "/admin/signin",
        data={"csrf_token": csrf_of(form.text), "username": username, "password": password, "next": next},
    )


def signed_in(client_or_url: httpx.Client | str, username: str, password: str) -> httpx.Client:
    """A client signed in as this account, sending the session's CSRF token on every request (X-CSRF-Token)."""
    client = httpx.Client(base_url=client_or_url, timeout=30) if isinstance(client_or_url, str) else client_or_url
    response = sign_in(client, username, password)
    assert response.status_code == 303, (response.status_code, response.text[:500])
    page = client.get(response.headers["location"])
    client.headers["X-CSRF-Token"] = csrf_of(page.text)
    return client


@pytest.fixture
def cadre_phone(browser, server):
    """Open the dashboard on a phone as a bound cadre inside WeChat: `page = cadre_phone("openid", "/admin/todo")`.

    It goes through the simulator's 「打开后台」 and WeChat's web authorisation as the sandbox plays it.
    """
    contexts = []

    def open_as(openid: str, path: str = "/admin/"):
        context = phone_context(browser)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{server.url}/simulator/open-admin?{urlencode({'openid': openid, 'next': path})}")
        return page

    yield open_as
    for context in contexts:
        context.close()


def sign_in_page(page, base_url: str, username: str, password: str, next: str = "/admin/") -> None:
    """Sign a Playwright page in through the form, as a clerk at a desk does; returns on the page reached."""
    page.goto(f"{base_url}/admin/signin?{urlencode({'next': next})}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.locator("#who").wait_for()
