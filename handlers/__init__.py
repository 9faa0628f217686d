"""One module per thing a person can do in the chat; FLOWS, COMMANDS and ANSWERS are what the engine runs."""

from handlers import (
    cadre_binding,
    cadre_review,
    checkin,
    checkpoint,
    declare_return,
    events,
    faq,
    fever,
    my_info,
    query_risk,
    sampling,
    stats,
    subscription,
    supplies,
    todo,
    vaccination,
)

FLOWS = (
    my_info.FLOW,
    declare_return.FLOW,
    checkpoint.FLOW,
    events.FLOW,
    supplies.FLOW,
    supplies.MY_FLOW,
    vaccination.FLOW,
    faq.FLOW,
    fever.MENU,
    fever.FLOW,
)
COMMANDS = (
    cadre_binding.COMMAND,
    *cadre_review.COMMANDS,
    *checkpoint.COMMANDS,
    *supplies.COMMANDS,
    todo.COMMAND,
    *sampling.COMMANDS,
    faq.COMMAND,
    stats.COMMAND,
    *subscription.COMMANDS,
)
ANSWERS = (query_risk.ANSWER, checkin.ANSWER, faq.ANSWER)
