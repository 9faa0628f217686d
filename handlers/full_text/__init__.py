"""全文: a template message shows only 20 characters of each keyword; the reader gets the whole messages here."""

from __future__ import annotations

import datetime as dt
import re

from bot.dialogue import Command, Context
from handlers.full_text.texts import TEXT
from models.outbox import recent_templates
from town.clock import day_clock

PATTERN = re.compile(r"^(?:看|查看|要)?(?:全文|全部内容|完整内容|详情)[\s。.!！?？]*$")
SINCE = dt.timedelta(hours=48)
SHOWN = 5


def full_text(ctx: Context, _match: re.Match | None = None) -> str:
    """The newest messages this person received as templates, in full, oldest first."""
    rows = recent_templates(ctx.sql, openid=ctx.person.openid, since=ctx.now - SINCE, limit=SHOWN)
    if not rows:
        return TEXT.nothing
    shown = [TEXT.item.format(at=day_clock(at), text=text) for text, at in reversed(rows)]
    return TEXT.header + "\n\n".join(shown)


COMMAND = Command(name="full_text", pattern=PATTERN, run=full_text, help=TEXT.help)
