"""What vaccination coverage says: the age groups by name, and the table operators and cadres read."""

AGE_GROUPS = {"under12": "不满12岁", "12-17": "12-17岁", "18+": "18岁以上"}
UNKNOWN_GROUP = "未知"
HEADER = ("村", "年龄段", "登记人数", "打过一针及以上", "两针及以上", "接种率")


class TEXT:
    total = "合计"
    all_groups = "全部"
    none_yet = "{where}还没有人登记疫苗。"
    report = "{where}疫苗接种（按村民登记，接种率 = 打过一针及以上 ÷ 登记人数）"
