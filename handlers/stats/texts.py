"""What 统计 says around the figures: its help, the refusal, the header."""


class TEXT:
    help = "发「统计」：看您负责的村（工作区、全镇）今天的数字"
    cadres_only = "抱歉，「统计」是给村里干部用的。"
    header = "{where}{date}统计（截至{time}）"
    separator = "、"
    town = "全镇"
    unreachable = "联系不上的干部：{n}人（{names}），请打电话"
    no_name = "没留名字"
