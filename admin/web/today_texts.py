"""Everything the Today page and the 待办 board say (the dashboard's other pages keep theirs in their own texts)."""


class TEXT:
    # The Today page.
    title = "今日"
    heading = "{where} {date}"
    as_of = "截至{time}"
    town = "全镇"
    separator = "、"
    whole = "合计"
    no_village = "村子不明"
    stale = "注意：{note}"
    n_declared = "今天返乡报备"
    n_quarantines = "正在管控（户）"
    n_supplies = "物资没办完"
    n_late = "超时{n}件"
    n_missing = "今天还没打卡"
    n_fevers = "发热未处理"
    n_closed = "近7天已处理{n}"
    n_vaccines = "疫苗接种率"
    n_registered = "登记{n}人"
    none_number = "—"
    unit = "件"
    declarations = "近14天返乡报备（按管控措施）"
    quarantines = "正在管控（按村、按措施）"
    supplies = "没办完的物资申请（按状态、超时）"
    missing = "今天还没打卡的户（按村）"
    fevers = "近7天发热报告（按村，未处理/已处理）"
    vaccines = "疫苗接种（按村、按年龄段）"
    by_village = "各村一览"
    day = "日期"
    village = "村"
    total = "合计"
    nothing = "没有"
    missing_series = "没打卡"
    supply_states = {"open": "待接单", "accepted": "已接单未送达"}
    lateness = {"on_time": "没超时", "late": "超时", "late_day": "超时一天以上"}
    fever_states = {"open": "未处理", "closed": "已处理"}
    village_columns = ("村", "管控户", "物资没办完", "其中超时", "没打卡", "发热未处理")
    vaccine_columns = ("村", "年龄段", "登记人数", "打过一针及以上", "两针及以上", "接种率")
    no_vaccines = "还没有人登记疫苗。"
    brief = "调度简报全文"
    no_js = "图表要打开JavaScript才显示；下面的表格是同样的数字。"
