"""The dialogue engine: flows declared as state tables, state kept per openid in the database."""

from bot.dialogue.engine import Engine
from bot.dialogue.flow import Context, Flow, Parsed, Step, VillageRef, accept, reask

__all__ = ["Context", "Engine", "Flow", "Parsed", "Step", "VillageRef", "accept", "reask"]
