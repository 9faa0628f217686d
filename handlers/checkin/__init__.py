"""每日健康打卡: a household under a measure reports each person's temperature; fevers reach the doctor at once.

One answer for both intents: from a household under a measure, a normal report and a fever are both its check-in
(「我36.5，小明37.8」 is read person by person, whatever the NLU's one temperature says); from anyone else, a fever
is a fever report (handlers/fever) and a normal temperature needs no daily report.
"""

from __future__ import annotations

from bot.dialogue import Answer, Context, Outcome
from bot.nlu.health import SELF, Reading, named_alone, read, who
from handlers import fever
from handlers.checkin.record import aliases, record
from handlers.checkin.texts import TEXT
from town.checkins import households


def answer(ctx: Context, text: str, understood) -> Outcome:
    """A check-in for a household under a measure today; otherwise a fever report, or nothing needed."""
    day = ctx.today
    homes = households(ctx.session, day=day, account_id=ctx.person.id)
    if homes:
        return record(ctx, homes, text, day)
    if understood.intent == "report_fever" or any(r.fever for r in read(text)):
        return fever.report(ctx, text, understood)
    return TEXT.not_needed


def named_after_menu(ctx: Context, text: str, understood) -> Outcome | None:
    """发烧报告's 「是谁」 answered by naming someone alone (「我自己」「是俺娘」): that person is unwell, reported
    as any fever from this sender is (a household under a measure: in its check-in); None for any other reply."""
    named = named_alone(text)
    if named is None:
        return None
    homes = households(ctx.session, day=ctx.today, account_id=ctx.person.id)
    if homes:
        member = named if named == SELF else who(named, aliases(homes)) or named
        return record(ctx, homes, text, ctx.today, [Reading(member, symptoms=[fever.TEXT.unwell])])
    return fever.report(ctx, text, understood, readings=[Reading(named, symptoms=[fever.TEXT.unwell])])


ANSWER = Answer(
    name="checkin", intents=("health_checkin", "report_fever"), run=answer, aside=True, also=fever.said_beside
)
