"""后台密码: a bound cadre asks for a one-time link to set their own dashboard user name and password.

The link holds a token kept only as its hash, valid for ADMIN_PASSWORD_LINK_MIN minutes and used once; what the
account then sees comes from the roles the cadre holds at each request, never from the link.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.dialogue import Command, Context
from handlers.dashboard.texts import TEXT
from models.admin_session import PASSWORD_LINK, issue_token
from models.cadre import held_roles

PATTERN = re.compile(r"^\s*(?:设置|重设|修改)?后台(?:密码|账号|帐号|登录)\s*[。.!！]?\s*$")
LINK_PATH, SIGNIN_PATH = "/admin/password/", "/admin/signin"


def password_link(ctx: Context, _match: re.Match) -> str:
    """A cadre's one-time link; a kind no to anyone else."""
    if not held_roles(ctx.sql, person_id=ctx.person.id):
        return TEXT.cadres_only
    minutes = ctx.settings.admin_password_link_min
    token = issue_token(
        ctx.session, kind=PASSWORD_LINK, now=ctx.now, ttl=dt.timedelta(minutes=minutes), person_id=ctx.person.id
    )
    base = site_url(ctx.settings)
    return TEXT.link.format(minutes=f"{minutes:g}", url=base + LINK_PATH + token, signin=base + SIGNIN_PATH)


def site_url(settings) -> str:
    """Where people reach the service: PUBLIC_URL, else the address it serves on."""
    return settings.public_url.rstrip("/") if settings.public_url else f"http://{settings.host}:{settings.port}"


COMMAND = Command(name="dashboard_password", pattern=PATTERN, run=password_link, help=TEXT.help)
