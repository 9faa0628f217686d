"""统计: today's numbers for a cadre's jurisdiction (their villages, their work area, or the whole town)."""

from __future__ import annotations

import re

from bot.delivery.channels import unreachable_cadres
from bot.dialogue import Command, Context
from handlers.stats.texts import TEXT
from models.town import village_ids, work_areas_of
from town import command
from town import stats as figures
from town.clock import day, local

PATTERN = re.compile(r"^(?:今天的?|今日)?统计(?:一下|数据|数字)?[\s。.!！?？]*$")


def jurisdiction(ctx: Context) -> tuple[str, list[int]] | None:
    """What the cadre answers for (its name and villages): the town, their work areas, or their villages."""
    found = command.jurisdiction(ctx.sql, ctx.person.id)
    if found is None:
        return None
    kind, villages = found
    if kind == "town":
        return TEXT.town, village_ids(ctx.session)
    if kind == "work_areas":
        names, villages = work_areas_of(ctx.session, villages)
        return TEXT.separator.join(names), villages
    names = [ctx.villages.by_id(v).name for v in villages if ctx.villages.by_id(v)]
    return TEXT.separator.join(names), villages


def stats(ctx: Context, _match: re.Match | None = None) -> str:
    """The numbers, one line each; a polite refusal for someone holding no role."""
    found = jurisdiction(ctx)
    if found is None:
        return TEXT.cadres_only
    where, villages = found
    shown = local(ctx.now)
    today = shown.date()
    lines = [
        TEXT.header.format(where=where, date=day(today), time=shown.strftime("%H:%M")),
        figures.declarations(ctx, villages, today),
        figures.quarantines(ctx, villages, today),
        figures.supplies(ctx, villages),
        figures.checkins(ctx, villages, today),
        figures.fevers(ctx, villages, today),
        figures.events(ctx, villages, today),
        *figures.vaccines(ctx, villages),
        figures.open_questions(ctx, villages),
        *_unreachable(ctx, villages),
    ]
    return "\n".join(lines)


def _unreachable(ctx: Context, villages: list[int]) -> list[str]:
    """The cadres of these villages no channel reaches now, by name (nothing when all are reachable)."""
    cadres = unreachable_cadres(ctx.sql, ctx.settings, ctx.now, village_ids=villages)
    if not cadres:
        return []
    names = TEXT.separator.join(c.name or c.phone or TEXT.no_name for c in cadres)
    return [TEXT.unreachable.format(n=len(cadres), names=names)]


COMMAND = Command(name="stats", pattern=PATTERN, run=stats, help=TEXT.help)
