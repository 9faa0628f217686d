"""Questions the FAQ cannot answer: queued for the village cadre, who answers with 「答复 N 内容」."""

from __future__ import annotations

import re

from bot.dialogue import Context
from bot.dialogue.tasks import NUMBER, Task, task_number
from handlers.faq.texts import TEXT
from models.cadre import Holder, held_roles
from models.outbox import enqueue
from models.person import name_of
from models.question import add_question, answer_question, open_questions_for, question_with_asker
from town import command
from town.alerts import send_alert

PATTERN = re.compile(rf"^答复\s*(?:编号|第)?\s*{NUMBER}\s*号?[\s,，:：]*(.*)$", re.S)
# The engine reads commands NFKC-normalised: give the answer back its Chinese punctuation.
_FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"})


def recipients(ctx: Context, village_id: int | None) -> list[Holder]:
    """The village cadre, else those above; the town command for someone with no village."""
    found = command.responsible(ctx.sql, village_id=village_id, roles=command.VILLAGE_CADRE)
    return list({c.person_id: c for c in found}.values())


def asker(name: str | None, phone: str | None) -> str:
    name = name or TEXT.nameless
    return TEXT.asker_phone.format(name=name, phone=phone) if phone else name


def queue(ctx: Context, text: str) -> str:
    """Store the question, alert whoever answers for the village, and tell the villager."""
    village_id = ctx.person.village_id
    question = add_question(ctx.session, person_id=ctx.person.id, village_id=village_id, text=text[:1000], now=ctx.now)
    cadres = recipients(ctx, village_id)
    village = ctx.villages.by_id(village_id)
    alert = TEXT.alert.format(
        number=question.id,
        asker=asker(ctx.person.name, ctx.person.phone),
        village=village.name if village else TEXT.no_village,
        text=question.text,
    )
    for cadre in cadres:
        key = f"policy_question:{question.id}:alert:{cadre.person_id}"
        send_alert(
            ctx.sql, key=key, recipient_openid=cadre.openid, text=alert, now=ctx.now, origin_openid=ctx.person.openid
        )
    if not cadres:
        return TEXT.nobody.format(number=question.id)
    return TEXT.queued.format(number=question.id, who=_who_answers(cadres)) + _call(cadres)


def _who_answers(cadres: list[Holder]) -> str:
    if all(c.role == "town_command" for c in cadres):
        return TEXT.command
    cadre = next((c for c in cadres if c.role == "village_cadre" and c.name), None)
    return TEXT.village_cadre.format(name=cadre.name) if cadre else TEXT.cadres


def _call(cadres: list[Holder]) -> str:
    cadre = next((c for c in cadres if c.role == "village_cadre" and c.name and c.phone), None)
    return TEXT.queued_call.format(name=cadre.name, phone=cadre.phone) if cadre else ""


def answer(ctx: Context, match: re.Match) -> str:
    """「答复 N 内容」: the answer goes to the villager, the question is closed, the other cadres are told."""
    number, reply = task_number(match.group(1)), match.group(2).strip().translate(_FULL_WIDTH)[:2000]
    row = question_with_asker(ctx.sql, question_id=number) if number is not None else None
    refusal = _refusal(ctx, match.group(1) if number is None else number, row)
    if refusal:
        return refusal
    _, text, status, answered, village_id, answered_by, openid, name, _, _ = row
    if status != "open":
        return TEXT.already.format(number=number, who=_name(ctx, answered_by), answer=answered)
    if not reply:
        return TEXT.need_answer.format(number=number)
    answer_question(ctx.sql, question_id=number, answer=reply, person_id=ctx.person.id, now=ctx.now)
    who = ctx.person.name or TEXT.someone
    notice = TEXT.to_villager.format(text=text, who=who, answer=reply)
    key = f"policy_question:{number}:answer"
    enqueue(ctx.sql, key=key, recipient_openid=openid, kind="notice", text=notice, now=ctx.now)
    others = TEXT.others.format(number=number, who=who, answer=reply)
    for cadre in recipients(ctx, village_id):
        if cadre.person_id != ctx.person.id:
            key = f"policy_question:{number}:answered:{cadre.person_id}"
            enqueue(ctx.sql, key=key, recipient_openid=cadre.openid, kind="notice", text=others, now=ctx.now)
    return TEXT.answered.format(asker=name or TEXT.nameless, number=number)


def _refusal(ctx: Context, number: int | str, row: tuple | None) -> str | None:
    """Why this person may not answer this question, or None when they may."""
    roles = held_roles(ctx.sql, person_id=ctx.person.id)
    if not roles:
        return TEXT.cadres_only
    if row is None:
        return TEXT.not_found.format(number=number)
    village_id = row[4]
    # The question's village cadres, township cadre and doctor, its work-area lead, or the town command may answer.
    if village_id is None and any(role in command.LEADS for role, _ in roles):
        return None
    if village_id is not None and command.may(ctx.sql, command.ANSWER, person_id=ctx.person.id, village_id=village_id):
        return None
    return TEXT.not_yours.format(number=number, village=row[9] or TEXT.no_village)


def _name(ctx: Context, person_id: int | None) -> str:
    if person_id == ctx.person.id:
        return TEXT.you
    return name_of(ctx.sql, person_id=person_id) or TEXT.someone


def todo_lines(ctx: Context) -> list[Task]:
    """The open questions alerted to this cadre, for 「待办」."""
    return [
        Task(TEXT.todo.format(number=n, asker=asker(name, phone), village=village or TEXT.no_village, text=text))
        for n, text, name, phone, village in open_questions_for(ctx.sql, person_id=ctx.person.id)
    ]
