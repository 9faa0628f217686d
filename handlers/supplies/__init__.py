"""物资申请: a household asks for supplies; its people accept, deliver or pass it up; the household confirms."""

from __future__ import annotations

from bot.dialogue import Command, Flow, Step
from bot.dialogue import texts as common  # the package's own texts module would shadow the name
from bot.dialogue.fields import parse_name, parse_phone, parse_village
from handlers.supplies import commands, lists, request, withdraw
from handlers.supplies.texts import LABELS, TEXT
from town import command

FLOW = Flow(
    name=request.FLOW_NAME,
    title=TEXT.title,
    entry_words=request.ENTRY_WORDS,
    entry_keys=("SUPPLIES",),
    entry_intents=("request_supplies",),
    steps=(
        Step("items", LABELS["items"], TEXT.ask_items, request.parse_items),
        Step("urgent", LABELS["urgent"], TEXT.ask_urgent, request.parse_urgent, skip=request.skip_urgent),
        Step("name", LABELS["name"], common.ASK_NAME, parse_name, recognisable=False),
        Step("phone", LABELS["phone"], common.ASK_PHONE, parse_phone),
        Step("village", LABELS["village"], common.ASK_VILLAGE, parse_village),
        Step("note", LABELS["note"], TEXT.ask_note, request.parse_note, skip=request.skip_note),
    ),
    summary=request.summary,
    finish=request.finish,
    prefill=request.prefill,
    also=request.also_asked,
)

# A flow with no questions, so that the menu's 我的申请 button can open it too.
MY_FLOW = Flow(
    name="my_supply_requests",
    title=TEXT.my_title,
    entry_words=("我的申请", "我的物资申请", "申请进度", "查申请"),
    entry_keys=("MY_REQUESTS",),
    steps=(),
    finish=lists.mine,
)

COMMANDS = (
    Command(
        name="supply_accept",
        pattern=commands.ACCEPT_PATTERN,
        run=commands.accept,
        help=TEXT.help_accept,
        help_roles=command.HELP_FOR[command.HANDLE_SUPPLY],
    ),
    Command(name="supply_deliver", pattern=commands.DELIVER_PATTERN, run=commands.deliver),
    Command(
        name="supply_refuse",
        pattern=commands.REFUSE_PATTERN,
        run=commands.refuse,
        help=TEXT.help_refuse,
        help_roles=command.HELP_FOR[command.HANDLE_SUPPLY],
    ),
    Command(name="supply_received", pattern=commands.RECEIVED_PATTERN, run=commands.received),
    Command(name="supply_withdraw", pattern=withdraw.WITHDRAW_PATTERN, run=withdraw.withdraw),
)
todo_lines = lists.todo_lines
