"""Cadres act on a request by its number (接单/送达/无法办理 N); the household confirms with 「收到」."""

from __future__ import annotations

import json
import re

from bot.dialogue import Context
from bot.dialogue import texts as common  # the package's own texts module would shadow the name
from bot.dialogue.tasks import NUMBER as TASK
from bot.dialogue.tasks import task_number
from handlers.supplies.texts import TEXT
from models.cadre import held_roles
from models.care import cares_for
from models.outbox import enqueue
from models.person import name_and_phone_of, openid_of
from models.supplies import (
    ACCEPTED,
    CANCELLED,
    DELIVERED,
    OPEN,
    RECEIVED,
    REFUSED,
    SupplyRequest,
    request_for_update,
    requests_of,
    save_request,
)
from models.town import village_name
from town import command
from town.supplies import describe_holder, escalate, household_name, recipients, tell_household
from town.supplies import items_text as show_items

NUMBER = rf"\s*(?:第|编号)?\s*{TASK}?\s*号?"
END = r"[\s。.!！~]*$"
ACCEPT_PATTERN = re.compile(rf"^接单{NUMBER}{END}")
DELIVER_PATTERN = re.compile(rf"^(?:已经?)?送达{NUMBER}{END}")
# Bare 「无法办理」 asks for the number; 「办不了」 counts only with one (a villager may say it of anything).
REFUSE_PATTERN = re.compile(
    rf"^(?:无法办理\s*(?:第|编号)?\s*{TASK}?|(?:办不了|不能办理)\s*(?:第|编号)?\s*{TASK})\s*号?(.*)$", re.S
)
_THANKS = r"(?:[\s,，。.!！~]*(?:谢谢|多谢|感谢)(?:你|您|恁)?(?:们|了|啦|哩|嘞)?)?"
RECEIVED_PATTERN = re.compile(rf"^(?:东西)?(?:已经?)?收到(?:东西)?(?:了|啦)?{NUMBER}(?:了|啦)?{_THANKS}{END}")
_REASON_LEAD = re.compile(r"^[\s,，:：;；。.、]*(原因是?|理由是?|因为)?[\s,，:：;；。.、]*")
# The engine reads commands NFKC-normalised: give the reason back its Chinese punctuation.
_FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"})


def may_act(ctx: Context, request: SupplyRequest) -> bool:
    """One of its people (四包一 or those it climbed to), the village's cadres, their work-area lead, the command."""
    if any(h.person_id == ctx.person.id for h in recipients(ctx.sql, request)):
        return True
    if request.quarantine_id and cares_for(
        ctx.sql, quarantine_id=request.quarantine_id, person_id=ctx.person.id, current=True
    ):
        return True
    return command.may(ctx.sql, command.HANDLE_SUPPLY, person_id=ctx.person.id, village_id=request.village_id)


def _request(ctx: Context, number: int) -> tuple[SupplyRequest | None, str | None]:
    """The request behind the number (locked for this decision), or the polite refusal."""
    request = request_for_update(ctx.session, request_id=number)
    cadre = bool(held_roles(ctx.sql, person_id=ctx.person.id))
    if request is None:
        return None, TEXT.not_found.format(number=number) if cadre else TEXT.cadres_only
    if may_act(ctx, request):
        return request, None
    if not cadre:
        return None, TEXT.cadres_only
    mine = {village for _, village in held_roles(ctx.sql, person_id=ctx.person.id)}
    if request.village_id not in mine:
        return None, TEXT.not_yours.format(number=number, village=village_name(ctx.sql, village_id=request.village_id))
    who = TEXT.separator.join(describe_holder(h) for h in recipients(ctx.sql, request)) or TEXT.nobody
    return None, TEXT.not_assigned.format(number=number, who=who)


def _closed(request: SupplyRequest) -> str | None:
    """Why nothing more can be done on a request, or None while it is still open or accepted."""
    number = request.id
    if request.status == DELIVERED:
        return TEXT.delivered_already.format(number=number)
    if request.status == RECEIVED:
        return TEXT.received_already.format(number=number)
    if request.status == REFUSED:
        return TEXT.refused_already.format(number=number, reason=request.refused_reason or "")
    if request.status == CANCELLED:
        return TEXT.cancelled_already.format(number=number)
    return None


def _number(ctx: Context, match: re.Match, verb: str) -> tuple[int | None, str | None]:
    found = next((number for group in match.groups()[:2] if (number := task_number(group))), None)
    if found:
        return found, None
    cadre = bool(held_roles(ctx.sql, person_id=ctx.person.id))
    return None, TEXT.need_number.format(verb=verb) if cadre else TEXT.cadres_only


def accept(ctx: Context, match: re.Match) -> str:
    number, refusal = _number(ctx, match, TEXT.verb_accept)
    request, refusal = _request(ctx, number) if number else (None, refusal)
    if refusal:
        return refusal
    if request.status == ACCEPTED:
        if request.accepted_by_person_id == ctx.person.id:
            return TEXT.accepted_already_you.format(number=number)
        return TEXT.accepted_by_other.format(number=number, who=_accepter(ctx, request))
    if closed := _closed(request):
        return closed
    _take(ctx, request)
    return TEXT.accepted.format(number=number, household=_household_name(ctx, request))


def _take(ctx: Context, request: SupplyRequest, *, tell: bool = True) -> None:
    """Now the sender's: the household hears who is coming (unless it is there already), the others that it is taken."""
    others = [h for h in recipients(ctx.sql, request) if h.person_id != ctx.person.id]
    request.status, request.accepted_by_person_id, request.accepted_at = ACCEPTED, ctx.person.id, ctx.now
    save_request(ctx.session, request=request)
    who = ctx.person.name or TEXT.someone
    phone = TEXT.accepted_phone.format(phone=ctx.person.phone) if ctx.person.phone else ""
    if tell:
        tell_household(
            ctx.sql,
            request,
            key=f"accepted:{ctx.person.id}:{request.escalation_level}",
            text=TEXT.accepted_notice.format(number=request.id, who=who, phone=phone),
            now=ctx.now,
        )
    text = TEXT.taken_notice.format(number=request.id, who=describe_holder_of(ctx))
    for holder in others:
        key = f"supply:{request.id}:taken:{ctx.person.id}:{holder.person_id}"
        enqueue(ctx.sql, key=key, recipient_openid=holder.openid, kind="notice", text=text, now=ctx.now)


def deliver(ctx: Context, match: re.Match) -> str:
    number, refusal = _number(ctx, match, TEXT.verb_deliver)
    request, refusal = _request(ctx, number) if number else (None, refusal)
    if refusal:
        return refusal
    if closed := _closed(request):
        return closed
    reply = TEXT.delivered
    if request.status == OPEN:  # brought without 接单 first: whoever brought it took it
        _take(ctx, request, tell=False)
        reply = TEXT.delivered_unaccepted
    elif request.accepted_by_person_id != ctx.person.id:
        return TEXT.delivered_by_other.format(number=number, who=_accepter(ctx, request))
    request.status, request.delivered_at = DELIVERED, ctx.now
    save_request(ctx.session, request=request)
    items = show_items(_items(request))
    text = TEXT.delivered_notice.format(number=number, who=ctx.person.name or TEXT.someone, items=items)
    tell_household(ctx.sql, request, key="delivered", text=text, now=ctx.now)
    return reply.format(number=number, household=_household_name(ctx, request))


def refuse(ctx: Context, match: re.Match) -> str:
    number, refusal = _number(ctx, match, TEXT.verb_refuse)
    request, refusal = _request(ctx, number) if number else (None, refusal)
    if refusal:
        return refusal
    if closed := _closed(request):
        return closed
    if request.status == ACCEPTED and request.accepted_by_person_id != ctx.person.id:
        return TEXT.accepted_by_other.format(number=number, who=_accepter(ctx, request))
    reason = _REASON_LEAD.sub("", match.group(3)).strip().translate(_FULL_WIDTH)[:500]
    if not reason:
        return TEXT.need_reason.format(number=number)
    level, before = request.escalation_level, recipients(ctx.sql, request)
    request.status, request.accepted_by_person_id, request.accepted_at = OPEN, None, None
    request.refused_reason, request.refused_at = reason, ctx.now
    who = ctx.person.name or TEXT.someone
    above = escalate(ctx.session, ctx.sql, request, why=TEXT.refused_why.format(who=who, reason=reason), now=ctx.now)
    if not above:
        request.status = REFUSED
    save_request(ctx.session, request=request)
    text = TEXT.refused_notice.format(
        number=number, who=who, reason=reason, next=TEXT.refused_next if above else TEXT.refused_final
    )
    tell_household(ctx.sql, request, key=f"refused:{level}", text=text, now=ctx.now)
    if not above:
        return TEXT.refused_top.format(number=number)
    _reopened(ctx, request, [h for h in before if h.person_id != ctx.person.id], who=who, reason=reason)
    return TEXT.refused.format(number=number, who=TEXT.separator.join(describe_holder(h) for h in above))


def _reopened(ctx: Context, request: SupplyRequest, people: list, *, who: str, reason: str) -> None:
    """Those who had it (and were told it was taken) hear that it is open again and gone up."""
    text = TEXT.reopened_notice.format(number=request.id, who=who, reason=reason)
    for holder in people:
        key = f"supply:{request.id}:reopened:{request.escalation_level}:{holder.person_id}"
        enqueue(ctx.sql, key=key, recipient_openid=holder.openid, kind="notice", text=text, now=ctx.now)


def received(ctx: Context, match: re.Match) -> str:
    """The household got what was delivered (the latest, or the one numbered)."""
    number = task_number(match.group(1))
    mine = requests_of(ctx.session, person_id=ctx.person.id, statuses=(ACCEPTED, DELIVERED, RECEIVED), lock=True)
    delivered = [r for r in mine if r.status == DELIVERED]
    if number is None and not delivered:
        return common.YOU_ARE_WELCOME  # 「收到」 is also how people say thanks for any message
    chosen = next((r for r in mine if r.id == number), None) if number else delivered[0]
    if chosen is None:
        return TEXT.received_not_yours.format(number=number)
    if chosen.status == RECEIVED:
        return TEXT.received_done.format(number=number)
    if chosen.status == ACCEPTED:
        return TEXT.received_not_yet.format(number=number, who=_accepter(ctx, chosen))
    chosen.status, chosen.received_at = RECEIVED, ctx.now
    save_request(ctx.session, request=chosen)
    _thank_deliverer(ctx, chosen)
    others = [str(r.id) for r in delivered if r.id != chosen.id]
    more = TEXT.received_more.format(others=TEXT.separator.join(others)) if others else ""
    return TEXT.received.format(number=chosen.id) + more


def _thank_deliverer(ctx: Context, request: SupplyRequest) -> None:
    openid = openid_of(ctx.sql, person_id=request.accepted_by_person_id)
    if openid:
        text = TEXT.received_notice.format(number=request.id, household=_household_name(ctx, request))
        key = f"supply:{request.id}:received"
        enqueue(ctx.sql, key=key, recipient_openid=openid, kind="notice", text=text, now=ctx.now)


def _accepter(ctx: Context, request: SupplyRequest) -> str:
    row = name_and_phone_of(ctx.sql, person_id=request.accepted_by_person_id)
    if row is None:
        return TEXT.someone
    return f"{row[0] or TEXT.someone}（{row[1]}）" if row[1] else row[0] or TEXT.someone


def describe_holder_of(ctx: Context) -> str:
    person = ctx.person
    return f"{person.name or TEXT.someone}（{person.phone}）" if person.phone else person.name or TEXT.someone


def _household_name(ctx: Context, request: SupplyRequest) -> str:
    return household_name(ctx.sql, request)


def _items(request: SupplyRequest) -> list[dict]:
    return json.loads(request.items or "[]")
