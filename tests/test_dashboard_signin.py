"""Signing in to the dashboard at a desk: the password, the session cookie, CSRF and the throttle."""

from __future__ import annotations

import httpx

from models.db import transaction
from tests.support.dashboard import make_admin, sign_in, signed_in


def test_the_town_admin_signs_in_and_sees_the_dashboard(server):
    with transaction(server.state.db) as session:
        make_admin(session, username="clerk", password="correct horse")
    client = signed_in(server.url, "clerk", "correct horse")
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "clerk" in page.text and "镇管理员" in page.text
    assert "操作记录" in page.text  # the town-only entry of the nav


def test_without_a_session_a_page_sends_to_the_sign_in_form(server):
    response = httpx.get(f"{server.url}/admin/audit?page=2")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/signin?next=%2Fadmin%2Faudit%3Fpage%3D2"


def test_a_wrong_password_is_refused(server):
    with transaction(server.state.db) as session:
        make_admin(session, username="clerk", password="correct horse")
    with httpx.Client(base_url=server.url) as client:
        response = sign_in(client, "clerk", "wrong")
        assert response.status_code == 401
        assert "用户名或密码不对" in response.text
        assert client.get("/admin/").status_code == 303
