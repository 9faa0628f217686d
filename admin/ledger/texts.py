"""The 台账 as cadres and the county read it: sheet titles, column headers, and how cells are written."""

RETURNEES, QUARANTINES, CHECKPOINTS = "返乡人员", "隔离管控", "卡点异常"
FEVERS, SUPPLIES, EVENTS, VACCINES = "发热", "物资", "红白事", "疫苗"
RETURNEE_COLUMNS = (
    "序号", "姓名", "身份证号", "联系电话", "代报人", "所在村", "从何地返回", "离开日期", "返回日期", "交通方式",
    "健康码", "管控措施", "开始日期", "结束日期", "已采样", "包保责任人", "依据",
)  # fmt: skip
QUARANTINE_COLUMNS = (
    "序号",
    "姓名",
    "联系电话",
    "所在村",
    "管控措施",
    "开始日期",
    "结束日期",
    "核酸采样日期",
    "已采样",
    "包保责任人",
)
CHECKPOINT_COLUMNS = (
    "序号", "时间", "卡点/村", "车牌", "姓名", "电话", "从何地来", "健康码", "人数", "处置", "是否已报备", "原文",
)  # fmt: skip
FEVER_COLUMNS = (
    "序号", "报告时间", "所在村", "报告人", "联系电话", "发热人", "体温", "症状", "来源", "状态", "处理时间",
    "处理情况", "原文",
)  # fmt: skip
SUPPLY_COLUMNS = (
    "序号", "单号", "申请时间", "所在村", "申请人", "联系电话", "物品", "加急", "备注", "状态", "接单人", "接单时间",
    "送达时间", "收到时间", "原文",
)  # fmt: skip
EVENT_COLUMNS = ("序号", "报备时间", "所在村", "报备人", "联系电话", "类型", "日期", "人数", "地点", "原文")
VACCINE_COLUMNS = (
    "序号", "所在村", "姓名", "身份证号", "年龄段", "已接种剂次", "最近接种日期", "报告人电话", "登记时间",
)  # fmt: skip
# Digits that must stay text: an 18-digit ID as a number loses its last digits; a phone loses nothing but looks wrong.
TEXT_COLUMNS = frozenset({"身份证号", "联系电话", "电话", "车牌", "代报人", "已采样", "报告人电话"})

CODES = {"green": "绿码", "yellow": "黄码", "red": "红码"}
TRANSPORTS = {"self_drive": "自驾", "train": "高铁/火车", "bus": "大巴", "plane": "飞机", "other": "其他"}
FEVER_SOURCES = {"report": "报告", "checkin": "健康打卡"}
FEVER_STATES = {"open": "待跟进", "closed": "已处理"}
SUPPLY_STATES = {
    "open": "待接单", "accepted": "已接单", "delivered": "已送达", "received": "已收到", "refused": "未能办理",
    "cancelled": "已取消",
}  # fmt: skip
ABROAD, OVERRIDDEN, UNDECIDED, NO_VILLAGE, YES, NO = "境外", "（干部调整）", "待定", "未注明", "是", "否"


class CELL:
    """How a cell combines what is stored."""

    responsible = "{role}：{name}"
    nameless = "未登记姓名"
    vacant = "{role}：暂缺"
    phone = " {phone}"
    people_separator = "；"
    transport_detail = "{label}（{detail}）"
    relation = "，{relation}"
    companion = "{name}（与{declarer}同行{relation}）"
    home_from = "（{day}起居家隔离）"
    with_companions = "{name}（同行：{companions}）"
    separator = "、"
    proxy = "{name}{phone}"
    proxy_relation = "{name}{phone}（为其{relation}报备）"
    sampled = "{done}/{total}"


class BASIS:
    """The 依据 in the third person: the facts that decided, as the policy's rule names them."""

    left_place = "{left}离开{place}"
    abroad_trip = "从境外入境返回"
    entry = "{day}从{port}入境"
    entry_somewhere = "{day}入境"
    port_done = "，在{port}已集中隔离{days}天"
    port_none = "，入境后未集中隔离"
    port_somewhere = "入境城市"
    code = "健康码为{code}，{trip}"
    abroad = "{trip}{port_done}，回来后{measure}"
    listed = "{trip}（{level}：{area}，{list}）"
    related = "{trip}（关联区域，区内有{level}地区{area}，{list}）"
    left_over = "{trip}，已超过{within}天"
    not_listed = "{trip}（不在中高风险地区，{list}）"
    trip = "{trip}（{list}）"
    published = "{date}名单"
    imported = "{date}导入的名单"
    no_list = "当时的名单"
    somewhere = "外地"
    cadre_note = "{basis}；干部说明：{note}"


class WORKBOOK:
    """The Excel file's properties, titles and page header and footer."""

    title = "{scope}疫情防控台账"
    subject = "导出时间 {stamp}"
    creator = "乡安"
    sheet_title = "{scope}{sheet}台账"
    header_right = "导出时间 {stamp}"
    footer = "第 &P 页，共 &N 页"
