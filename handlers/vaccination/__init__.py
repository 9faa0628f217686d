"""疫苗登记: doses per person or household member, the age group from the ID number (or asked), one row each."""

from __future__ import annotations

import datetime as dt

from bot.dialogue import Context, Flow, Outcome, Parsed, Step, Then, accept, reask, words
from bot.dialogue import texts as common
from bot.dialogue.fields import parse_name, parse_village, village_name
from bot.nlu.dates import find_date
from handlers.vaccination import reading
from handlers.vaccination.texts import LABELS, TEXT
from models.person import update_profile
from models.vaccination import Vaccination, save_vaccination, vaccination_by_id_number, vaccination_by_name
from town.clock import day
from town.vaccination.texts import AGE_GROUPS, UNKNOWN_GROUP

# Bookkeeping slots: a household registered one member after another.
HOUSEHOLD, INDEX, QUEUE, ALL_DOSES = "_household", "_index", "_queue", "_doses_all"
SELF, OWN_NAME = "_self", "_own_name"  # the member is the sender; the sender's own name is being asked
_FINISHED = ("打完", "全程", "都打了", "打过了", "已经打了", "接种完")
_FORGOT = ("不记得", "忘了", "记不清", "不知道", "不清楚", "想不起")
_SKIP = ("跳过", "不方便", "没带", "不知道", "不记得", "以后", "没有")


def who(ctx: Context) -> str:
    return TEXT.you if ctx.slots.get(SELF) else ctx.slots.get("name", TEXT.you)


def whose(ctx: Context) -> str:
    return TEXT.yours if ctx.slots.get(SELF) else TEXT.his.format(who=who(ctx))


def ask_name(ctx: Context) -> str:
    slots = ctx.slots
    if slots.get(OWN_NAME):
        return common.ASK_NAME
    if slots.get(HOUSEHOLD):
        index = slots.get(INDEX, 1)
        first = index == 1 and not slots.get(QUEUE)
        return TEXT.ask_member.format(count=slots[HOUSEHOLD]) if first else TEXT.ask_next.format(n=index)
    return TEXT.ask_who


def parse_who(text: str, ctx: Context) -> Parsed:
    """「自己」, a name, or several (「李秀英、王小明」: registered one after another), or 「俺家三口」."""
    slots = ctx.slots
    if slots.get(OWN_NAME):
        parsed = parse_name(text, ctx)
        return Parsed(value=parsed.value, memo={OWN_NAME: False, SELF: True}) if parsed.ok else parsed
    if not slots.get(HOUSEHOLD) and (count := reading.household_size(text)):
        return reask(TEXT.ask_member.format(count=count), **{HOUSEHOLD: count, INDEX: 1})
    people = [reading.SELF] if reading.is_self(text) else reading.people_in(text)
    if not people:
        return reask(TEXT.who_again)
    memo = {}
    if len(people) > 1 and not slots.get(QUEUE):
        index = slots.get(INDEX, 1)
        memo = {HOUSEHOLD: max(slots.get(HOUSEHOLD) or 0, index - 1 + len(people)), INDEX: index, QUEUE: people[1:]}
    return _member(ctx, people[0], memo)


def _member(ctx: Context, name: str, memo: dict) -> Parsed:
    if name != reading.SELF:
        return Parsed(value=name, memo={**memo, SELF: False})
    if ctx.person.name:
        return Parsed(value=ctx.person.name, memo={**memo, SELF: True})
    return reask(common.ASK_NAME, **memo, **{OWN_NAME: True})


def ask_doses(ctx: Context) -> str:
    return TEXT.ask_doses.format(who=who(ctx))


def parse_doses(text: str, ctx: Context) -> Parsed:
    doses = reading.doses_in(text)
    if doses is None:
        finished = not ctx.correcting and any(word in words.bare(text) for word in _FINISHED)
        return reask(TEXT.doses_total if finished else TEXT.doses_again)
    return accept(doses) if 0 <= doses <= 4 else reask(TEXT.doses_again)


def ask_last(ctx: Context) -> str:
    return TEXT.ask_last.format(who=who(ctx))


def skip_last(ctx: Context) -> bool:
    return ctx.slots.get("doses") == 0


def parse_last(text: str, ctx: Context) -> Parsed:
    said = words.bare(text)
    if not ctx.correcting and any(word in said for word in _FORGOT):
        return accept(None)
    date = find_date(said, ctx.today)
    if date is None:
        return reask(TEXT.last_again)
    return accept(date.isoformat()) if date <= ctx.today else reask(TEXT.last_future)


def ask_id(ctx: Context) -> str:
    return TEXT.ask_id.format(whose=whose(ctx))


def parse_id(text: str, ctx: Context) -> Parsed:
    number, valid = reading.valid_id(text)
    if number is not None:
        return accept(number) if valid else reask(TEXT.id_checksum)
    if not ctx.correcting and any(word in words.bare(text) for word in _SKIP):
        return accept(None)
    return reask(TEXT.id_again)


def ask_age(ctx: Context) -> str:
    return TEXT.ask_age.format(who=who(ctx))


def skip_age(ctx: Context) -> bool:
    return bool(ctx.slots.get("id_number"))


def parse_age(text: str, ctx: Context) -> Parsed:
    group = reading.group_of_answer(text)
    return accept(group) if group else reask(TEXT.age_again)


def group(ctx: Context) -> str | None:
    """The age group today: from the ID number when there is one, else as asked."""
    number = ctx.slots.get("id_number")
    return reading.group_of_id(number, ctx.today) if number else ctx.slots.get("age_group")


def _doses(doses: int) -> str:
    return TEXT.doses.format(n=doses) if doses else TEXT.no_doses


def _last(ctx: Context) -> str:
    if ctx.slots.get("doses") == 0:
        return TEXT.none
    value = ctx.slots.get("last_dose_on")
    return day(dt.date.fromisoformat(value)) if value else TEXT.unknown


def summary(ctx: Context) -> str:
    s = ctx.slots
    return TEXT.summary.format(
        name=s["name"],
        doses=_doses(s["doses"]),
        last=_last(ctx),
        id_number=s.get("id_number") or TEXT.not_given,
        group=AGE_GROUPS.get(group(ctx), UNKNOWN_GROUP),
        village=village_name(ctx, s["village"]),
    )


def prefill(ctx: Context, first_text: str | None, restart: bool) -> dict:
    """The village from the profile; from the first message, whose doses (oneself, a household) and how many."""
    slots = {"village": ctx.person.village_id} if ctx.person.village_id else {}
    said = words.without_request_fillers(words.bare(first_text or ""))
    if restart or not said or any(said == words.without_request_fillers(w) for w in FLOW_WORDS):
        return slots
    doses = reading.doses_in(first_text)
    if doses is not None:
        slots["doses"] = doses
    if count := reading.household_size(first_text):
        slots.update({HOUSEHOLD: count, INDEX: 1})
        if doses is not None:
            slots[ALL_DOSES] = doses
    elif reading.speaks_for_self(first_text) or doses is not None:
        parsed = _member(ctx, reading.SELF, {})
        slots.update(parsed.memo)
        if parsed.ok:
            slots["name"] = parsed.value
    return slots


def _existing(ctx: Context) -> Vaccination | None:
    """The same person's row: the same ID number, else the same name from this sender in this village."""
    s = ctx.slots
    if s.get("id_number"):
        found = vaccination_by_id_number(ctx.session, id_number=s["id_number"])
        if found is not None:
            return found
    return vaccination_by_name(
        ctx.session, person_id=ctx.person.id, village_id=s["village"], name=s["name"], id_number=s.get("id_number")
    )


def _store(ctx: Context) -> bool:
    """Insert the row, or update the same person's; True when it was an update."""
    s = ctx.slots
    found = _existing(ctx)
    row = found or Vaccination(person_id=ctx.person.id, name=s["name"], created_at=ctx.now)
    last = s.get("last_dose_on")
    row.sqlmodel_update(
        {
            "village_id": s["village"],
            "name": s["name"],
            "id_number": s.get("id_number") or row.id_number,
            "age_group": group(ctx) or row.age_group,
            "doses": s["doses"],
            "last_dose_on": dt.date.fromisoformat(last) if last else (row.last_dose_on if s["doses"] else None),
            "updated_at": ctx.now if found else None,
        }
    )
    save_vaccination(ctx.session, row=row)
    return found is not None


def finish(ctx: Context) -> Outcome:
    """Store (or update) the person's row; go on to the household's next member, if any."""
    s = ctx.slots
    updated = _store(ctx)
    own = {"name": s["name"]} if s.get(SELF) and not ctx.person.name else {}
    if not ctx.person.village_id:
        own["village_id"] = s["village"]
    if own:
        update_profile(ctx.sql, person=ctx.person, **own)
    last = TEXT.last_on.format(date=day(dt.date.fromisoformat(s["last_dose_on"]))) if s.get("last_dose_on") else ""
    shown = {"name": s["name"], "doses": _doses(s["doses"]), "last": last}
    reply = (TEXT.updated if updated else TEXT.done).format(group=AGE_GROUPS.get(group(ctx), UNKNOWN_GROUP), **shown)
    reply += TEXT.none_yet if s["doses"] == 0 else TEXT.not_finished if s["doses"] == 1 else ""
    following = _next_member(ctx)
    if following is not None:
        return Then(reply + TEXT.next, FLOW.name, following, sep="")
    return reply + (TEXT.all_done.format(count=s[HOUSEHOLD]) if s.get(HOUSEHOLD) else "")


def _next_member(ctx: Context) -> dict | None:
    """What is known of the household's next member (the engine then asks what is not), or None after the last."""
    s = ctx.slots
    count, index = s.get(HOUSEHOLD), s.get(INDEX, 1)
    if not count or index >= count:
        return None
    slots = {"village": s["village"], HOUSEHOLD: count, INDEX: index + 1}
    if ALL_DOSES in s:
        slots.update({ALL_DOSES: s[ALL_DOSES], "doses": s[ALL_DOSES]})
    queue = list(s.get(QUEUE) or [])
    ctx.slots = slots
    if queue:
        slots[QUEUE] = queue[1:]
        parsed = _member(ctx, queue[0], {})
        slots.update(parsed.memo)
        if parsed.ok:
            slots["name"] = parsed.value
    return slots


FLOW_WORDS = ("疫苗登记", "疫苗接种", "接种登记", "疫苗报备", "疫苗")
FLOW = Flow(
    name="report_vaccination",
    title=TEXT.title,
    entry_words=FLOW_WORDS,
    entry_keys=("VACCINATION",),
    entry_intents=("report_vaccination",),
    steps=(
        Step("name", LABELS["name"], ask_name, parse_who, recognisable=False),
        Step("doses", LABELS["doses"], ask_doses, parse_doses),
        Step("last_dose_on", LABELS["last_dose_on"], ask_last, parse_last, skip=skip_last),
        Step("id_number", LABELS["id_number"], ask_id, parse_id),
        Step("age_group", LABELS["age_group"], ask_age, parse_age, skip=skip_age),
        Step("village", LABELS["village"], common.ASK_VILLAGE, parse_village),
    ),
    summary=summary,
    finish=finish,
    prefill=prefill,
)
