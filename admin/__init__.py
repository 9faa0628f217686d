"""The operators' side, the top layer beside `main.py`: the command line's commands and the 台账 export.

It may import every layer below it (`handlers`, `broadcasts`, `bot`, `town`, `models`); nothing imports it.
"""
