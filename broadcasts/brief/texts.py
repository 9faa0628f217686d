"""What the evening dispatch brief says beyond the lines 统计 shows (town/stats)."""


class TEXT:
    title = "【调度简报】{where}{date}（截至{time}）"
    ending = "明天解除管控：{n}户"
    ending_names = "  {names}"
    checkpoints = "卡点异常：今天{anomalies}起；卡点登记了没报备{undeclared}人，报备到家卡点没登记{unseen}人"
    undeclared_line = "  没报备：{who}（{village}卡点{time}）"
    unseen_line = "  卡点没登记：{who}（{village}）"
    undeliverable = "发不出去的消息：今天{n}条"
    unreachable = "联系不上的干部：{n}人（{names}），请打电话"
    no_name = "没留名字"
    more = "  ……还有{n}人"
    full_at = "全文在后台的调度简报里。"
    town = "全镇"
    separator = "、"
    unknown = "不明"
