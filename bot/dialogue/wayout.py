"""A way out of a question a person cannot answer: the village cadre to phone instead, and 「取消」."""

from __future__ import annotations

from bot.dialogue import texts, words
from bot.dialogue.flow import Context, Step
from town.alerts import who_is
from town.command import holders_at, next_up

VILLAGE_CADRE = "village_cadre"
# In the stored slots: per step, the last re-ask and how often in a row; the steps whose way out was given.
TRIES, WAYS_OUT = "_tries", "_ways_out"


def after_miss(ctx: Context, slots: dict, step: Step, text: str, reask: str) -> str:
    """A reply that is no answer to a required step: asked again, or after 「不知道」 or a second miss a way out.

    Never the same words a third time: after the way out, a miss alternates the re-ask and a shorter way out.
    """
    cannot = words.dont_know(text)
    tries = slots.setdefault(TRIES, {})
    last, times = tries.get(step.slot) or ("", 0)
    times = 0 if cannot else times + 1 if reask == last else 1
    given = slots.setdefault(WAYS_OUT, [])
    again = step.slot in given
    tries[step.slot] = (reask, 0 if times > 1 and again else times)
    if not again and times != 1:
        given.append(step.slot)
    return reask if times == 1 else reply(ctx, step, reask, again=again)


def missed_twice(slots: dict, step: Step, reask: str) -> bool:
    """An optional item missed a second time in a row (it is then left empty rather than asked a third time)."""
    tries = slots.setdefault(TRIES, {})
    times = (tries.get(step.slot) or ("", 0))[1] + 1
    tries[step.slot] = (reask, times)
    return times >= 2


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


def reply(ctx: Context, step: Step, reask: str | None, *, again: bool) -> str:
    """Kindly: the item is needed, a person to phone instead, 「取消」 or a later answer; then in other words.

    The first time, what the question wants (`reask`) comes first.
    """
    found = contact(ctx)
    call = texts.WAY_OUT_CALL.format(who=found[0], phone=found[1]) if found else texts.WAY_OUT_CALL_NOBODY
    said = (texts.WAY_OUT_AGAIN if again else texts.WAY_OUT).format(label=step.label, call=call)
    return f"{reask}\n{said}" if reask and not again else said
