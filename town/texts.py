"""The town's own words, shared by the chat and the jobs: dates as people read them, names of things."""


class WHEN:
    day = "{month}月{day}日"
    day_year = "{year}年{month}月{day}日"
    year = "{year}年"
    hour = "{month}月{day}日{hour}时"
    hour_minute = "{month}月{day}日{hour}时{minute}分"
    clock = "{month}月{day}日{clock}"


# The gatherings the town has rules for (红白事), as households and cadres name them.
EVENT_NAMES = {"wedding": "结婚", "funeral": "丧事", "other": "酒席"}

# The roles a cadre can hold, as cadres and villagers name them.
ROLE_NAMES = {
    "township_cadre": "包村干部",
    "village_cadre": "村干部",
    "village_doctor": "村医",
    "police": "民警",
    "grid_worker": "网格员",
    "checkpoint": "卡点值守",
    "volunteer": "志愿者",
    "work_area_lead": "工作区负责人",
    "town_command": "镇指挥部",
}


class POSITION:
    """A cadre's role with its place (the town command's place is the town: its name alone)."""

    work_area = "{area}的负责人"
    village = "{village}的{role}"
