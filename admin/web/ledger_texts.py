"""Everything a cadre reads on the ledger pages, the person page and the 台账 download (Simplified Chinese)."""

from __future__ import annotations

from admin.ledger.texts import FEVER_STATES, SUPPLY_STATES

TITLE = "台账"
INTRO = "按村、日期、状态筛选，按姓名或电话查找；点姓名看这个人说过的和收到的每一条消息。"


class LEDGER:
    """Each ledger's name and one line about it."""

    names = {
        "returnees": "返乡人员",
        "quarantines": "隔离管控",
        "supplies": "物资申请",
        "fevers": "发热报告",
        "events": "红白事",
        "vaccination": "疫苗接种",
        "checkpoints": "卡点记录",
    }
    about = {
        "returnees": "报备返乡的人和他们的管控措施",
        "quarantines": "隔离和健康监测的户，采样做了几次、下次哪天",
        "supplies": "居家隔离户要的生活物资，谁接单、送到没有",
        "fevers": "发烧和不舒服的报告，村医跟进了没有",
        "events": "结婚、丧事、酒席的报备",
        "vaccination": "登记的疫苗接种情况",
        "checkpoints": "卡点报来的异常和过往记录",
    }


# The states each ledger filters by, as offered in its 状态 list.
STATES = {
    "returnees": {
        "central": "集中隔离", "home": "居家隔离", "monitor": "居家健康监测", "free": "无需隔离", "undecided": "待定",
    },
    "quarantines": {"active": "在管", "sampling_due": "今天及以前有待采样", "ended": "已解除", "cancelled": "已取消"},
    "supplies": SUPPLY_STATES,
    "fevers": FEVER_STATES,
    "events": {"wedding": "结婚", "funeral": "丧事", "other": "酒席"},
    "vaccination": {"none": "未接种", "one": "1剂", "two": "2剂", "three": "3剂及以上"},
    "checkpoints": {"anomaly": "异常", "undeclared": "异常且未报备", "sighting": "正常过往"},
}  # fmt: skip
QUARANTINE_STATUS = {"active": "在管", "ended": "已解除", "cancelled": "已取消"}


class FILTER:
    """The filter form."""

    village = "村"
    all_villages = "全部村"
    first = "从"
    last = "到"
    state = "状态"
    all_states = "全部"
    search = "姓名或电话"
    search_masked = "姓名"
    submit = "筛选"
    clear = "清除"
    dates = {
        "returnees": "返回日期", "quarantines": "开始日期", "supplies": "申请日期", "fevers": "报告日期",
        "events": "办事日期", "vaccination": "最近接种日期", "checkpoints": "日期",
    }  # fmt: skip


class PAGE:
    """Counts and paging."""

    found = "共 {total} 条"
    found_many = "超过 {total} 条，可以再加筛选条件"
    empty = "没有符合条件的记录。"
    first = "回到最新"
    older = "更早的 {size} 条"
    download = "下载台账（Excel）"
    download_scope = "下载的台账只含您管辖的村"
    download_village = "只下载这个村"
    back = "全部台账"


class CELL:
    """How a ledger cell reads."""

    nameless = "（未留姓名）"
    no_village = "未注明"
    sampled = "已采 {done}/{total} 次"
    next_due = "下次 {day}"
    late_days = "已等 {days} 天"
    urgent = "加急"
    yes, no = "是", "否"
    abroad = "境外"
    undecided = "待定"
    degrees = "{t}℃"
    doses = "{n} 剂"
    people = "{n} 人"
    guests = "约 {n} 人"
    declared = "已报备"
    undeclared = "未报备"
    sighting = "正常"
    anomaly = "异常"
    home_from = "，{day}起居家"
    until = "至 {day}"


class COLUMNS:
    """Column headers of the ledger pages."""

    name, phone, id_number, village, origin, arrived = "姓名", "电话", "身份证号", "村", "从何地返回", "返回日期"
    measure, code, period, sampling, status = "管控措施", "健康码", "时间", "采样", "状态"
    items, note, text, asked, taker = "物品", "备注", "原话", "申请时间", "接单"
    patient, temperature, symptoms, reported, outcome = "发热人", "体温", "症状", "报告时间", "处理情况"
    kind, day, guests, place = "类型", "日期", "人数", "地点"
    age, doses, last_dose = "年龄段", "剂次", "最近接种"
    seen, plate, action, declared = "时间", "车牌", "处置", "是否报备"


class PERSON:
    """The person's page."""

    title = "{name}的消息记录"
    nameless = "未留姓名"
    phone = "电话"
    village = "村"
    no_village = "还没说是哪个村"
    since = "第一次来消息"
    unsubscribed = "已取消关注公众号"
    said = "说"
    sent = "收到"
    reply = "回复"
    empty = "还没有消息记录。"
    older = "更早的消息"
    newest = "回到最新"
    error = "错误码 {code}"
    kinds = {
        "alert": "防控提醒", "notice": "通知", "late_reply": "回复", "call": "请电话联系", "broadcast": "广播通知",
    }  # fmt: skip
    events = {
        "subscribe": "关注了公众号", "unsubscribe": "取消关注", "CLICK": "点了菜单", "click": "点了菜单",
        "VIEW": "打开了菜单链接", "view": "打开了菜单链接", "SCAN": "扫了二维码", "scan": "扫了二维码",
        "LOCATION": "上报了位置", "location": "上报了位置",
        "TEMPLATESENDJOBFINISH": "模板消息送达回执", "templatesendjobfinish": "模板消息送达回执",
    }  # fmt: skip
    message_types = {"image": "发了一张图片", "voice": "发了一段语音", "video": "发了一段视频", "location": "发了位置"}
    other = "（{kind}）"


DOWNLOAD_NAME = "{scope}台账-{stamp}.xlsx"
