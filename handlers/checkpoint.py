"""卡点报告 and 登记: checkpoint staff report an anomaly (the town command hears at once) or record who passed."""

from __future__ import annotations

import logging
import re
import unicodedata

from bot.dialogue import Command, Context, Flow, Parsed, Step, accept, reask, texts, words
from bot.dialogue.fields import village_name
from bot.nlu import understand
from bot.nlu.numbers import to_number
from broadcasts.checkpoints import match_report
from broadcasts.riskareas.entries import SHANGHAI
from models.cadre import HOLDERS, ROLES, Holder, held_roles, holds_role, town_command
from models.checkpoint import CheckpointReport
from models.outbox import enqueue

log = logging.getLogger(__name__)


class TEXT:
    help_sighting = "发「登记 车牌 姓名 电话 从哪里来」：登记卡点查到的人，看他报备了没有"
    title = "卡点报告"
    sighting_title = "卡点登记"
    ask_what = "请说一下卡点发生了什么事，比如：西口卡点发现红码人员一名。"
    what_again = "请用一句话说一下发生了什么，比如：有辆外地车不配合检查。"
    ask_people = "一共几个人？回个数字就行。不知道的话回「不知道」。"
    people_again = "请回一个数字，比如：2。不知道的话回「不知道」。"
    ask_origin = "他们是从哪里来的？比如：郑州市二七区。不知道的话回「不知道」。"
    ask_code = "他们的健康码是什么颜色？没看到的话回「不知道」。"
    code_again = "请回「绿码」「黄码」或「红码」，没看到的话回「不知道」。"
    ask_plate = "车牌号是多少？比如：豫C12345。没有车的话回「没有」。"
    plate_again = "没看明白车牌号，请再发一次，比如：豫C12345。看不清的话回「不知道」。"
    ask_action = "现在是怎么处理的？比如：已劝返、人在卡点等着。"
    action_again = "请简单说一下怎么处理的，比如：已劝返。"
    summary = "请核对卡点报告：\n情况：{what}\n人数：{people}\n从哪里来：{origin}\n健康码：{code}\n车牌：{plate}"
    summary_end = "\n处理：{action}"
    person = "\n姓名：{name}"
    phone = "\n电话：{phone}"
    unknown = "不知道"
    no_plate = "没有"
    people = "{n}人"
    abroad = "境外"
    done = "报告已经发给镇指挥部了，谢谢您！请按规定先处置，注意做好自己的防护。"
    recorded = "报告已经记下了，谢谢您！"
    nobody = "报告已经记下了。镇指挥部还没有人绑定，收不到消息，请马上打电话报告。"
    alert = "【卡点报告】{reporter}报告：\n{what}\n{known}\n处理：{action}{person}\n时间：{time}"
    alert_person = "\n对方：{who}"
    plate = "车牌{plate}"
    from_place = "从{origin}来"
    declared = "\n查到返乡报备：{name}，{village}，{arrived}到家。"
    undeclared = "\n没有查到返乡报备。"
    reporter_phone = "（{phone}）"
    sighting_done = "登记好了：{who}。"
    sighting_text = "卡点登记：{who}"
    own_info = "\n要登记您自己的信息，请发「我的信息」。"
    sighting_declared = "\n已经报备过：{village}，{arrived}到家。"
    sighting_undeclared = "\n没查到返乡报备，请提醒本人到家后发「返乡报备」。"
    sighting_alerted = "\n是{code}，已经报告镇指挥部，请按规定先处置。"
    sighting_usage = (
        "请在「登记」后面写车牌、姓名、电话、从哪里来，用空格隔开，比如：登记 豫C12345 张三 13800001234 郑州"
    )
    time = "{month}月{day}日{hm}"
    day = "{month}月{day}日"
    separator = "，"


STAFF_ROLES = ("checkpoint", "grid_worker", "volunteer", "police", "village_cadre", "township_cadre")
STAFF_ROLES += ("work_area_lead", "town_command")
FACTS = ("name", "phone", "plate", "origin", "health_code", "people", "action")
CODES = {"green": "绿码", "yellow": "黄码", "red": "红码"}
_COLOUR = {"红": "red", "黄": "yellow", "绿": "green"}
_CODE = re.compile(r"(红|黄|绿)色?码")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE = re.compile(rf"[{_PROVINCES}]\s*[a-z][\s·.]?[a-z0-9]{{5,6}}(?![a-z0-9])", re.IGNORECASE)
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_NUM = r"(\d{1,3}|[一二两三四五六七八九十]{1,3})"
_PEOPLE = re.compile(rf"{_NUM}\s*(?:个人|个|人|名|位|口)|(?:人员|人)\s*{_NUM}\s*(?:名|个|位)")
_NAME = re.compile(r"(?:名叫|叫|姓名|名字)[:：是]?\s*([\u4e00-\u9fff]{2,4}?)(?=[的，,。\s]|$)")
_CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_ACTIONS = ("劝返", "劝离", "劝回", "隔离", "留观", "留置", "扣留", "控制", "带走", "送往", "送到", "转运", "已通知")
_ACTIONS += ("已报告", "已上报", "已联系", "放行", "在卡点等", "等村医", "原地等", "已登记")
_CLAUSE = re.compile(r"[,，。;；!！\s]+")
_DONT_KNOW = ("不知道", "不清楚", "没看到", "没看清", "看不清", "不晓得", "没问", "没有", "无", "没")
_NO_CAR = ("没有", "没车", "无", "步行", "走路", "走着", "骑车", "电动车", "不知道", "看不清", "没看清")
_NOT_NAMES = ("本地", "本村", "本镇", "外地", "外省", "外来", "司机", "乘客", "一家", "全家", "返乡", "回来")
_NOT_NAMES += ("码", "人")


def _clean(text: str) -> str:
    """Half-width for reading (the plate keeps its capitals); what people wrote is stored as typed."""
    return unicodedata.normalize("NFKC", text).strip()


def _unknown(text: str) -> bool:
    return words.bare(text).startswith(_DONT_KNOW)


def _without_ids(text: str) -> str:
    """The text without plate and phone (豫 in a plate is no place, a phone's digits no head count)."""
    return _PHONE.sub(" ", PLATE.sub(" ", _clean(text)))


def read_plate(text: str) -> str | None:
    found = PLATE.search(_clean(text))
    return re.sub(r"[\s·.]", "", found.group(0)).upper() if found else None


def read_code(text: str) -> str | None:
    """The worst health-code colour named (红码 over 黄码 over 绿码)."""
    found = {_COLOUR[m.group(1)] for m in _CODE.finditer(_clean(text))}
    return next((code for code in ("red", "yellow", "green") if code in found), None)


def read_people(text: str) -> int | None:
    found = _PEOPLE.search(_without_ids(text))
    number = to_number(found.group(1) or found.group(2)) if found else None
    return int(number) if number and number == int(number) else None


def read_origin(text: str, ctx: Context) -> str | None:
    """Where they came from, as the NLU reads the place."""
    found = understand(_without_ids(text), ctx.now.astimezone(SHANGHAI).date())
    place = found.slots.get("origin") or found.secondary.get("origin") or found.slots.get("place")
    if not place or place.get("abroad"):
        return TEXT.abroad if place else None
    city = "" if place.get("city") == place.get("province") else place.get("city") or ""
    return (place.get("province") or "") + city + (place.get("district") or "")


def read_name(text: str, ctx: Context, *, bare: bool = False) -> str | None:
    """「叫张三」; with bare, also a lone two-to-four-character token that is no place (「登记 … 张三 …」)."""
    said = _without_ids(text)
    if found := _NAME.search(said):
        return found.group(1)
    tokens = re.split(r"[\s,，、;；]+", said) if bare else []
    names = (t for t in tokens if _CHINESE_NAME.match(t) and not any(w in t for w in _NOT_NAMES))
    return next((t for t in names if not _is_place(t, ctx)), None)


def _is_place(token: str, ctx: Context) -> bool:
    """A token naming the place the NLU reads in it (郑州, 扬州邗江), not one it only resembles (王五 is 王五镇)."""
    place = read_origin(token, ctx)
    return place is not None and all(ch in place for ch in token)


def read_facts(text: str, ctx: Context, *, bare_name: bool = False) -> dict:
    """Every fact a checkpoint message carries: plate, phone, name, code, people, origin, action."""
    phone = _PHONE.search(_clean(text))
    action = next((c for c in _CLAUSE.split(_clean(text)) if any(a in c for a in _ACTIONS)), None)
    name = read_name(text, ctx, bare=bare_name)
    facts = {
        "plate": read_plate(text),
        "phone": phone.group(0) if phone else None,
        "name": name,
        "health_code": read_code(text),
        "people": read_people(text),
        "origin": read_origin(text.replace(name, " ") if name else text, ctx),
        "action": action,
    }
    return {key: value for key, value in facts.items() if value is not None}


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
    if not ctx.correcting and _unknown(text):
        return accept(None)
    said = words.bare(text)
    found = read_people(text) or (to_number(said) if not ctx.correcting and re.fullmatch(_NUM, said) else None)
    return accept(int(found)) if found and 0 < found < 1000 else reask(TEXT.people_again)


def parse_origin(text: str, ctx: Context) -> Parsed:
    if found := read_origin(text, ctx):
        return accept(found)
    if ctx.correcting:
        return reask(TEXT.ask_origin)
    said = words.bare(text)
    if _unknown(text):
        return accept(None)
    # Staff may know only 「外省」「本地」「山那边」: kept as written rather than asked again.
    return accept(said[:50]) if re.fullmatch(r"[\u4e00-\u9fff]{2,20}", said) else reask(TEXT.ask_origin)


def parse_code(text: str, ctx: Context) -> Parsed:
    said = words.bare(text)
    if found := read_code(text) or next((c for k, c in _COLOUR.items() if said in (k, k + "的")), None):
        return accept(found)
    return accept(None) if not ctx.correcting and _unknown(text) else reask(TEXT.code_again)


def parse_plate(text: str, ctx: Context) -> Parsed:
    if found := read_plate(text):
        return accept(found)
    said = words.bare(text)
    return accept(None) if not ctx.correcting and any(w in said for w in _NO_CAR) else reask(TEXT.plate_again)


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


def _day(date) -> str:
    return TEXT.day.format(month=date.month, day=date.day)


def _store(ctx: Context, facts: dict, text: str, *, anomaly: bool) -> tuple[CheckpointReport, object]:
    """The report, at the reporter's village, matched at once to a declaration when it names someone."""
    held = held_roles(ctx.sql, person_id=ctx.person.id)
    local = [village for role, village in held if role not in ("work_area_lead", "town_command")]
    report = CheckpointReport(
        reporter_person_id=ctx.person.id,
        village_id=local[0] if local else ctx.person.village_id,
        anomaly=anomaly,
        text=text[:2000],
        seen_at=ctx.now,
        **{key: facts.get(key) for key in FACTS},
    )
    ctx.session.add(report)
    ctx.session.flush()
    declaration = match_report(ctx.session, report)
    ctx.session.flush()
    return report, declaration


WORK_AREA_LEAD = (
    HOLDERS + " JOIN village v ON v.id = a.village_id WHERE a.role = 'work_area_lead'"
    " AND v.work_area_id = (SELECT work_area_id FROM village WHERE id = :village) ORDER BY a.id"
)


def _command(ctx: Context, village_id: int | None) -> list[Holder]:
    """The town command, and the work-area lead of the reporter's village."""
    leads = [Holder(*row) for row in ctx.sql.all(WORK_AREA_LEAD, village=village_id)] if village_id else []
    return list({h.person_id: h for h in [*town_command(ctx.sql), *leads]}.values())


def _reporter(ctx: Context, village_id: int | None) -> str:
    held = [role for role, _ in held_roles(ctx.sql, person_id=ctx.person.id) if role in STAFF_ROLES]
    who = village_name(ctx, village_id) + (ROLES[held[0]] if held else "") + (ctx.person.name or "")
    return who + (TEXT.reporter_phone.format(phone=ctx.person.phone) if ctx.person.phone else "")


def _alert_text(ctx: Context, report: CheckpointReport, declaration) -> str:
    known = [
        TEXT.people.format(n=report.people) if report.people else "",
        TEXT.from_place.format(origin=report.origin) if report.origin else "",
        CODES.get(report.health_code, ""),
        TEXT.plate.format(plate=report.plate) if report.plate else "",
    ]
    who = " ".join(v for v in (report.name, report.phone) if v)
    if declaration is not None:
        village = village_name(ctx, declaration.village_id)
        found = TEXT.declared.format(name=declaration.name, village=village, arrived=_day(declaration.arrived_on))
    else:
        found = TEXT.undeclared if who or report.plate else ""
    local = ctx.now.astimezone(SHANGHAI)
    return TEXT.alert.format(
        reporter=_reporter(ctx, report.village_id),
        what=report.text,
        known=TEXT.separator.join(part for part in known if part) or TEXT.unknown,
        action=report.action or TEXT.unknown,
        person=(TEXT.alert_person.format(who=who) if who else "") + found,
        time=TEXT.time.format(month=local.month, day=local.day, hm=local.strftime("%H:%M")),
    )


def _alert(ctx: Context, report: CheckpointReport, declaration) -> str:
    """Queue the alert for the command (never the reporter); the reply saying who heard of it."""
    everyone = _command(ctx, report.village_id)
    others = [h for h in everyone if h.person_id != ctx.person.id]
    text = _alert_text(ctx, report, declaration)
    for holder in others:
        key = f"checkpoint:{report.id}:alert:{holder.person_id}"
        enqueue(ctx.sql, key=key, recipient_openid=holder.openid, kind="alert", text=text, now=ctx.now)
    if not everyone:
        log.warning("checkpoint report %s alerts no one: nobody is bound as the town command", report.id)
    return TEXT.done if others else TEXT.recorded if everyone else TEXT.nobody


def _finish(ctx: Context) -> str:
    report, declaration = _store(ctx, ctx.slots, ctx.slots["what"], anomaly=True)
    return _alert(ctx, report, declaration)


ENTRY_WORDS = ("卡点报告", "卡口报告", "卡点上报", "卡口上报", "异常上报")

FLOW = Flow(
    name="report_checkpoint",
    title=TEXT.title,
    entry_words=ENTRY_WORDS,
    entry_intents=("report_checkpoint",),
    roles=STAFF_ROLES,
    steps=(
        Step("what", "情况", TEXT.ask_what, parse_what, recognisable=False),
        Step("people", "人数", TEXT.ask_people, parse_people),
        Step("origin", "从哪里来", TEXT.ask_origin, parse_origin),
        Step("health_code", "健康码", TEXT.ask_code, parse_code),
        Step("plate", "车牌", TEXT.ask_plate, parse_plate),
        Step("action", "处理", TEXT.ask_action, parse_action, recognisable=False),
    ),
    summary=_summary,
    finish=_finish,
    prefill=_prefill,
)


def _record(ctx: Context, match: re.Match) -> str:
    """「登记 豫C12345 张三 13800001234 郑州」: one sighting, matched to a declaration; a red/yellow code alerts."""
    if not holds_role(ctx.sql, person_id=ctx.person.id, roles=STAFF_ROLES):
        return texts.CADRES_ONLY.format(title=TEXT.sighting_title) + TEXT.own_info
    facts = read_facts(match.group(1), ctx, bare_name=True)
    anomaly = facts.get("health_code") in ("red", "yellow")
    who = " ".join(str(facts[k]) for k in ("plate", "name", "phone") if facts.get(k))
    where = TEXT.from_place.format(origin=facts["origin"]) if facts.get("origin") else ""
    who = TEXT.separator.join(p for p in (who, where, CODES.get(facts.get("health_code"), "")) if p)
    report, declaration = _store(ctx, facts, TEXT.sighting_text.format(who=who), anomaly=anomaly)
    reply = TEXT.sighting_done.format(who=who)
    if declaration is not None:
        village = village_name(ctx, declaration.village_id)
        reply += TEXT.sighting_declared.format(village=village, arrived=_day(declaration.arrived_on))
    else:
        reply += TEXT.sighting_undeclared
    if anomaly:
        _alert(ctx, report, declaration)
        reply += TEXT.sighting_alerted.format(code=CODES[facts["health_code"]])
    return reply


_SIGHTING = re.compile(rf"^(?:卡点)?登记\s*(.*?(?:{PLATE.pattern}|{_PHONE.pattern}).*)$", re.IGNORECASE)
COMMANDS = (
    Command(name="checkpoint_sighting", pattern=_SIGHTING, run=_record, help=TEXT.help_sighting),
    Command(name="checkpoint_usage", pattern=re.compile(r"^卡点登记$"), run=lambda ctx, m: TEXT.sighting_usage),
)
