"""The risk lists' words: level names, the import report the operator reads, and what a malformed list is told."""

# The levels as the lists, villagers and cadres name them.
LEVEL_NAMES = {"high": "高风险", "medium": "中风险", "low": "低风险"}


class PLACE:
    whole_area = "（全域）"


class IMPORT:
    when = "%Y年%m月%d日%H时"  # strftime, in the town's time
    when_unknown = "未注明"
    created = "新版本 #{list_id}"
    unchanged = "unchanged：与已有版本 #{list_id} 相同，未重复导入"
    count = "{level} {n} 个"
    comma = "，"
    published = "发布时间：{when}"
    counts = "各等级数量：{counts}"
    first = "这是第一个版本，没有可比较的上一版本。"
    compared = "与上一版本 #{previous} 相比：新增 {added} / 移除 {removed} / 升级 {up} / 降级 {down}"
    added = "新增"
    removed = "移除"
    up = "升级"
    down = "降级"
    area = "{level} {place}"
    move = "{place}：{old} → {new}"
    section = "{title} {n}："
    item = "  {item}"
    more = "  ……另有 {n} 条"


class ERROR:
    list = "{source}：名单格式有误，共{n}处，未导入任何内容。\n{lines}"
    line = "第{line}行：{message}"
    at = "{problem}：{text}"
    unreadable = "无法读取文件：{exc}"
    empty = "名单里没有任何地区"
    csv_header = "第一行应为表头 {header}"
    csv_columns = "应有{want}列，实有{got}列"
    csv_level = "风险等级「{level}」应为 high/medium/low 或 高/中/低"
    json = "不是国务院客户端接口的 JSON：{exc}"
    json_time = "end_update_time 不是「2022-11-14 10时」这样的时间"
    json_communities = "没有 communitys：{name}"
    text_time = "没有找到发布时间（如「2021年8月4日14时」）"
    bad_time = "没有这个时间：{year}年{month}月{day}日{hour}时"
    header = "不认识的标题「{name}」（应是省份或城市，如「河南：3个」「郑州市：」）"
    empty_area = "这一处是空的"
    no_province = "找不到这一行属于哪个省的哪个市（请在上面加省份标题，如「河南省：」）"
    many_provinces = "这一行的市名在{n}个省都有，请在上面加省份标题（如「河南省：」）"
    text_level = "不在任何「高/中风险地区」标题下：{line}"
    text_province = "不在任何省份标题（如「河南：3个」）下：{line}"
    province = "不认识的省份「{name}」"
    city = "{province}没有「{name}」这个市/州"
    district_missing = "缺少区/县"
    district_after_city = "{city}后面找不到区/县"
    line_unplaced = "在{province}找不到这一行的市或区县"


class WARNING:
    count = "「{header}」写的是{expected}个，下面实际列了{got}个，请核对原文"
    heading = "名单数量和标题对不上（{n}处）："
    line = "第{line}行：{message}"
    alert = "【名单核对】{when}公布的名单导入了，但有{n}处数量和标题对不上，请核对原文是否漏抄：\n{lines}"


class STALE:
    note = "注意：这是{date}的名单，已经过了{days}天，可能不是最新的。"
    command = "【名单过期】{note}\n请尽快导入最新的中高风险地区名单（python main.py import-risk-list 文件）。"
