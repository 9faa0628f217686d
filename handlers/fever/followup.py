"""A fever report followed up: open ones in the doctor's 待办, closed with 「已联系 N」 or 「发热 N 已处理 情况」."""

from __future__ import annotations

import re

from bot.dialogue import Context
from bot.dialogue.tasks import NUMBER, Task, task_number
from handlers.fever.alert import doctors, facts
from handlers.fever.texts import TEXT
from models.cadre import held_roles
from models.care import cares_for
from models.fever import (
    OPEN_FOR,
    FeverReport,
    add_fever_outcome,
    close_fever_report,
    fever_report_by_id,
    open_fever_reports,
    reload_fever_report,
)
from models.outbox import enqueue
from models.person import name_of
from models.town import village_name
from town import command
from town.clock import day_clock

# A report nobody closed stays in 待办 this long; older ones are history (the ledger still has them).
_END = r"[\s。.!！~]*$"
CONTACTED_PATTERN = re.compile(rf"^(?:已经?|已)联系(?:过|了)?\s*(?:发热)?\s*(?:第|编号)?\s*{NUMBER}\s*号?{_END}")
HANDLED_PATTERN = re.compile(
    rf"^发热\s*(?:第|编号)?\s*{NUMBER}\s*号?\s*(?:已经?)?处理(?:好|完)?了?[\s,，:：;；。.、]*(.*)$", re.S
)
# The engine reads commands NFKC-normalised: give the outcome back its Chinese punctuation.
_FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"})


def contacted(ctx: Context, match: re.Match) -> str:
    """「已联系 N」: the doctor has called; the report is closed."""
    return _close(ctx, match.group(1), TEXT.outcome_contacted)


def handled(ctx: Context, match: re.Match) -> str:
    """「发热 N 已处理 情况」: closed, with what was done in the doctor's words."""
    said = match.group(2).strip().translate(_FULL_WIDTH)[:500]
    return _close(ctx, match.group(1), said or TEXT.outcome_handled, adds=bool(said))


def _close(ctx: Context, typed: str, outcome: str, *, adds: bool = False) -> str:
    number = task_number(typed)
    report = fever_report_by_id(ctx.session, report_id=number) if number is not None else None
    refusal = _refusal(ctx, report, typed)
    if refusal:
        return refusal
    if not close_fever_report(ctx.sql, report_id=report.id, person_id=ctx.person.id, outcome=outcome, now=ctx.now):
        # 「已联系 1」 then 「发热 1 已处理 送卫生院了」: what was done is added to the call.
        if adds and add_fever_outcome(ctx.sql, report_id=report.id, outcome=outcome, was=TEXT.outcome_contacted):
            return TEXT.outcome_added.format(number=report.id, outcome=outcome)
        return _already(ctx, report)
    who, patient = ctx.person.name or TEXT.someone, _patient(ctx, report)
    text = TEXT.closed_notice.format(number=report.id, patient=patient, who=who, outcome=outcome)
    for holder in doctors(ctx, report.village_id):
        if holder.person_id != ctx.person.id:
            key = f"fever:{report.id}:closed:{holder.person_id}"
            enqueue(ctx.sql, key=key, recipient_openid=holder.openid, kind="notice", text=text, now=ctx.now)
    return TEXT.closed.format(number=report.id, patient=patient, outcome=outcome)


def _refusal(ctx: Context, report: FeverReport | None, typed: str) -> str | None:
    """Why this person may not close this report, or None when they may."""
    roles = held_roles(ctx.sql, person_id=ctx.person.id)
    if report is None:
        return TEXT.not_found.format(number=typed) if roles else TEXT.cadres_only
    if may_close(ctx, report):
        return None
    if not roles:
        return TEXT.cadres_only
    village = village_name(ctx.sql, village_id=report.village_id) if report.village_id else TEXT.no_village
    return TEXT.not_yours.format(number=report.id, village=village)


def may_close(ctx: Context, report: FeverReport) -> bool:
    """Whoever it was alerted to, the household's four, the village's team, or those above it."""
    if any(h.person_id == ctx.person.id for h in doctors(ctx, report.village_id)):
        return True
    if report.quarantine_id and cares_for(
        ctx.sql, quarantine_id=report.quarantine_id, person_id=ctx.person.id, current=True
    ):
        return True
    if report.village_id is None:
        return False
    return command.may(ctx.sql, command.FOLLOW_FEVER, person_id=ctx.person.id, village_id=report.village_id)


def _already(ctx: Context, report: FeverReport) -> str:
    reload_fever_report(ctx.session, report=report)
    who = (
        TEXT.you
        if report.closed_by_person_id == ctx.person.id
        else name_of(ctx.sql, person_id=report.closed_by_person_id)
    )
    return TEXT.closed_already.format(
        number=report.id, who=who or TEXT.someone, at=day_clock(report.closed_at), outcome=report.outcome or ""
    )


def _patient(ctx: Context, report: FeverReport) -> str:
    sender = name_of(ctx.sql, person_id=report.person_id)
    return patient(sender, report.name)


def patient(sender: str | None, name: str | None) -> str:
    """张桂兰家的孩子, or 张桂兰（本人报告）."""
    if name:
        return TEXT.patient_other.format(name=sender or TEXT.someone, who=name)
    return TEXT.patient_self.format(name=sender) if sender else TEXT.someone


def todo_lines(ctx: Context) -> list[Task]:
    """The open reports this person was alerted to as the village's doctor (or above it): each urgent."""
    villages = command.villages_answered(ctx.session, ctx.sql, ctx.person.id)
    if villages == []:
        return []
    rows = open_fever_reports(ctx.sql, since=ctx.now - OPEN_FOR, village_ids=villages)
    answering: dict[int | None, bool] = {}
    tasks = []
    for number, village_id, name, degrees, symptoms, at, sender, phone, village in rows:
        if village_id not in answering:
            answering[village_id] = any(h.person_id == ctx.person.id for h in doctors(ctx, village_id))
        if not answering[village_id]:
            continue
        text = TEXT.todo.format(
            number=number, patient=patient(sender, name), village=village or TEXT.no_village,
            facts=facts(degrees, symptoms.split(TEXT.separator) if symptoms else []),
            phone=phone or TEXT.no_phone_known, at=day_clock(ctx.sql.read_time(at)),
        )  # fmt: skip
        tasks.append(Task(text, urgent=True))
    return tasks
