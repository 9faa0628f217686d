"""A way out of a question a person cannot answer: the village cadre to phone instead, and 「取消」."""

from __future__ import annotations

from bot.dialogue import texts
from bot.dialogue.flow import Context, Step
from town.alerts import who_is
from town.command import holders_at, next_up

VILLAGE_CADRE = "village_cadre"


def contact(ctx: Context) -> tuple[str, str] | None:
    """Who to phone and their number: the village's cadre (the form's village, else the person's), else above."""
    village = ctx.slots.get("village")
    village = village if isinstance(village, int) else ctx.person.village_id
    if village is not None:
        found = next((h for h in holders_at(ctx.sql, VILLAGE_CADRE, village) if h.phone), None)
        if found is not None:
            return who_is(ctx.sql, found.openid)[0], found.phone
    above = next_up(ctx.sql, ctx.person.openid)
    who, phone = who_is(ctx.sql, above) if above else (None, None)
    return (who, phone) if who and phone else None


def reply(ctx: Context, step: Step, reask: str, *, again: bool) -> str:
    """Kindly: what is needed, a person to phone instead, and 「取消」 or a later answer; then other words."""
    found = contact(ctx)
    call = texts.WAY_OUT_CALL.format(who=found[0], phone=found[1]) if found else texts.WAY_OUT_CALL_NOBODY
    template = texts.WAY_OUT_AGAIN if again else texts.WAY_OUT
    return template.format(label=step.label, call=call, again=reask)
