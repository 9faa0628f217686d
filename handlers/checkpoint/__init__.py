"""卡点报告 and 登记: checkpoint staff report an anomaly (the town command hears at once) or record who passed."""

from __future__ import annotations

import re

from bot.dialogue import Command, Context, Flow, Parsed, Step, accept, reask, words
from bot.dialogue import texts as common  # the package's own texts module would shadow the name
from bot.dialogue.fields import village_name
from bot.nlu.numbers import to_number
from handlers.checkpoint.alerts import alert, command_of, measure_line, report_text, sighting_text, told
from handlers.checkpoint.reading import (
    COLOUR,
    NO_CAR,
    NUM,
    PHONE,
    PLATE,
    read_code,
    read_facts,
    read_origin,
    read_people,
    read_plate,
    unknown,
)
from handlers.checkpoint.texts import CODES, LABELS, TEXT
from models.cadre import held_roles, holds_role
from models.checkpoint import CheckpointReport, add_report, save_matches
from models.quarantine import MONITOR
from town import command
from town.checkpoints import Watched, match_report, under_measure
from town.clock import day

FACTS = ("name", "phone", "plate", "origin", "health_code", "people", "action")


def _prefill(ctx: Context, first_text: str | None, restart: bool) -> dict:
    """What the first message says; nothing when it was only 「卡点报告」."""
    said = words.without_request_fillers(words.bare(first_text or ""))
    if restart or not said or any(said == words.without_request_fillers(w) for w in ENTRY_WORDS):
        return {}
    return {"what": first_text.strip()[:2000], **read_facts(first_text, ctx)}


def parse_what(text: str, ctx: Context) -> Parsed:
    if len(words.bare(text)) < 2:
        return reask(TEXT.what_again)
    found = {k: v for k, v in read_facts(text, ctx).items() if k not in ctx.slots}
    return Parsed(value=text.strip()[:2000], memo=found)


def parse_people(text: str, ctx: Context) -> Parsed:
    if not ctx.correcting and unknown(text):
        return accept(None)
    said = words.bare(text)
    found = read_people(text) or (to_number(said) if not ctx.correcting and re.fullmatch(NUM, said) else None)
    return accept(int(found)) if found and 0 < found < 1000 else reask(TEXT.people_again)


def parse_origin(text: str, ctx: Context) -> Parsed:
    if found := read_origin(text, ctx):
        return accept(found)
    if ctx.correcting:
        return reask(TEXT.ask_origin)
    said = words.bare(text)
    if unknown(text):
        return accept(None)
    # Staff may know only 「外省」「本地」「山那边」: kept as written rather than asked again.
    return accept(said[:50]) if re.fullmatch(r"[\u4e00-\u9fff]{2,20}", said) else reask(TEXT.ask_origin)


def parse_code(text: str, ctx: Context) -> Parsed:
    said = words.bare(text)
    if found := read_code(text) or next((c for k, c in COLOUR.items() if said in (k, k + "的")), None):
        return accept(found)
    return accept(None) if not ctx.correcting and unknown(text) else reask(TEXT.code_again)


def parse_plate(text: str, ctx: Context) -> Parsed:
    if found := read_plate(text):
        return accept(found)
    said = words.bare(text)
    return accept(None) if not ctx.correcting and any(w in said for w in NO_CAR) else reask(TEXT.plate_again)


def parse_action(text: str, ctx: Context) -> Parsed:
    return accept(text.strip()[:500]) if len(words.bare(text)) >= 2 else reask(TEXT.action_again)


def _summary(ctx: Context) -> str:
    s = ctx.slots
    people, origin, plate = s.get("people"), s.get("origin"), s.get("plate")
    text = TEXT.summary.format(
        what=s["what"],
        people=TEXT.people.format(n=people) if people else TEXT.unknown,
        origin=origin or TEXT.unknown,
        code=CODES.get(s.get("health_code"), TEXT.unknown),
        plate=plate or TEXT.no_plate,
    )
    text += (TEXT.person.format(name=s["name"]) if s.get("name") else "") + (
        TEXT.phone.format(phone=s["phone"]) if s.get("phone") else ""
    )
    return text + TEXT.summary_end.format(action=s["action"])


def _store(ctx: Context, facts: dict, text: str, *, anomaly: bool) -> tuple[CheckpointReport, object]:
    """The report, at the reporter's village, matched at once to a declaration when it names someone."""
    held = held_roles(ctx.sql, person_id=ctx.person.id)
    local = [village for role, village in held if role not in command.LEADS]
    report = CheckpointReport(
        reporter_person_id=ctx.person.id,
        village_id=local[0] if local else ctx.person.village_id,
        anomaly=anomaly,
        text=text[:2000],
        seen_at=ctx.now,
        **{key: facts.get(key) for key in FACTS},
    )
    add_report(ctx.session, report=report)
    declaration = match_report(ctx.session, report)
    save_matches(ctx.session, reports=[report])
    return report, declaration


def _anomaly_reply(ctx: Context, report: CheckpointReport, declaration, watched: Watched | None) -> str:
    text = report_text(ctx, report, declaration) + ("\n" + measure_line(watched) if watched else "")
    others = alert(ctx, report, text, watched)
    if watched is not None:
        measure = TEXT.watched_reply.format(name=watched.declaration.name, kind=watched.quarantine.kind)
        return measure + (TEXT.told.format(people=told(others)) if others else TEXT.nobody_told)
    everyone = command_of(ctx, report.village_id)
    return TEXT.done if others else TEXT.recorded if everyone else TEXT.nobody


def _finish(ctx: Context) -> str:
    report, declaration = _store(ctx, ctx.slots, ctx.slots["what"], anomaly=True)
    watched = under_measure(ctx.session, report, declaration)
    return _anomaly_reply(ctx, report, declaration, watched)


ENTRY_WORDS = ("卡点报告", "卡口报告", "卡点上报", "卡口上报", "异常上报")

FLOW = Flow(
    name="report_checkpoint",
    title=TEXT.title,
    entry_words=ENTRY_WORDS,
    entry_intents=("report_checkpoint",),
    roles=command.CHECKPOINT_STAFF,
    steps=(
        Step("what", LABELS["what"], TEXT.ask_what, parse_what, recognisable=False),
        Step("people", LABELS["people"], TEXT.ask_people, parse_people),
        Step("origin", LABELS["origin"], TEXT.ask_origin, parse_origin),
        Step("health_code", LABELS["health_code"], TEXT.ask_code, parse_code),
        Step("plate", LABELS["plate"], TEXT.ask_plate, parse_plate),
        Step("action", LABELS["action"], TEXT.ask_action, parse_action, recognisable=False),
    ),
    summary=_summary,
    finish=_finish,
    prefill=_prefill,
)


def _record(ctx: Context, match: re.Match) -> str:
    """「登记 豫C12345 张三 13800001234 郑州」: one sighting, matched to a declaration; a red/yellow code alerts."""
    if not holds_role(ctx.sql, person_id=ctx.person.id, roles=command.CHECKPOINT_STAFF):
        return common.CADRES_ONLY.format(title=TEXT.sighting_title) + TEXT.own_info
    facts = read_facts(match.group(1), ctx, bare_name=True)
    anomaly = facts.get("health_code") in ("red", "yellow")
    who = " ".join(str(facts[k]) for k in ("plate", "name", "phone") if facts.get(k))
    where = TEXT.from_place.format(origin=facts["origin"]) if facts.get("origin") else ""
    who = TEXT.separator.join(p for p in (who, where, CODES.get(facts.get("health_code"), "")) if p)
    report, declaration = _store(ctx, facts, TEXT.sighting_text.format(who=who), anomaly=anomaly)
    watched = under_measure(ctx.session, report, declaration)
    reply = TEXT.sighting_done.format(who=who)
    if watched is not None:
        template = TEXT.sighting_monitored if watched.quarantine.kind == MONITOR else TEXT.sighting_watched
        reply += template.format(kind=watched.quarantine.kind, end=day(watched.quarantine.end_on))
    elif declaration is not None:
        village = village_name(ctx, declaration.village_id)
        reply += TEXT.sighting_declared.format(village=village, arrived=day(declaration.arrived_on))
    else:
        reply += TEXT.sighting_undeclared
    if anomaly:
        text = report_text(ctx, report, declaration) + ("\n" + measure_line(watched) if watched else "")
    elif watched is not None:
        text = sighting_text(ctx, report, watched, who)
    else:
        return reply
    others = alert(ctx, report, text, watched)
    if anomaly and watched is None:
        return reply + TEXT.sighting_alerted.format(code=CODES[facts["health_code"]])
    return reply + (TEXT.told.format(people=told(others)) if others else TEXT.nobody_told)


_SIGHTING = re.compile(rf"^(?:卡点)?登记\s*(.*?(?:{PLATE.pattern}|{PHONE.pattern}).*)$", re.IGNORECASE)
COMMANDS = (
    Command(name="checkpoint_sighting", pattern=_SIGHTING, run=_record, help=TEXT.help_sighting),
    Command(name="checkpoint_usage", pattern=re.compile(r"^卡点登记$"), run=lambda ctx, m: TEXT.sighting_usage),
)
