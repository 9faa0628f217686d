"""退订 / 订阅: a villager stops or restarts announcements and the daily risk list (care messages never stop)."""

from __future__ import annotations

import re

from bot.dialogue import Context
from bot.dialogue.flow import Command
from handlers.subscription.texts import TEXT
from models.person import set_opt_outs

_END = r"[\s。.!！?？]*$"
STOP = re.compile(r"^(?:我要|我想)?(?:退订|取消订阅|不要再发|别再发)(通知|名单|风险名单)?" + _END)
START = re.compile(r"^(?:我要|我想)?(?:订阅|重新订阅|恢复订阅)(通知|名单|风险名单)?" + _END)


def _columns(which: str | None) -> tuple[tuple[str, ...], str]:
    """The opt-out flags 退订/订阅 touches: both, or only 通知 / 名单 when the person named one."""
    if which == "通知":
        return ("announcements_opted_out",), TEXT.announcements
    if which in ("名单", "风险名单"):
        return ("risk_list_opted_out",), TEXT.risk_list
    return ("announcements_opted_out", "risk_list_opted_out"), TEXT.both


def _set(ctx: Context, which: str | None, opted_out: bool) -> str:
    columns, what = _columns(which)
    set_opt_outs(ctx.sql, person_id=ctx.person.id, columns=columns, opted_out=opted_out)
    return what


def stop(ctx: Context, match: re.Match) -> str:
    """Opt out at once; say plainly what keeps coming and how to come back."""
    return TEXT.stopped.format(what=_set(ctx, match.group(1), True))


def start(ctx: Context, match: re.Match) -> str:
    """Opt back in."""
    return TEXT.started.format(what=_set(ctx, match.group(1), False))


COMMANDS = (Command(name="unsubscribe", pattern=STOP, run=stop), Command(name="subscribe", pattern=START, run=start))
