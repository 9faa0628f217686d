"""What a checkpoint report sends: one alert per person, to the town command and, for someone under a measure, their
four; and who the reporter is told heard of it."""

from __future__ import annotations

import logging

from bot.dialogue import Context
from bot.dialogue.fields import village_name
from handlers.checkpoint.texts import CODES, TEXT
from models.cadre import Holder, held_roles
from models.care import care_holders
from models.checkpoint import CheckpointReport
from models.quarantine import CENTRAL, MONITOR
from town import command
from town.alerts import send_alert
from town.checkpoints import Watched
from town.clock import day, day_clock
from town.command import VILLAGE_CADRES
from town.texts import ROLE_NAMES

log = logging.getLogger(__name__)


def command_of(ctx: Context, village_id: int | None) -> list[Holder]:
    """The town command, and the work-area lead of the reporter's village."""
    leads = command.holders_at(ctx.sql, command.LEAD, village_id)
    return list({h.person_id: h for h in [*command.town_command(ctx.sql), *leads]}.values())


def reporter(ctx: Context, village_id: int | None) -> str:
    held = [role for role, _ in held_roles(ctx.sql, person_id=ctx.person.id) if role in command.CHECKPOINT_STAFF]
    who = village_name(ctx, village_id) + (ROLE_NAMES[held[0]] if held else "") + (ctx.person.name or "")
    return who + (TEXT.reporter_phone.format(phone=ctx.person.phone) if ctx.person.phone else "")


def report_text(ctx: Context, report: CheckpointReport, declaration) -> str:
    known = [
        TEXT.people.format(n=report.people) if report.people else "",
        TEXT.from_place.format(origin=report.origin) if report.origin else "",
        CODES.get(report.health_code, ""),
        TEXT.plate.format(plate=report.plate) if report.plate else "",
    ]
    who = " ".join(v for v in (report.name, report.phone) if v)
    if declaration is not None:
        village = village_name(ctx, declaration.village_id)
        found = TEXT.declared.format(name=declaration.name, village=village, arrived=day(declaration.arrived_on))
    else:
        found = TEXT.undeclared if who or report.plate else ""
    return TEXT.alert.format(
        reporter=reporter(ctx, report.village_id),
        what=report.text,
        known=TEXT.separator.join(part for part in known if part) or TEXT.unknown,
        action=report.action or TEXT.unknown,
        person=(TEXT.alert_person.format(who=who) if who else "") + found,
        time=day_clock(ctx.now),
    )


def recipients(ctx: Context, report: CheckpointReport, watched: Watched | None) -> list[Holder]:
    """The town command (and the reporter's work-area lead); for someone under a measure, their four too."""
    found = command_of(ctx, report.village_id)
    if watched is not None:
        quarantine = watched.quarantine
        four = care_holders(ctx.sql, quarantine_id=quarantine.id)
        # Central isolation has no four (the site runs it), nor a household nobody took yet: its village's cadres.
        near = four or command.responsible(ctx.sql, village_id=quarantine.village_id, roles=VILLAGE_CADRES)
        found = [*near, *found]
    return list({h.person_id: h for h in found}.values())


def measure_line(watched: Watched) -> str:
    q, d = watched.quarantine, watched.declaration
    line = TEXT.measure_line.format(
        name=d.name, phone=d.phone, village=watched.village, kind=q.kind, start=day(q.start_on), end=day(q.end_on)
    )
    advice = {CENTRAL: TEXT.measure_advice_central, MONITOR: TEXT.measure_advice_monitor}
    return line + advice.get(q.kind, TEXT.measure_advice)


def sighting_text(ctx: Context, report: CheckpointReport, watched: Watched, who: str) -> str:
    """The alert for a plain sighting of someone under a measure."""
    return TEXT.watched_alert.format(
        reporter=reporter(ctx, report.village_id), who=who, measure=measure_line(watched), time=day_clock(ctx.now)
    )


def alert(ctx: Context, report: CheckpointReport, text: str, watched: Watched | None) -> list[Holder]:
    """Queue one alert per person (never the reporter); those it was queued for."""
    everyone = recipients(ctx, report, watched)
    others = [h for h in everyone if h.person_id != ctx.person.id]
    for holder in others:
        key = f"checkpoint:{report.id}:alert:{holder.person_id}"
        send_alert(
            ctx.sql, key=key, recipient_openid=holder.openid, text=text, now=ctx.now, origin_openid=ctx.person.openid
        )
    if not everyone:
        log.warning("checkpoint report %s alerts no one: nobody is bound as the town command", report.id)
    return others


def told(holders: list[Holder]) -> str:
    """村干部刘支书、镇指挥部周指挥: who the reporter can count on to have the message."""
    return TEXT.told_separator.join(ROLE_NAMES[h.role] + (h.name or "") for h in holders)
