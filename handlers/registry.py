"""What the app factory registers with the dialogue engine: every flow, command, answer and account event."""

from dataclasses import replace

from bot.dialogue import Registry
from handlers import (
    account,
    cadre_binding,
    cadre_review,
    calls,
    checkin,
    checkpoint,
    dashboard,
    declare_return,
    events,
    faq,
    fever,
    full_text,
    my_info,
    query_risk,
    sampling,
    stats,
    subscription,
    supplies,
    todo,
    vaccination,
)
from handlers.menu import HELP_KEY

# In the order 帮助 lists them: the most urgent first, for a reader who stops after the first lines.
FLOWS = (
    replace(fever.MENU, hears=checkin.named_after_menu),  # fever's menu, answered as the check-in reads fevers
    declare_return.FLOW,
    supplies.FLOW,
    supplies.MY_FLOW,
    events.FLOW,
    vaccination.FLOW,
    faq.FLOW,
    my_info.FLOW,
    checkpoint.FLOW,
    fever.FLOW,
)
COMMANDS = (
    cadre_binding.COMMAND,
    cadre_binding.WECOM_COMMAND,
    *cadre_review.COMMANDS,
    *checkpoint.COMMANDS,
    *supplies.COMMANDS,
    todo.COMMAND,
    full_text.COMMAND,
    calls.COMMAND,
    dashboard.COMMAND,
    *sampling.COMMANDS,
    *fever.COMMANDS,
    faq.COMMAND,
    stats.COMMAND,
    *subscription.COMMANDS,
)
ANSWERS = (query_risk.ANSWER, checkin.ANSWER, faq.ANSWER)


def registry() -> Registry:
    """Everything the engine runs, in the order 帮助 lists it."""
    return Registry(flows=FLOWS, commands=COMMANDS, answers=ANSWERS, events=account.EVENTS, help_keys=(HELP_KEY,))
