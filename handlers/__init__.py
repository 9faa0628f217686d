"""One module per thing a person can do in the chat; FLOWS is what the engine runs."""

from handlers import my_info

FLOWS = (my_info.FLOW,)
