"""A household withdraws a request it no longer needs (取消申请 N); whoever had it is told to stop."""

from __future__ import annotations

import re

from bot.dialogue import Context, End, Outcome
from bot.dialogue import texts as common  # the package's own texts module would shadow the name
from bot.dialogue.tasks import NUMBER as TASK
from bot.dialogue.tasks import task_number
from handlers.supplies.commands import END, NUMBER
from handlers.supplies.request import FLOW_NAME
from handlers.supplies.texts import TEXT
from models.outbox import enqueue
from models.person import openid_of
from models.supplies import ACCEPTED, CANCELLED, DELIVERED, OPEN, RECEIVED, SupplyRequest, requests_of, save_request
from town.supplies import household_name, recipients

WITHDRAW_PATTERN = re.compile(
    rf"^(?:(?:取消|撤销|撤回)(?:物资)?申请{NUMBER}|(?:第)?\s*{TASK}\s*号?(?:申请)?(?:不要了|不用了|不需要了)){END}"
)
STILL_OPEN = (OPEN, ACCEPTED)


def withdraw(ctx: Context, match: re.Match) -> Outcome:
    """The numbered request, or the only one still being handled, is cancelled."""
    found = match.group(1) or match.group(2)
    if found is None and ctx.flow == FLOW_NAME:
        return End(common.CANCELLED)  # 「取消申请」 while asking for one: stop asking
    mine = requests_of(ctx.session, person_id=ctx.person.id, lock=True)
    request, refusal = _chosen(mine, task_number(found))
    if refusal:
        return refusal
    request.status, request.cancelled_at = CANCELLED, ctx.now
    save_request(ctx.session, request=request)
    _tell_cadres(ctx, request)
    return TEXT.withdrawn.format(number=request.id)


def _chosen(mine: list[SupplyRequest], number: int | None) -> tuple[SupplyRequest | None, str | None]:
    """The request to cancel, or why none can be."""
    if number is None:
        open_ones = [r for r in mine if r.status in STILL_OPEN]
        if len(open_ones) == 1:
            return open_ones[0], None
        if not open_ones:
            return None, TEXT.withdraw_none
        numbers = TEXT.separator.join(TEXT.withdraw_number.format(number=r.id) for r in open_ones)
        return None, TEXT.withdraw_which.format(numbers=numbers, example=open_ones[0].id)
    request = next((r for r in mine if r.id == number), None)
    if request is None:
        return None, TEXT.received_not_yours.format(number=number)
    if request.status == DELIVERED:
        return None, TEXT.withdraw_delivered.format(number=number)
    if request.status == RECEIVED:
        return None, TEXT.received_done.format(number=number)
    if request.status == CANCELLED:
        return None, TEXT.withdraw_again.format(number=number)
    if request.status not in STILL_OPEN:
        return None, TEXT.withdraw_closed.format(number=number)
    return request, None


def _tell_cadres(ctx: Context, request: SupplyRequest) -> None:
    """The one who accepted it, or everyone it is waiting with, hears that it is no longer needed."""
    if request.accepted_by_person_id is not None:
        openid = openid_of(ctx.sql, person_id=request.accepted_by_person_id)
        openids = [openid] if openid else []
    else:
        openids = [holder.openid for holder in recipients(ctx.sql, request)]
    text = TEXT.withdrawn_notice.format(number=request.id, household=household_name(ctx.sql, request))
    for openid in dict.fromkeys(openids):
        key = f"supply:{request.id}:withdrawn:{openid}"
        enqueue(ctx.sql, key=key, recipient_openid=openid, kind="notice", text=text, now=ctx.now)
