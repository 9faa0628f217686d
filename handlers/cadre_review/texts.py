"""What the cadres' review commands (同意 / 维持 / 改为) answer and tell the other cadres."""


class TEXT:
    help_review = "发「同意 编号」或「维持 编号」：回复名单更新后放宽管控的建议"
    help_override = "发「改为 编号 居家隔离 原因」：核实后调整一个人的管控"
    accepted = "好的，{name}（报备编号{number}）已改为{disposition}{period}，已经通知本人。"
    kept = "好的，{name}（报备编号{number}）继续{disposition}{period}。"
    overridden = "好的，{name}（报备编号{number}）已改为{disposition}{period}，已经把调整和原因告诉本人。"
    same = "{name}（报备编号{number}）现在就是{disposition}{period}，不用改。"
    nothing_pending = "报备编号{number}（{name}）现在没有等您确认的放宽，管控是{disposition}{period}。"
    handled = "报备编号{number}（{name}）的放宽已经由{who}处理过了，现在管控是{disposition}{period}。"
    not_found = "没有找到报备编号{number}，请核对一下消息里的编号。"
    cadres_only = "抱歉，这个操作只有负责的干部才能用。"
    not_yours = "抱歉，报备编号{number}是{village}的，不归您管，请交给{village}的干部处理。"
    need_reason = "请把原因也写上，比如：改为 {number} {disposition} 已在外地隔离满14天。"
    not_in_policy = "规则表里没有「{disposition}」这种管控，请跟镇指挥部联系。"
    override_reason = "按您的情况，管控改为{disposition}{period}，原因：{note}"
    others = "报备编号{number}（{name}）已由{who}处理：{what}。"
    what_accepted = "同意放宽为{disposition}{period}"
    what_kept = "继续{disposition}{period}"
    what_overridden = "改为{disposition}{period}，原因：{note}"
    todo = (
        "报备编号{number}：{name}（{village}）按新名单可以从{old}放宽为{new}（{at}提出），等您确认\n"
        "  → 同意回「同意 {number}」；继续{old}回「维持 {number}」"
    )
    someone = "其他干部"
    you = "您"
