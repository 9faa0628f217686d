"""发烧报告: anyone reports a fever or symptom; the village doctor hears at once, the sender learns what to do."""

from __future__ import annotations

from bot.dialogue import Command, Flow
from handlers.fever import followup
from handlers.fever.alert import advice, clinic, doctors, facts, send, told
from handlers.fever.more import FLOW, ask_more
from handlers.fever.report import add_to, alert_key, earlier_report, report, said_beside
from handlers.fever.texts import TEXT
from town import command

__all__ = [
    "COMMANDS", "FLOW", "MENU", "TEXT", "add_to", "advice", "alert_key", "ask_more", "clinic", "doctors",
    "earlier_report", "facts", "report", "said_beside", "send", "todo_lines", "told",
]  # fmt: skip

# The menu's 发烧报告 and the words typed for it: say what to send (the message itself is the report, read as any
# other). A reply that only names someone answers the question: its `hears` is the check-in's
# (handlers/registry.py), which reports a household under a measure through its check-in.
MENU = Flow(
    name="report_fever",
    title=TEXT.title,
    steps=(),
    finish=lambda ctx: TEXT.how,
    entry_words=("发烧报告", "发热报告", "发烧上报", "发热上报"),
    entry_keys=("FEVER",),
)

COMMANDS = (
    Command(
        name="fever_contacted",
        pattern=followup.CONTACTED_PATTERN,
        run=followup.contacted,
        help=TEXT.help_close,
        help_roles=command.HELP_FOR[command.FOLLOW_FEVER],
    ),
    Command(name="fever_handled", pattern=followup.HANDLED_PATTERN, run=followup.handled),
)
todo_lines = followup.todo_lines
