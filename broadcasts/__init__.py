"""The scheduler and its jobs, and what they send: announcements, the risk-list push and fetch, the evening brief,
care reminders and supply escalation.

Beside `handlers`, never importing it: a job reads the town's rules (`town`), sends through `bot.delivery` and
stores through `models`. Each job's wording is in the `texts.py` beside it.
"""
