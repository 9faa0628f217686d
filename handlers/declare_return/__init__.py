"""返乡报备: a returnee (or a family member for them) declares; the policy classifies; the village's cadres hear."""

from __future__ import annotations

from bot.dialogue import Context, Flow, Step
from bot.dialogue import texts as common  # the package's own texts module would shadow the name
from bot.dialogue.fields import parse_name, parse_phone, parse_village
from handlers.declare_return import abroad, answers, places
from handlers.declare_return.submit import facts, finish
from handlers.declare_return.texts import LABELS, TEXT


def _ask_name(ctx: Context) -> str:
    relation = ctx.slots.get("relation")
    return TEXT.ask_name_of.format(who=relation) if relation else common.ASK_NAME


def _ask_phone(ctx: Context) -> str:
    relation = ctx.slots.get("relation")
    return TEXT.ask_phone_of.format(who=relation) if relation else common.ASK_PHONE


def _parse_phone(text: str, ctx: Context):
    return answers.parse_phone_of(text, ctx) if ctx.slots.get("relation") else parse_phone(text, ctx)


def _declares(ctx: Context, text: str, understood) -> bool:
    """A return said beside a question (「刚从广州回来 用不用隔离啊」): a place and a day, not a place asked about."""
    found = {**understood.secondary, **understood.slots} if understood else {}
    return bool(found.get("origin") and found.get("date"))


def _summary(ctx: Context) -> str:
    return TEXT.summary.format(**facts(ctx))


FLOW = Flow(
    name="declare_return",
    title=TEXT.title,
    entry_words=("返乡报备", "我要报备", "报备"),
    entry_keys=("RETURN",),
    entry_intents=("declare_return",),
    steps=(
        Step("relation", LABELS["relation"], TEXT.ask_who, answers.parse_who, recognisable=False),
        Step("name", LABELS["name"], _ask_name, parse_name, recognisable=False),
        Step("phone", LABELS["phone"], _ask_phone, _parse_phone),
        Step(
            "id_number",
            LABELS["id_number"],
            answers.ask_id,
            answers.parse_id,
            skip=answers.skip_id,
            optional=answers.id_optional,
        ),
        Step("village", LABELS["village"], common.ASK_VILLAGE, parse_village),
        Step("origin", LABELS["origin"], places.ask_origin, places.parse_origin),
        Step(
            "street",
            LABELS["street"],
            places.ask_street,
            places.parse_street,
            skip=places.skip_street,
            recognisable=False,
        ),
        Step("arrived_on", LABELS["arrived_on"], answers.ask_arrived, answers.parse_arrived),
        Step(
            "entered_on",
            LABELS["entered_on"],
            abroad.ask_entered,
            abroad.parse_entered,
            skip=abroad.skip,
            optional=True,
        ),
        Step("port_city", LABELS["port_city"], abroad.ask_port, abroad.parse_port, skip=abroad.skip, optional=True),
        Step(
            "port_quarantine_days",
            LABELS["port_quarantine_days"],
            abroad.ask_port_days,
            abroad.parse_port_days,
            skip=abroad.skip,
            optional=True,
        ),
        Step("left_on", LABELS["left_on"], answers.ask_left, answers.parse_left, skip=answers.skip_left),
        Step("transport", LABELS["transport"], answers.ask_transport, answers.parse_transport),
        Step(
            "transport_detail",
            LABELS["transport_detail"],
            answers.ask_detail,
            answers.parse_detail,
            skip=answers.skip_detail,
        ),
        Step("health_code", LABELS["health_code"], answers.ask_code, answers.parse_code),
        Step("companions", LABELS["companions"], answers.ask_companions, answers.parse_companions, recognisable=False),
    ),
    summary=_summary,
    finish=finish,
    prefill=answers.prefill,
    reads=answers.trip_said,
    also=_declares,
    settles=("ask_policy", "query_risk"),
)
