"""Everything the supply-request flow and its commands say, to the household and to the cadres."""


class TEXT:
    title = "家里缺米面油、菜或者药，请村里帮忙买来送到家"
    my_title = "看看申请的东西办到哪一步了"
    ask_items = "您要买些什么？要多少？比如：两袋米、一桶油、一盒降压药。"
    items_again = "没看明白要什么。请写东西和数量，比如：两袋米、一桶油。"
    ask_urgent = "这些东西今天就要吗？今天就要回「急」，不着急回「不急」。"
    ask_note = "有什么话要捎给干部吗？比如：放门口就行。"
    urgent_again = "请回「急」（今天就要），或者「不急」。"
    summary = "请核对您要的东西：\n要：{items}\n急不急：{urgent}{note}\n联系人：{contact}"
    summary_note = "\n备注：{note}"
    urgent_hint = "今天就要的话，回「急」。"
    note_hint = "有话捎给干部，直接写上，比如：放门口就行。"
    urgent_yes = "急，今天就要"
    urgent_no = "不急"
    contact = "{name}，{phone}，{village}"
    done = "好的，记下了，您的申请编号是{number}号。\n已经交给{who}，谁来送会马上告诉您。"
    done_urgent = "您说比较急，干部会尽快安排。"
    done_nobody = (
        "好的，记下了，您的申请编号是{number}号。村里的干部还没有在这里登记，暂时没人收到消息。"
        "急用的话，请直接给村委会打电话；干部登记后会马上看到您的申请。"
    )
    alert = "【新的物资申请】{card}\n{hints}"

    # 我的申请
    mine = "您的物资申请：\n{lines}"
    mine_withdraw = "\n不需要了，回「取消申请 编号」。"
    mine_line = "第{number}号 {items}：{state}"
    mine_none = "您还没有申请过物资。需要买东西，直接说要什么就行，比如：要两袋米和一桶油。"
    state_open = "等干部接单"
    state_escalated = "已经报告给上一级干部，正在抓紧办"
    state_accepted = "{who}已经接单，正在安排送"
    state_delivered = "已经送到了，收到了请回「收到 {number}」"
    state_received = "已经收到了"
    state_refused = "办不了：{reason}"
    state_cancelled = "已经取消了"

    # The household hears
    accepted_notice = "您的物资申请（第{number}号）：{who}接单了，会给您送过去。{phone}"
    accepted_phone = "有事可以打{phone}。"
    delivered_notice = "您的物资申请（第{number}号）：{who}说已经送到了（{items}）。东西收到了请回「收到」。"
    refused_notice = "您的物资申请（第{number}号）：{who}说暂时办不了，原因：{reason}。{next}"
    refused_next = "已经交给上一级干部接着办，会有人和您联系。"
    refused_final = "有需要请直接给村干部打电话。"

    # The cadres hear
    taken_notice = "第{number}号物资申请已由{who}接单，您不用再管了。"
    received_notice = "第{number}号物资申请：{household}已经确认收到了，谢谢您！"
    reopened_notice = "第{number}号物资申请{who}办不了（{reason}），已经报告给上一级。您能办的话，回「接单 {number}」。"
    refused_why = "{who}办不了，原因：{reason}"

    # Replies to cadres
    accepted = "好的，第{number}号由您接单了，已经告诉{household}。送到后回「送达 {number}」。"
    accepted_already_you = "第{number}号您已经接过了，送到后回「送达 {number}」。"
    accepted_by_other = "第{number}号已经由{who}接单了，您不用再接。"
    delivered = "好的，第{number}号记为送到了，已经请{household}确认收到。"
    delivered_unaccepted = "好的，第{number}号记为由您接单并送到了，已经请{household}确认收到。"
    delivered_already = "第{number}号已经标记送到了，正在等家里确认收到。"
    delivered_by_other = "第{number}号是{who}接的单，请{who}送到后回「送达 {number}」。"
    received_already = "第{number}号家里已经确认收到了，这单办完了。"
    refused_already = "第{number}号已经说明办不了了（{reason}）。"
    cancelled_already = "第{number}号村民已经取消了。"
    refused = "好的，第{number}号已经告诉家里原因，并交给了{who}。"
    refused_top = "好的，第{number}号已经告诉家里原因。上面没有更高一级的干部可以交了，这单就此结束。"
    need_reason = "请把原因也写上，比如：无法办理 {number} 镇上超市没有货。"
    need_number = "请带上申请编号，比如：{verb} 12。发「待办」可以看编号。"
    verb_accept = "接单"
    verb_deliver = "送达"
    verb_refuse = "无法办理"
    not_found = "没有找到第{number}号物资申请，请核对一下编号。发「待办」可以看编号。"
    cadres_only = "抱歉，这个操作只有负责的干部才能用。"
    not_yours = "抱歉，第{number}号物资申请是{village}的，不归您管。"
    not_assigned = "抱歉，第{number}号物资申请交给的是{who}，不归您管。"

    help_accept = "发「接单 编号」「送达 编号」：接下村民的物资申请，送到后告诉家里"
    help_refuse = "发「无法办理 编号 原因」：办不了的物资申请，说明原因交给上一级"

    # 待办
    todo_line = "第{number}号物资{urgent}：{household}，要{items}（{at}申请）\n  → {hint}"
    todo_open = "回「接单 {number}」；办不了回「无法办理 {number} 原因」"
    todo_mine = "您已接单，送到后回「送达 {number}」"
    todo_escalated = "（已催办）"

    # Villager: 收到
    received = "好的，谢谢您告诉我们！第{number}号办完了。"
    received_more = "\n第{others}号也收到了的话，请回「收到 编号」。"
    received_not_yet = "第{number}号{who}还没说送到，送到后会告诉您。"
    received_not_yours = "没有找到您的第{number}号申请。发「我的申请」可以看看您的申请。"
    received_done = "第{number}号已经记为收到了，谢谢您！"

    # Villager: 取消申请
    withdrawn = "好的，第{number}号申请已经取消了，也告诉了干部。还需要什么，随时说。"
    withdrawn_notice = "第{number}号物资申请：{household}说不需要了，已经取消，您不用再办了。"
    withdraw_none = "您现在没有正在办的物资申请。发「我的申请」可以看看以前的申请。"
    withdraw_which = "您有{numbers}申请正在办。要取消哪一个？请回「取消申请 编号」，比如：取消申请 {example}。"
    withdraw_delivered = "第{number}号已经送到了，不能取消了。收到了请回「收到 {number}」。"
    withdraw_number = "第{number}号"
    withdraw_again = "第{number}号已经取消过了。"
    withdraw_closed = "第{number}号已经办完了，不用取消。"

    separator = "、"
    someone = "干部"
    nameless = "村民"
    nobody = "村里"
    unknown = "未填"
    urgent = "【急】"


# How each step of 物资申请 is named in the list of what can be corrected, and when the person names it.
LABELS = {
    "items": "东西",
    "urgent": "急不急",
    "name": "名字",
    "phone": "电话",
    "village": "村",
    "note": "备注",
}
