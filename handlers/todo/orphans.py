"""Households nobody cares for in some place of their 四包一: a 待办 line for whoever can find that person."""

from __future__ import annotations

from bot.dialogue import Context
from bot.dialogue.tasks import Task
from handlers.todo.texts import TEXT
from models.cadre import held_roles
from models.care import roles_now
from models.quarantine import active_households
from town import command
from town.care.four import place_name, places


def _villages(ctx: Context) -> list[int] | None:
    """Where this person arranges people: the town (None), a lead's work areas, or a village cadre's own villages."""
    held = held_roles(ctx.sql, person_id=ctx.person.id)
    if any(role in command.LEADS for role, _ in held):
        return command.villages_answered(ctx.session, ctx.sql, ctx.person.id)
    return list(dict.fromkeys(village for role, village in held if role in command.VILLAGE_CADRES))


def todo_lines(ctx: Context) -> list[Task]:
    """Each household under a measure with an empty place nobody holds: who is missing, and how to fill it."""
    villages = _villages(ctx)
    if villages == []:
        return []
    homes = active_households(ctx.session, village_ids=villages)
    held = roles_now(ctx.sql, quarantine_ids=[quarantine.id for quarantine, _, _ in homes])
    tasks = []
    for quarantine, name, village in homes:
        taken = held.get(quarantine.id, set())
        missing = [roles for roles in places(quarantine) if not taken & set(roles)]
        if missing:
            who = TEXT.orphan_separator.join(place_name(roles) for roles in missing)
            text = TEXT.orphan.format(name=name, village=village, number=quarantine.declaration_id, missing=who)
            tasks.append(Task(text))
    return tasks
