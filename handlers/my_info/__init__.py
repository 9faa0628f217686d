"""我的信息: a villager tells us (or corrects) their name, phone and village."""

from __future__ import annotations

from bot.dialogue import Context, Flow, Step
from bot.dialogue import texts as common  # the package's own texts module would shadow the name
from bot.dialogue.fields import parse_name, parse_phone, parse_village, village_name
from bot.nlu.intents import says_new_phone
from handlers.my_info.texts import LABELS, TEXT
from models.cadre import held_roles
from models.person import update_profile
from town.posts import VILLAGE, scope_of


def _prefill(ctx: Context, first_text: str | None, restart: bool) -> dict:
    """Known profile facts are not asked again; 重新填写 asks them all."""
    if restart:
        return {}
    person = ctx.person
    known = {"name": person.name, "phone": person.phone, "village": person.village_id}
    if first_text and says_new_phone(first_text):  # 「俺换手机号了」: the new number is asked, or taken when said
        said = parse_phone(first_text, ctx)
        known["phone"] = said.value if said.ok else None
    return {k: v for k, v in known.items() if v}


def _serves_beyond_a_village(ctx: Context) -> bool:
    """The town command or a work-area lead with no village of their own: their village is not asked."""
    if ctx.person.village_id is not None:
        return False
    scopes = {scope_of(role) for role, _ in held_roles(ctx.sql, person_id=ctx.person.id)}
    return bool(scopes) and VILLAGE not in scopes


def _village(ctx: Context) -> str:
    village = ctx.slots.get("village")
    return village_name(ctx, village) if village else TEXT.no_village


def _summary(ctx: Context) -> str:
    slots = ctx.slots
    return TEXT.summary.format(name=slots["name"], phone=slots["phone"], village=_village(ctx))


def _finish(ctx: Context) -> str:
    slots = ctx.slots
    village = {"village_id": slots["village"]} if slots.get("village") else {}
    update_profile(ctx.sql, person=ctx.person, name=slots["name"], phone=slots["phone"], **village)
    return TEXT.saved.format(name=slots["name"], phone=slots["phone"], village=_village(ctx))


FLOW = Flow(
    name="my_info",
    title=TEXT.title,
    entry_words=("我的信息", "个人信息", "修改信息", "登记信息", "改信息"),
    entry_keys=("MY_INFO",),
    entry_intents=("new_phone",),
    steps=(
        Step("name", LABELS["name"], common.ASK_NAME, parse_name, recognisable=False),
        Step("phone", LABELS["phone"], common.ASK_PHONE, parse_phone),
        Step("village", LABELS["village"], common.ASK_VILLAGE, parse_village, skip=_serves_beyond_a_village),
    ),
    summary=_summary,
    finish=_finish,
    prefill=_prefill,
)
