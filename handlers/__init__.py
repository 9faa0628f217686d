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

# In the order 帮助 lists them: the most urgent first, for a reader who stops after the first lines.
FLOWS = (
    fever.MENU,
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
