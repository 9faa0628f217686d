"""The dialogue engine: flows declared as state tables, state kept per openid in the database."""

from bot.dialogue.engine import Engine
from bot.dialogue.flow import Answer, Command, Context, Flow, Parsed, Step, Then, VillageRef, accept, reask

__all__ = ["Answer", "Command", "Context", "Engine", "Flow", "Parsed", "Step", "Then", "VillageRef", "accept", "reask"]
