"""The checkpoint lists (卡点核对) as the town command reads them."""


class TEXT:
    title = "【卡点核对】{day}"
    undeclared = "在卡点登记了、但没有返乡报备的（{n}人）："
    unseen = "报备{day}到家、但卡点没有登记的（{n}人）："
    report_line = "{i}. {who}，{village}卡点{time}登记"
    declaration_line = "{i}. {who}，{village}，从{origin}回来，{transport}"
    more = "……还有{n}人，请到后台查看。"
    advice = "请各村核实：没报备的请提醒本人发「返乡报备」；没在卡点登记的，请问问是从哪条路回来的。"
    all_matched = "{day}：卡点登记的人都已报备，报备当天到家的人卡点也都登记了。"
    unknown_place = "不明"
    none = "无"
    queued = "已排队发给镇指挥部：{n}条（同一天同一人只发一次）。"
    no_command = "镇指挥部还没有人绑定，没有发出。"


# How a returnee came by road, as the lists say it (None: the declaration does not say).
TRANSPORT_NAMES = {"self_drive": "自己开车", "bus": "坐大巴", "other": "其他方式", None: "没说怎么回来"}
