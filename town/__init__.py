"""The town's rules and who answers for what: the domain layer, below the chat and the jobs, above `models`.

Policy and classification, the official risk lists and re-classification, 四包一 and sampling rounds, daily
check-ins, supply routing and its ladder, checkpoints, and the chain of command. Its base is what every layer
above reads: the settings (`town.settings`) and the town's clock (`town.clock`). It imports only `models`.
"""
