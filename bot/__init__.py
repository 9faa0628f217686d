"""The chat machinery: webhook and protocol, the inbox, the dialogue engine, the NLU, WeChat delivery, the
simulator.

Below `handlers` and `broadcasts`, above the town's rules: it imports only `town` and `models`. Handlers reach the
engine through the registry `main.py` gives it (`bot.dialogue.Registry`), so nothing here imports a handler.
"""
