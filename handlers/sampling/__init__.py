"""采样 N 完成 / 采样 N 未完成 原因: the household's four (or a cadre of its village) record a sampling round."""

from __future__ import annotations

import datetime as dt
import re

from bot.dialogue import Command, Context
from bot.dialogue.tasks import NUMBER, Task, task_number
from handlers.sampling.texts import TEXT
from models.cadre import held_roles
from models.care import (
    MISSED,
    SamplingRound,
    active_care_of,
    cares_for,
    mark_round_done,
    mark_round_not_done,
    open_rounds_of,
    reload_round,
    rounds_of,
    sampling_round,
    successor_round,
)
from models.person import name_of
from models.quarantine import ACTIVE, Quarantine, quarantine_by_id
from models.town import village_name
from town import command
from town.care.household import home_of
from town.care.rounds import escalate, made_up, ordinal
from town.clock import day, local, today

WHAT_DONE, WHAT_NOT_DONE = TEXT.what_done, TEXT.what_not_done
DONE_PATTERN = re.compile(rf"^采样\s*(?:编号)?\s*{NUMBER}\s*号?\s*(?:已经?)?(?:完成|做完|采完)了?\s*[。.!！]*$")
NOT_DONE_PATTERN = re.compile(
    rf"^采样\s*(?:编号)?\s*{NUMBER}\s*号?\s*(?:未完成|没完成|没有完成|没采成?|没做|未采)(.*)$", re.S
)
# The engine reads commands NFKC-normalised: give the reason back its Chinese punctuation.
_FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"})
_REASON_LEAD = re.compile(r"^[\s,，:：;；。.、]*(原因|理由|因为)?[\s,，:：;；。.、]*")


def _done(ctx: Context, match: re.Match) -> str:
    found, refusal = _round(ctx, task_number(match.group(1)), WHAT_DONE, match.group(1))
    if refusal:
        return refusal
    sampling, quarantine = found
    if not mark_round_done(ctx.sql, sampling_id=sampling.id, person_id=ctx.person.id, now=ctx.now):
        return _already(ctx, sampling)
    home = home_of(ctx.session, ctx.sql, quarantine)
    facts = _facts(ctx, home, sampling)
    if sampling.escalated_at is not None:
        made_up(ctx.session, ctx.sql, home, sampling, who=_who(ctx), by=ctx.person.id, now=ctx.now)
        return TEXT.made_up.format(**facts)
    return TEXT.done.format(**facts)


def _not_done(ctx: Context, match: re.Match) -> str:
    number = task_number(match.group(1))
    found, refusal = _round(ctx, number, WHAT_NOT_DONE, match.group(1))
    if refusal:
        return refusal
    reason = _REASON_LEAD.sub("", match.group(2)).strip().translate(_FULL_WIDTH)[:500]
    if not reason:
        return TEXT.need_reason.format(id=number)
    sampling, quarantine = found
    if not mark_round_not_done(ctx.sql, sampling_id=sampling.id, note=reason, now=ctx.now):
        return _already(ctx, sampling)
    home = home_of(ctx.session, ctx.sql, quarantine)
    escalate(ctx.session, ctx.sql, home, sampling, who=_who(ctx), reason=reason, now=ctx.now)
    return TEXT.not_done.format(reason=reason, **_facts(ctx, home, sampling))


def _round(ctx: Context, number: int | None, what: str, typed: str) -> tuple[tuple | None, str | None]:
    """The round and its quarantine, or the reply refusing the command."""
    sampling = sampling_round(ctx.session, sampling_id=number) if number is not None else None
    roles = held_roles(ctx.sql, person_id=ctx.person.id)
    quarantine = quarantine_by_id(ctx.session, quarantine_id=sampling.quarantine_id) if sampling else None
    if sampling is None:
        return None, TEXT.not_found.format(id=typed if number is None else number) if roles else TEXT.carers_only
    # One of the household's four (released ones too: they are told where the round went), or a village cadre.
    allowed = cares_for(ctx.sql, quarantine_id=quarantine.id, person_id=ctx.person.id) or command.may(
        ctx.sql, command.RECORD_SAMPLING, person_id=ctx.person.id, village_id=quarantine.village_id
    )
    if not allowed:
        if not roles:
            return None, TEXT.carers_only
        return None, TEXT.not_yours.format(id=number, village=village_name(ctx.sql, village_id=quarantine.village_id))
    if quarantine.status != ACTIVE:
        return None, _elsewhere(ctx, sampling, quarantine, what)
    if sampling.day > today(ctx.now):
        return None, TEXT.too_early.format(id=number, date=day(sampling.day))
    return (sampling, quarantine), None


def _elsewhere(ctx: Context, sampling: SamplingRound, quarantine: Quarantine, what: str) -> str:
    """A round of a replaced record: the same day's round of the record in force, if there is one."""
    successor = successor_round(ctx.session, declaration_id=quarantine.declaration_id, day=sampling.day)
    if successor is not None:
        return TEXT.moved.format(new=successor, what=what)
    name = home_of(ctx.session, ctx.sql, quarantine).declaration.name
    return TEXT.over.format(id=sampling.id, name=name)


def _already(ctx: Context, sampling: SamplingRound) -> str:
    reload_round(ctx.session, sampling=sampling)
    who = TEXT.you if sampling.done_by_person_id == ctx.person.id else _name(ctx, sampling.done_by_person_id)
    return TEXT.already.format(id=sampling.id, who=who, at=_when(sampling.done_at))


def _when(at: dt.datetime | None) -> str:
    """8月8日10:20, in the town's time (SQLite gives the stored UTC back without its zone)."""
    if at is None:
        return ""
    moment = local(at if at.tzinfo else at.replace(tzinfo=dt.UTC))
    return f"{day(moment.date())}{moment:%H:%M}"


def _name(ctx: Context, person_id: int | None) -> str:
    return name_of(ctx.sql, person_id=person_id) or TEXT.someone


def _who(ctx: Context) -> str:
    return ctx.person.name or TEXT.someone


def _facts(ctx: Context, home, sampling: SamplingRound) -> dict:
    later = [r.day for r in rounds_of(ctx.session, quarantine_id=sampling.quarantine_id) if r.day > sampling.day]
    nxt = TEXT.next.format(date=day(later[0])) if later else TEXT.last
    return {
        **home.facts(), "id": sampling.id, "date": day(sampling.day), "ordinal": ordinal(ctx.session, sampling),
        "next": nxt,
    }  # fmt: skip


def todo_lines(ctx: Context) -> list[Task]:
    """This person's rounds (a 待办 source): the doctor's today and tomorrow, and missed ones (urgent) for the cadres
    too."""
    mine: dict[int, set[str]] = {}
    for quarantine_id, role in active_care_of(ctx.sql, person_id=ctx.person.id):
        mine.setdefault(quarantine_id, set()).add(role)
    if not mine:
        return []
    current = today(ctx.now)
    rows = open_rounds_of(ctx.session, quarantine_ids=list(mine), through=current + dt.timedelta(days=1))
    lines = []
    for sampling, quarantine in rows:
        line = _todo_line(ctx, sampling, quarantine, mine[quarantine.id], current)
        if line:
            lines.append(line)
    return lines


def _todo_line(ctx: Context, sampling: SamplingRound, quarantine: Quarantine, roles: set[str], current) -> Task | None:
    late = sampling.status == MISSED or sampling.day < current
    # A round still to come is the doctor's; the cadres of the four see it once it is missed.
    if not (roles & set(command.VILLAGE_TEAM) if late else "village_doctor" in roles):
        return None
    home = home_of(ctx.session, ctx.sql, quarantine)
    if late:
        state = TEXT.todo_missed + (TEXT.todo_reason.format(reason=sampling.note) if sampling.note else "")
        hint = TEXT.todo_hint_missed.format(id=sampling.id)
    else:
        state = TEXT.todo_today if sampling.day == current else TEXT.todo_tomorrow
        hint = TEXT.todo_hint.format(id=sampling.id)
    text = TEXT.todo_line.format(
        id=sampling.id, date=day(sampling.day), ordinal=ordinal(ctx.session, sampling), state=state, hint=hint,
        **home.facts(),
    )  # fmt: skip
    return Task(text, urgent=late)


COMMANDS = (
    Command(
        name="sampling_done",
        pattern=DONE_PATTERN,
        run=_done,
        help=TEXT.help,
        help_roles=command.HELP_FOR[command.RECORD_SAMPLING],
    ),
    Command(name="sampling_not_done", pattern=NOT_DONE_PATTERN, run=_not_done),
)
