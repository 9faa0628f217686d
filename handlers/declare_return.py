"""返乡报备: a returnee declares where they came from; the policy classifies them and the village's cadres are told."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

from bot.dialogue import Context, Flow, Step, texts, words
from bot.dialogue.fields import parse_name, parse_phone, parse_village, village_name
from bot.dialogue.flow import Parsed, accept, reask
from bot.nlu import understand
from broadcasts.policy import Declaration, classify, load_policy
from broadcasts.policy.classify import day
from broadcasts.riskareas.entries import SHANGHAI
from models.declaration import Classification as ClassificationRow
from models.declaration import Declaration as DeclarationRow
from models.outbox import enqueue
from models.person import update_profile

log = logging.getLogger(__name__)


class TEXT:
    title = "从外地回来，报备一下"
    ask_origin = "您是从哪里回来的？请说到区县，比如：郑州市二七区。从国外回来的，回「境外」。"
    origin_again = "没看明白是哪里。请说省、市和区县，比如：郑州市二七区、北京市海淀区。"
    origin_district = "请再说一下是{place}{which}，比如：{example}。"
    ask_street = "{place}有些地方在中高风险名单上。您住在哪个街道（乡镇）？比如：{examples}。不知道的话，回「不知道」。"
    street_again = "请写街道或乡镇的名字，比如：{examples}。不知道的话，回「不知道」。"
    ask_arrived = "您是哪天到家的？比如：今天、昨天、8月5日。"
    arrived_again = "没看明白是哪天。请写日期，比如：8月5日，或者「今天」「昨天」。"
    arrived_future = "还没到家的话，等到家那天再来报备就行。请问您是哪天到家的？"
    ask_transport = "您是怎么回来的？比如：自己开车、坐高铁、坐大巴、坐飞机。"
    transport_again = "请说一下怎么回来的：自己开车、坐高铁（火车）、坐大巴、坐飞机，都不是的话回「其他」。"
    ask_code = "您现在的健康码是什么颜色？绿码、黄码还是红码？"
    code_again = "请回「绿码」「黄码」或「红码」。不清楚的话，打开微信里的健康码看一下颜色。"
    summary = (
        "请核对您的返乡报备：\n姓名：{name}\n电话：{phone}\n村：{village}\n从哪里回来：{origin}\n"
        "哪天到家：{arrived}\n怎么回来的：{transport}\n健康码：{code}"
    )
    done = "报备好了，谢谢您！\n{reason}。\n{next}"
    next_urgent = "村里的干部会马上给您打电话，请先在家等着，不要出门，也先别和家里人近距离接触。"
    next_isolate = "请这{days}天在家不要出门。村医会和您联系，上门给您做核酸（{samples}）。需要买东西跟村里说。"
    next_monitor = "请每天量体温，按时做核酸（{samples}）。村医会和您联系。"
    next_free = "有发烧、咳嗽等不舒服，请马上告诉村医。"
    cadre_contact = "\n有事可以找村干部{name}：{phone}。"
    alert = (
        "{urgent}返乡报备：{name}（{phone}），{village}\n从{origin}回来，{arrived}到家，{transport}，{code}\n"
        "管控：{disposition}{period}\n核酸：{samples}\n告诉村民的依据：{reason}"
    )
    urgent = "【请马上联系】"
    abroad = "境外"
    which_district = "哪个区（县）"
    which_city_and_district = "哪个市、哪个区（县）"
    example_in_city = "郑州市二七区"
    examples = "郑州市二七区、北京市海淀区"
    period = "{days}天（{start}至{end}）"
    no_samples = "无"
    separator = "、"


TRANSPORTS = {"self_drive": "自己开车", "train": "高铁/火车", "bus": "大巴", "plane": "飞机", "other": "其他"}
CODES = {"green": "绿码", "yellow": "黄码", "red": "红码"}
ALERTED_ROLES = ("village_cadre", "township_cadre", "village_doctor")
PARTIAL = "_origin_partial"
_JUST_BACK = ("刚回来", "刚到", "刚到家", "今天回来", "今天到")
_NONE_WORDS = ("不用", "没有", "其他", "其它", "别的", "都不是", "不知道", "步行", "走回来")
_UNKNOWN_WORDS = ("不知道", "不清楚", "不记得", "忘了", "不晓得", "没有", "不确定")
_CODE_WORDS = {"green": ("绿", "green"), "yellow": ("黄", "yellow"), "red": ("红", "red")}
_LIVES_AT = re.compile(r"^(我家|俺家|我|俺|家)?(住在|住|在|是)")
_SUFFIX = re.compile(r"(街道办事处|街道|办事处|镇|乡)$")


def _today(ctx: Context) -> dt.date:
    return ctx.now.astimezone(SHANGHAI).date()


def _said(text: str, ctx: Context) -> dict:
    """Every slot the NLU finds in the text, whatever intent it decided."""
    found = understand(text, _today(ctx))
    return {**found.secondary, **found.slots}


def _complete(origin: dict | None) -> bool:
    return bool(origin) and bool(origin.get("abroad") or origin.get("district"))


def _place(origin: dict) -> str:
    if origin.get("abroad"):
        return TEXT.abroad
    return (origin.get("city") or origin.get("province") or "") + (origin.get("district") or "")


def _arrival(value: str | None, ctx: Context) -> dt.date | None:
    date = dt.date.fromisoformat(value) if value else None
    return date if date and date <= _today(ctx) else None


def _prefill(ctx: Context, first_text: str | None, restart: bool) -> dict:
    """The profile, and what the first message already says (origin, date, transport)."""
    if restart:
        return {}
    person = ctx.person
    slots = {k: v for k, v in {"name": person.name, "phone": person.phone, "village": person.village_id}.items() if v}
    said = _said(first_text, ctx) if first_text else {}
    origin = said.get("origin")
    if _complete(origin):
        slots["origin"] = origin
    elif origin:
        slots[PARTIAL] = origin
    if (arrived := _arrival(said.get("date"), ctx)) is not None:
        slots["arrived_on"] = arrived.isoformat()
    if said.get("transport"):
        slots["transport"] = said["transport"]
    return slots


def _ask_origin(ctx: Context) -> str:
    partial = ctx.slots.get(PARTIAL)
    return _district_question(partial) if partial else TEXT.ask_origin


def _district_question(partial: dict) -> str:
    example = TEXT.example_in_city if partial.get("city") == "郑州市" else TEXT.examples
    which = TEXT.which_district if partial.get("city") else TEXT.which_city_and_district
    return TEXT.origin_district.format(place=_place(partial), which=which, example=example)


def parse_origin(text: str, ctx: Context) -> Parsed:
    """Down to the district (or abroad); a province or city alone asks for the district."""
    origin = _said(text, ctx).get("origin")
    partial = ctx.slots.get(PARTIAL)
    if not _complete(origin) and partial and not ctx.correcting:
        # 「二七区」 after 「郑州」: read the two together.
        origin = _said(_place(partial) + words.normalize(text), ctx).get("origin") or origin
    if _complete(origin):
        old = ctx.slots.get("origin") or {}
        if old.get("district") != origin.get("district") or old.get("city") != origin.get("city"):
            ctx.slots.pop("street", None)  # the street belonged to the old district
        ctx.slots.pop(PARTIAL, None)
        return accept(origin)
    if origin and not ctx.correcting:
        return reask(_district_question(origin), **{PARTIAL: origin})
    return reask(TEXT.origin_again)


def _chain(ctx: Context) -> tuple[str, str, str] | None:
    origin = ctx.slots.get("origin") or {}
    chain = (origin.get("province"), origin.get("city"), origin.get("district"))
    return chain if all(chain) and not origin.get("abroad") else None


def _listed(ctx: Context) -> list:
    """The listed entries of the origin district with a street/township, in list order."""
    chain = _chain(ctx)
    index = ctx.risk.current(ctx.session)[0] if ctx.risk and chain else None
    return [e for e in index.entries_in_district(*chain) if e.township] if index else []


def _townships(ctx: Context) -> list[str]:
    return list(dict.fromkeys(e.township for e in _listed(ctx)))


def _skip_street(ctx: Context) -> bool:
    return not _townships(ctx)


def _ask_street(ctx: Context) -> str:
    examples = TEXT.separator.join(_townships(ctx)[:3])
    return TEXT.ask_street.format(place=_place(ctx.slots["origin"]), examples=examples)


def parse_street(text: str, ctx: Context) -> Parsed:
    """A listed street by name (with or without 街道/镇), any other street as written, or 不知道."""
    said = _LIVES_AT.sub("", words.bare(text))
    if any(word in said for word in _UNKNOWN_WORDS):
        return accept(None)
    for township in _townships(ctx):
        if township in said or _SUFFIX.sub("", township) in said:
            return accept(township)
    for entry in _listed(ctx):  # 「海豫花园小区」: the listed community names its street
        if entry.community and len(said) >= 3 and (said in entry.community or entry.community in said):
            return accept(entry.township)
    if re.fullmatch(r"[\u4e00-\u9fff]{2,20}", said):
        return accept(said)
    return reask(TEXT.street_again.format(examples=TEXT.separator.join(_townships(ctx)[:3])))


def parse_arrived(text: str, ctx: Context) -> Parsed:
    said = words.bare(text)
    if any(word in said for word in _JUST_BACK):
        return accept(_today(ctx).isoformat())
    value = _said(text, ctx).get("date")
    if value is None:
        return reask(TEXT.arrived_again)
    arrived = _arrival(value, ctx)
    return accept(arrived.isoformat()) if arrived else reask(TEXT.arrived_future)


def parse_transport(text: str, ctx: Context) -> Parsed:
    found = _said(text, ctx).get("transport")
    if found:
        return accept(found)
    if not ctx.correcting and any(word in words.bare(text) for word in _NONE_WORDS):
        return accept("other")
    return reask(TEXT.transport_again)


def parse_code(text: str, ctx: Context) -> Parsed:
    said = words.bare(text).lower()
    colours = [code for code, names in _CODE_WORDS.items() if any(name in said for name in names)]
    return accept(colours[0]) if len(colours) == 1 else reask(TEXT.code_again)


def _origin_text(slots: dict) -> str:
    return _place(slots["origin"]) + (slots.get("street") or "")


def _facts(ctx: Context) -> dict:
    slots = ctx.slots
    return {
        "name": slots["name"],
        "phone": slots["phone"],
        "village": village_name(ctx, slots["village"]),
        "origin": _origin_text(slots),
        "arrived": day(dt.date.fromisoformat(slots["arrived_on"])),
        "transport": TRANSPORTS.get(slots.get("transport") or "other", TRANSPORTS["other"]),
        "code": CODES[slots["health_code"]],
    }


def _summary(ctx: Context) -> str:
    return TEXT.summary.format(**_facts(ctx))


def _finish(ctx: Context) -> str:
    slots, now = ctx.slots, ctx.now
    origin = {**slots["origin"], "township": slots.get("street")}
    arrived = dt.date.fromisoformat(slots["arrived_on"])
    if ctx.risk is not None:
        policy, (index, list_info) = ctx.risk.policy, ctx.risk.current(ctx.session)
    else:
        policy, index, list_info = load_policy(ctx.settings.policy_file), None, None
    result = classify(policy, index, list_info, Declaration(origin, arrived, None, slots["health_code"]), _today(ctx))
    declaration = DeclarationRow(
        person_id=ctx.person.id,
        village_id=slots["village"],
        name=slots["name"],
        phone=slots["phone"],
        origin_province=origin.get("province"),
        origin_city=origin.get("city"),
        origin_district=origin.get("district"),
        origin_township=origin.get("township"),
        abroad=bool(origin.get("abroad")),
        arrived_on=arrived,
        transport=slots.get("transport"),
        health_code=slots["health_code"],
        active_until=max(result.end or arrived, arrived + dt.timedelta(days=14)),
        created_at=now,
    )
    ctx.session.add(declaration)
    ctx.session.flush()
    matched = result.matched
    ctx.session.add(
        ClassificationRow(
            declaration_id=declaration.id,
            rule_id=result.rule_id,
            policy_version=result.policy_version,
            list_id=result.list_id,
            disposition=result.disposition,
            days=result.days + result.home_days,
            start_on=result.start,
            end_on=result.end,
            sampling_dates=json.dumps([d.isoformat() for d in result.nucleic_acid_dates]),
            alert=result.alert,
            reason=result.reason,
            matched_level=matched.level if matched else None,
            matched_area=f"{matched.place}（{matched.area}）" if matched else None,
            created_at=now,
        )
    )
    ctx.session.flush()
    update_profile(ctx.sql, person=ctx.person, name=slots["name"], phone=slots["phone"], village_id=slots["village"])
    cadres = _cadres(ctx, slots["village"])
    _alert(ctx, declaration.id, cadres, result)
    return TEXT.done.format(reason=result.reason, next=_next_step(result)) + _contact(cadres)


def _cadres(ctx: Context, village_id: int) -> list[tuple]:
    """(person id, openid, role, name, phone) of everyone alerted for this village."""
    roles, params = ctx.sql.in_list("role", list(ALERTED_ROLES))
    found = ctx.sql.all(
        "SELECT p.id, p.openid, a.role, p.name, p.phone FROM cadre_assignment a JOIN person p ON p.id = a.person_id"
        f" WHERE a.village_id = :village AND a.role IN {roles} ORDER BY a.id",
        village=village_id,
        **params,
    )
    if found:
        return found
    # Nobody is bound for this village yet: the work area's lead, else the town command, must still hear of it.
    found = ctx.sql.all(FALLBACK_CADRES, village=village_id)
    if not found:
        log.warning(
            "no cadre is bound for village %s or above it: a declaration is stored but alerts no one", village_id
        )
    return found


FALLBACK_CADRES = (
    "SELECT p.id, p.openid, a.role, p.name, p.phone FROM cadre_assignment a JOIN person p ON p.id = a.person_id"
    " JOIN village v ON v.id = a.village_id WHERE (a.role = 'work_area_lead'"
    " AND v.work_area_id = (SELECT work_area_id FROM village WHERE id = :village)) OR a.role = 'town_command'"
    " ORDER BY CASE WHEN a.role = 'work_area_lead' THEN 0 ELSE 1 END, a.id"
)


def _alert(ctx: Context, declaration_id: int, cadres: list[tuple], result) -> None:
    days = result.days + result.home_days
    period = TEXT.period.format(days=days, start=day(result.start), end=day(result.end)) if result.end else ""
    text = TEXT.alert.format(
        urgent=TEXT.urgent if result.alert else "",
        disposition=result.disposition,
        period=period,
        samples=TEXT.separator.join(day(d) for d in result.nucleic_acid_dates) or TEXT.no_samples,
        reason=result.reason,
        **_facts(ctx),
    )
    for person_id in dict.fromkeys(row[0] for row in cadres):
        openid = next(row[1] for row in cadres if row[0] == person_id)
        key = f"declaration:{declaration_id}:alert:{person_id}"
        enqueue(ctx.sql, key=key, recipient_openid=openid, kind="alert", text=text, now=ctx.now)


def _next_step(result) -> str:
    samples = TEXT.separator.join(day(d) for d in result.nucleic_acid_dates)
    if result.alert:
        return TEXT.next_urgent
    if result.disposition == "居家隔离":
        return TEXT.next_isolate.format(days=result.days, samples=samples)
    if result.nucleic_acid_dates:
        return TEXT.next_monitor.format(samples=samples)
    return TEXT.next_free


def _contact(cadres: list[tuple]) -> str:
    cadre = next((row for row in cadres if row[2] == "village_cadre" and row[3] and row[4]), None)
    return TEXT.cadre_contact.format(name=cadre[3], phone=cadre[4]) if cadre else ""


FLOW = Flow(
    name="declare_return",
    title=TEXT.title,
    entry_words=("返乡报备", "我要报备", "报备"),
    entry_keys=("RETURN",),
    entry_intents=("declare_return",),
    steps=(
        Step("name", "名字", texts.ASK_NAME, parse_name, recognisable=False),
        Step("phone", "电话", texts.ASK_PHONE, parse_phone),
        Step("village", "村", texts.ASK_VILLAGE, parse_village),
        Step("origin", "地方", _ask_origin, parse_origin),
        Step("street", "街道", _ask_street, parse_street, skip=_skip_street, recognisable=False),
        Step("arrived_on", "日期", TEXT.ask_arrived, parse_arrived),
        Step("transport", "交通", TEXT.ask_transport, parse_transport),
        Step("health_code", "健康码", TEXT.ask_code, parse_code),
    ),
    summary=_summary,
    finish=_finish,
    prefill=_prefill,
)
