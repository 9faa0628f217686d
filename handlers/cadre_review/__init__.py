"""Cadres decide in the chat: 同意 N / 维持 N (a proposed easing), 改为 N 居家隔离 原因… (an override)."""

from __future__ import annotations

import datetime as dt
import re

from sqlmodel import Session

from bot.dialogue import Command, Context
from bot.dialogue.tasks import NUMBER, Task, task_number
from handlers.cadre_review.texts import TEXT
from models.cadre import held_roles
from models.declaration import (
    CURRENT,
    DECLINED,
    PROPOSED,
    SUPERSEDED,
    Declaration,
    current_classification,
    decide,
    locked_declaration,
    pending_proposals,
    save_classification,
    set_status,
)
from models.declaration import Classification as Row
from models.person import name_of
from models.quarantine import CENTRAL
from models.town import village_name
from town import command
from town.bundle import Bundle
from town.care import apply_quarantine
from town.clock import day_clock, today
from town.policy import Classification as Outcome
from town.policy import load_policy
from town.reclassify import OVERRIDE, after_current, deciders, describe, span, tell_household
from town.reclassify.texts import TEXT as NOTICES

DISPOSITION_WORDS = {
    "集中隔离": "集中隔离",
    "居家隔离": "居家隔离",
    "居家健康监测": "居家健康监测",
    "健康监测": "居家健康监测",
    "无需隔离": "无需隔离",
    "不用隔离": "无需隔离",
    "不隔离": "无需隔离",
}
_WORDS = "|".join(sorted(DISPOSITION_WORDS, key=len, reverse=True))
# A number alone after 改为 is a villager correcting a phone number, never a cadre's command.
OVERRIDE_PATTERN = re.compile(rf"^改为\s*(?:编号)?\s*{NUMBER}\s*({_WORDS})(.*)$", re.S)
REVIEW_PATTERN = re.compile(rf"^(同意|维持)\s*(?:编号)?\s*{NUMBER}\s*号?$")
# The engine reads commands NFKC-normalised: give the reason back its Chinese punctuation.
_FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"})
_REASON_LEAD = re.compile(r"^[\s,，:：;；。.、]*(原因|理由|因为)?[\s,，:：;；。.、]*")


def _review(ctx: Context, match: re.Match) -> str:
    verb, number = match.group(1), task_number(match.group(2))
    declaration, refusal = _declaration(ctx, number, match.group(2))
    if refusal:
        return refusal
    current = _current(ctx.session, declaration.id)
    pending = after_current(ctx.session, current)
    if pending is None or pending.status != PROPOSED:
        return _nothing_pending(ctx, declaration, current, pending)
    if verb == "同意":
        return _accept(ctx, declaration, current, pending)
    decide(ctx.session, row=pending, status=DECLINED, person_id=ctx.person.id, now=ctx.now)
    facts = describe(ctx.sql, declaration, current)
    _tell_others(ctx, declaration, pending, TEXT.what_kept.format(disposition=current.disposition, **facts), facts)
    return TEXT.kept.format(disposition=current.disposition, **facts)


def _accept(ctx: Context, declaration: Declaration, current: Row, pending: Row) -> str:
    """The proposal becomes the classification in force (the old one first: one current row at a time)."""
    set_status(ctx.session, row=current, status=SUPERSEDED)
    decide(ctx.session, row=pending, status=CURRENT, person_id=ctx.person.id, now=ctx.now)
    return _applied(ctx, declaration, pending, TEXT.accepted, TEXT.what_accepted)


def _override(ctx: Context, match: re.Match) -> str:
    number, disposition = task_number(match.group(1)), DISPOSITION_WORDS[match.group(2)]
    declaration, refusal = _declaration(ctx, number, match.group(1))
    if refusal:
        return refusal
    note = _REASON_LEAD.sub("", match.group(3)).strip().translate(_FULL_WIDTH)[:500]
    if not note:
        return TEXT.need_reason.format(number=number, disposition=disposition)
    current = _current(ctx.session, declaration.id)
    if current.disposition == disposition:
        return TEXT.same.format(disposition=disposition, **describe(ctx.sql, declaration, current))
    outcome = _override_outcome(ctx, declaration, current, disposition, note)
    if outcome is None:
        return TEXT.not_in_policy.format(disposition=disposition)
    row = save_classification(
        ctx.session,
        declaration_id=declaration.id,
        result=outcome,
        now=ctx.now,
        source=OVERRIDE,
        decided_by=ctx.person.id,
        note=note,
    )
    return _applied(ctx, declaration, row, TEXT.overridden, TEXT.what_overridden, note=note)


def _applied(ctx: Context, declaration: Declaration, row: Row, reply: str, what: str, **extra) -> str:
    """A change in force: the quarantine record follows, the household and the other cadres are told."""
    facts = describe(ctx.sql, declaration, row)
    bundle = Bundle()  # one message per cadre: the decision, then what it changes in their 四包一
    _tell_others(ctx, declaration, row, what.format(disposition=row.disposition, **facts, **extra), facts, bundle)
    apply_quarantine(ctx.session, declaration=declaration, classification=row, now=ctx.now, bundle=bundle)
    bundle.send(ctx.sql, now=ctx.now)
    tell_household(ctx.sql, declaration, row, template=NOTICES.villager_changed, prefix="review", now=ctx.now)
    return reply.format(disposition=row.disposition, **facts)


def _override_outcome(ctx: Context, declaration: Declaration, current: Row, disposition: str, note: str):
    """The measure as the policy table sets it for that disposition, counted from the arrival day."""
    policy = ctx.risk.policy if ctx.risk is not None else load_policy(ctx.settings.policy_file)
    rule = next((r for r in policy.rules if r.disposition == disposition), None)
    if rule is None:
        return None
    start, total = declaration.arrived_on, rule.days + rule.home_days
    end = start + dt.timedelta(days=total - 1) if total else None
    shown = TEXT.override_reason.format(disposition=disposition, period=span(total, start, end), note=note)
    return Outcome(
        disposition=disposition,
        days=rule.days,
        home_days=rule.home_days,
        start=start,
        end=end,
        home_start=None,
        nucleic_acid_dates=tuple(start + dt.timedelta(days=n - 1) for n in rule.nucleic_acid_days),
        alert=False,
        rule_id=OVERRIDE,
        policy_version=policy.version,
        list_id=current.list_id,
        list_published_at=None,
        matched=None,
        reason=shown,
    )


def _declaration(ctx: Context, number: int | None, typed: str) -> tuple[Declaration | None, str | None]:
    """The declaration behind the number (locked for this decision), or the reply refusing it."""
    declaration = locked_declaration(ctx.session, declaration_id=number) if number is not None else None
    if declaration is None or _current(ctx.session, number) is None:
        roles = held_roles(ctx.sql, person_id=ctx.person.id)
        return None, TEXT.not_found.format(number=typed if number is None else number) if roles else TEXT.cadres_only
    if command.may(ctx.sql, command.DECIDE, person_id=ctx.person.id, village_id=declaration.village_id):
        return declaration, None
    if not held_roles(ctx.sql, person_id=ctx.person.id):
        return None, TEXT.cadres_only
    return None, TEXT.not_yours.format(number=number, village=village_name(ctx.sql, village_id=declaration.village_id))


def _current(session: Session, declaration_id: int) -> Row | None:
    return current_classification(session, declaration_id=declaration_id)


def _nothing_pending(ctx: Context, declaration: Declaration, current: Row, last: Row | None) -> str:
    facts = describe(ctx.sql, declaration, current)
    declined = last is not None and last.status == DECLINED
    decided_by = last.decided_by_person_id if declined else current.decided_by_person_id
    if decided_by is None:
        return TEXT.nothing_pending.format(disposition=current.disposition, **facts)
    return TEXT.handled.format(who=_who(ctx, decided_by), disposition=current.disposition, **facts)


def _who(ctx: Context, person_id: int) -> str:
    if person_id == ctx.person.id:
        return TEXT.you
    return name_of(ctx.sql, person_id=person_id) or TEXT.someone


def _tell_others(
    ctx: Context, declaration: Declaration, row: Row, what: str, facts: dict, bundle: Bundle | None = None
) -> None:
    """The other cadres got the same alert: tell them it is settled, so nobody acts twice."""
    text = TEXT.others.format(who=ctx.person.name or TEXT.someone, what=what, **facts)
    urgent = row.disposition == CENTRAL
    own = bundle is None
    bundle = Bundle() if own else bundle
    for holder in deciders(ctx.sql, village_id=declaration.village_id, urgent=urgent):
        if holder.person_id != ctx.person.id:
            key = f"decided:{declaration.id}:{row.id}:{holder.person_id}"
            bundle.add(person_id=holder.person_id, openid=holder.openid, key=key, text=text, kind="notice")
    if own:
        bundle.send(ctx.sql, now=ctx.now)


def todo_lines(ctx: Context) -> list[Task]:
    """Easings waiting for this cadre's 同意/维持: those of the villages whose deciders they are (a 待办 source)."""
    villages = command.villages_answered(ctx.session, ctx.sql, ctx.person.id)
    if villages == []:
        return []
    rows = pending_proposals(ctx.sql, today=today(ctx.now), village_ids=villages)
    deciding: dict[int, bool] = {}
    tasks = []
    for number, name, village_id, village, old, new, at in rows:
        if village_id not in deciding:
            holders = deciders(ctx.sql, village_id=village_id, urgent=False)
            deciding[village_id] = any(h.person_id == ctx.person.id for h in holders)
        if deciding[village_id]:
            at = day_clock(ctx.sql.read_time(at))
            tasks.append(Task(TEXT.todo.format(number=number, name=name, village=village, old=old, new=new, at=at)))
    return tasks


DECIDERS = command.HELP_FOR[command.DECIDE]
COMMANDS = (
    Command(name="cadre_review", pattern=REVIEW_PATTERN, run=_review, help=TEXT.help_review, help_roles=DECIDERS),
    Command(
        name="cadre_override", pattern=OVERRIDE_PATTERN, run=_override, help=TEXT.help_override, help_roles=DECIDERS
    ),
)
