"""Everything a carer reads when recording a sampling round, and the rounds in their 待办."""


class TEXT:
    help = "发「采样 编号 完成」或「采样 编号 未完成 原因」：登记上门采样"
    done = "好的，记下了：{name}（{village}）{date}第{ordinal}次核酸已采。{next}"
    made_up = "好的，记下了：{name}（{village}）{date}第{ordinal}次核酸已补采，已告诉村干部和包村干部。{next}"
    next = "下次是{date}。"
    last = "这是最后一次。"
    not_done = (
        "好的，记下了：{name}（{village}）{date}第{ordinal}次核酸没采成，原因：{reason}。\n"
        "已告诉村干部和包村干部。补采以后请回「采样 {id} 完成」。"
    )
    need_reason = "请把没采成的原因也写上，比如：采样 {id} 未完成 家里没人。"
    already = "采样编号{id}已经记为采完了（{who}，{at}），不用再登记。"
    too_early = "采样编号{id}是{date}的，还没到日子，到那天再登记。"
    what_done = "完成"
    what_not_done = "未完成"
    moved = "这一户的管控调整过，这次采样现在是采样编号{new}，请回「采样 {new} {what}」。"
    over = "采样编号{id}（{name}）的管控已经结束或取消了，不用再登记。"
    not_found = "没有找到采样编号{id}，请核对一下提醒消息里的编号。"
    not_yours = "抱歉，采样编号{id}是{village}的，不归您管，请交给这户的村医或{village}的干部。"
    carers_only = "抱歉，采样登记只有负责这户的村医和干部才能用。"
    someone = "负责人"
    you = "您"
    # 待办
    todo_line = "采样编号{id}：{name}（{village}），{date}第{ordinal}次核酸{state}\n  → {hint}"
    todo_today = "，今天要采"
    todo_tomorrow = "，明天要采"
    todo_missed = "，没采成，待补采"
    todo_reason = "（{reason}）"
    todo_hint = "采完回「采样 {id} 完成」；没采成回「采样 {id} 未完成 原因」"
    todo_hint_missed = "补采以后回「采样 {id} 完成」"
