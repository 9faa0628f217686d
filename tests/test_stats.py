"""统计 for a cadre: today's numbers for their village, work area or town, against rows written here."""

from __future__ import annotations

from tests.support.stats import town as town  # noqa: F401  (the fixture)


def test_a_village_cadre_sees_their_village(town):
    assert town.client("st-cadre").say("统计") == "\n".join(
        [
            "鸣皋村8月6日统计（截至18:30）",
            "返乡报备：今天3份（居家隔离2、无需隔离1）",
            "正在管控：3户（居家隔离2、集中隔离1）",
            "物资申请：没办完3件，其中超时2件",
            "今天还没打卡：1户",
            "发热报告：今天1人，还没回「已联系」的2人",
            "红白事：接下来3件（最近：8月8日丧事，鸣皋村，约15人），日子没定1件",
            "疫苗登记：3人，打过一针及以上2人（67%），两针及以上1人",
            "  12-17岁：1人，打过1人（100%）",
            "  18岁以上：2人，打过1人（50%）",
            "待答复的村民提问：1个",
        ]
    )


def test_the_work_area_lead_and_the_town_command_see_more(town):
    lead = town.client("st-lead").say("今天的统计")
    assert lead.startswith("第一工作区8月6日统计（截至18:30）\n返乡报备：今天4份（居家隔离2、")
    assert "居家健康监测1" in lead and "正在管控：4户" in lead and "今天还没打卡：2户" in lead
    assert "发热报告：今天2人" in lead and "疫苗登记：4人，打过一针及以上3人（75%）" in lead
    assert "物资申请：没办完3件，其中超时2件" in lead
    command = town.client("st-command").say("统计")
    assert command.startswith("全镇8月6日统计") and "返乡报备：今天5份（居家隔离3、" in command
    assert "物资申请：没办完4件，其中超时3件" in command and "今天还没打卡：3户" in command
    doctor = town.client("st-doctor").say("统计")
    assert doctor.startswith("孙村8月6日统计") and "返乡报备：今天1份（居家健康监测1）" in doctor
    assert "物资申请：没办完0件，其中超时0件" in doctor and "红白事：接下来0件" in doctor


def test_a_villager_is_refused_and_cadres_see_it_in_help(town):
    assert town.client("st-villager").say("统计") == "抱歉，「统计」是给村里干部用的。"
    assert "发「统计」" in town.client("st-cadre").say("帮助")
    assert "统计" not in town.client("st-villager").say("帮助")
