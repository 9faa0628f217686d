"""Cadres decide in the chat: 同意 N / 维持 N (a proposed easing), 改为 N 居家隔离 原因… (an override)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlmodel import Session

from bot.dialogue import Command, Context
from models.cadre import held_roles
from models.declaration import CURRENT, DECLINED, PROPOSED, SUPERSEDED, Declaration, save_classification
from models.declaration import Classification as Row
from models.outbox import enqueue
from models.quarantine import CENTRAL
from models.town import village_name
from town import command
from town.care import apply_quarantine
from town.policy import Classification as Outcome
from town.policy import load_policy
from town.reclassify import OVERRIDE, after_current, deciders, describe, span, tell_household
from town.reclassify import TEXT as NOTICES


class TEXT:
    help_review = "发「同意 编号」或「维持 编号」：回复名单更新后放宽管控的建议"
    help_override = "发「改为 编号 居家隔离 原因」：核实后调整一个人的管控"
    accepted = "好的，{name}（报备编号{number}）已改为{disposition}{period}，已经通知本人。"
    kept = "好的，{name}（报备编号{number}）继续{disposition}{period}。"
    overridden = "好的，{name}（报备编号{number}）已改为{disposition}{period}，已经把调整和原因告诉本人。"
    same = "{name}（报备编号{number}）现在就是{disposition}{period}，不用改。"
    nothing_pending = "报备编号{number}（{name}）现在没有等您确认的放宽，管控是{disposition}{period}。"
    handled = "报备编号{number}（{name}）的放宽已经由{who}处理过了，现在管控是{disposition}{period}。"
    not_found = "没有找到报备编号{number}，请核对一下消息里的编号。"
    cadres_only = "抱歉，这个操作只有负责的干部才能用。"
    not_yours = "抱歉，报备编号{number}是{village}的，不归您管，请交给{village}的干部处理。"
    need_reason = "请把原因也写上，比如：改为 {number} {disposition} 已在外地隔离满14天。"
    not_in_policy = "规则表里没有「{disposition}」这种管控，请跟镇指挥部联系。"
    override_reason = "按您的情况，管控改为{disposition}{period}，原因：{note}"
    others = "报备编号{number}（{name}）已由{who}处理：{what}。"
    what_accepted = "同意放宽为{disposition}{period}"
    what_kept = "继续{disposition}{period}"
    what_overridden = "改为{disposition}{period}，原因：{note}"
    someone = "其他干部"


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
OVERRIDE_PATTERN = re.compile(rf"^改为\s*(?:编号)?\s*(\d{{1,9}})\s*({_WORDS})(.*)$", re.S)
REVIEW_PATTERN = re.compile(r"^(同意|维持)\s*(?:编号)?\s*(\d{1,9})$")
# The engine reads commands NFKC-normalised: give the reason back its Chinese punctuation.
_FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"})
_REASON_LEAD = re.compile(r"^[\s,，:：;；。.、]*(原因|理由|因为)?[\s,，:：;；。.、]*")


def _review(ctx: Context, match: re.Match) -> str:
    verb, number = match.group(1), int(match.group(2))
    declaration, refusal = _declaration(ctx, number)
    if refusal:
        return refusal
    current = _current(ctx.session, declaration.id)
    pending = after_current(ctx.session, current)
    if pending is None or pending.status != PROPOSED:
        return _nothing_pending(ctx, declaration, current, pending)
    if verb == "同意":
        return _accept(ctx, declaration, current, pending)
    pending.status, pending.decided_by_person_id, pending.decided_at = DECLINED, ctx.person.id, ctx.now
    ctx.session.add(pending)
    ctx.session.flush()
    facts = describe(ctx.sql, declaration, current)
    _tell_others(ctx, declaration, pending, TEXT.what_kept.format(disposition=current.disposition, **facts), facts)
    return TEXT.kept.format(disposition=current.disposition, **facts)


def _accept(ctx: Context, declaration: Declaration, current: Row, pending: Row) -> str:
    """The proposal becomes the classification in force (the old one first: one current row at a time)."""
    current.status = SUPERSEDED
    ctx.session.add(current)
    ctx.session.flush()
    pending.status, pending.decided_by_person_id, pending.decided_at = CURRENT, ctx.person.id, ctx.now
    ctx.session.add(pending)
    ctx.session.flush()
    return _applied(ctx, declaration, pending, TEXT.accepted, TEXT.what_accepted)


def _override(ctx: Context, match: re.Match) -> str:
    number, disposition = int(match.group(1)), DISPOSITION_WORDS[match.group(2)]
    declaration, refusal = _declaration(ctx, number)
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
    apply_quarantine(ctx.session, declaration=declaration, classification=row, now=ctx.now)
    tell_household(ctx.sql, declaration, row, template=NOTICES.villager_changed, prefix="review", now=ctx.now)
    facts = describe(ctx.sql, declaration, row)
    _tell_others(ctx, declaration, row, what.format(disposition=row.disposition, **facts, **extra), facts)
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


def _declaration(ctx: Context, number: int) -> tuple[Declaration | None, str | None]:
    """The declaration behind the number (locked for this decision), or the reply refusing it."""
    declaration = ctx.session.execute(
        select(Declaration).where(Declaration.id == number).with_for_update()
    ).scalar_one_or_none()
    if declaration is None or _current(ctx.session, number) is None:
        roles = held_roles(ctx.sql, person_id=ctx.person.id)
        return None, TEXT.not_found.format(number=number) if roles else TEXT.cadres_only
    if command.may(ctx.sql, command.DECIDE, person_id=ctx.person.id, village_id=declaration.village_id):
        return declaration, None
    if not held_roles(ctx.sql, person_id=ctx.person.id):
        return None, TEXT.cadres_only
    return None, TEXT.not_yours.format(number=number, village=village_name(ctx.sql, village_id=declaration.village_id))


def _current(session: Session, declaration_id: int) -> Row | None:
    return session.execute(
        select(Row).where(Row.declaration_id == declaration_id, Row.status == CURRENT)
    ).scalar_one_or_none()


def _nothing_pending(ctx: Context, declaration: Declaration, current: Row, last: Row | None) -> str:
    facts = describe(ctx.sql, declaration, current)
    declined = last is not None and last.status == DECLINED
    decided_by = last.decided_by_person_id if declined else current.decided_by_person_id
    if decided_by is None:
        return TEXT.nothing_pending.format(disposition=current.disposition, **facts)
    return TEXT.handled.format(who=_who(ctx, decided_by), disposition=current.disposition, **facts)


def _who(ctx: Context, person_id: int) -> str:
    if person_id == ctx.person.id:
        return "您"
    row = ctx.sql.one("SELECT name FROM person WHERE id = :id", id=person_id)
    return row[0] if row and row[0] else TEXT.someone


def _tell_others(ctx: Context, declaration: Declaration, row: Row, what: str, facts: dict) -> None:
    """The other cadres got the same alert: tell them it is settled, so nobody acts twice."""
    text = TEXT.others.format(who=ctx.person.name or TEXT.someone, what=what, **facts)
    urgent = row.disposition == CENTRAL
    for holder in deciders(ctx.sql, village_id=declaration.village_id, urgent=urgent):
        if holder.person_id != ctx.person.id:
            key = f"decided:{declaration.id}:{row.id}:{holder.person_id}"
            enqueue(ctx.sql, key=key, recipient_openid=holder.openid, kind="notice", text=text, now=ctx.now)


DECIDERS = command.HELP_FOR[command.DECIDE]
COMMANDS = (
    Command(name="cadre_review", pattern=REVIEW_PATTERN, run=_review, help=TEXT.help_review, help_roles=DECIDERS),
    Command(
        name="cadre_override", pattern=OVERRIDE_PATTERN, run=_override, help=TEXT.help_override, help_roles=DECIDERS
    ),
)
