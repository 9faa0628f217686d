"""One module per thing a person can do in the chat; `handlers.registry` declares them all to the engine.

A handler reads and writes through `models` and asks the town's rules (`town`) and the chat's tools (`bot`); it never
parses XML, calls WeChat, or imports a scheduled job (`broadcasts`).
"""
