"""Everything the responsible people and the household read about their care, in one place."""

# What each of the four does, as they read it in their assignment.
DUTIES = {
    "township_cadre": "统筹这户的管控，盯紧采样、体温和生活物资，有问题及时往上报。",
    "village_cadre": "每天和这户联系，保障生活物资，劝导不出门、不串门。",
    "village_doctor": "按时上门采样（前一天晚上会提醒您），每天关注体温，有发热马上处置。",
    "police": "协助管控，发现擅自外出及时处置。",
    "grid_worker": "每天上门或打电话巡查，帮这户跑腿、送物资。",
}


class TEXT:
    # To each of the four.
    assigned = (
        "【四包一】请您负责这一户（您是{role}）：\n{home}\n{measure}\n上门采样：{samples}\n您要做的：{duty}\n{team}"
    )
    changed = (
        "【四包一调整】这一户的管控调整了，您继续负责（您是{role}）：\n{home}\n{measure}\n上门采样：{samples}\n{team}"
    )
    # The same, after the event's own alert about the household (one message): the household is not repeated.
    assigned_short = "【四包一】请您负责这一户（您是{role}）。\n上门采样：{samples}\n您要做的：{duty}\n{team}"
    changed_short = "【四包一调整】您继续负责这一户（您是{role}）。\n上门采样：{samples}\n{team}"
    home = "{name}（{phone}），{village}，报备编号{number}"
    members = "\n同住：{names}"
    member = "{name}（{relation}）"
    team = "这户的四包一：{people}"
    team_member = "{role} {name}"
    team_separator = "；"
    team_phone = "（{phone}）"
    team_missing = "{role} 暂缺（已报工作区）"
    someone = "未登记姓名"
    # To a cadre who binds, in the same reply: households that had nobody in their role are theirs now.
    took_over = "\n\n【四包一】这{count}户还没有人负责您这个角色，现在交给您了：\n{homes}\n发「待办」可以看要做的事。"
    took_round = "\n采样编号{id}：{date}第{ordinal}次核酸"
    took_today = "，今天要采，采完回「采样 {id} 完成」"
    took_late = "，已经过了还没采，请尽快补采，采完回「采样 {id} 完成」"
    separator_line = "\n\n"
    # To the work-area lead (or the town command) when a role has nobody.
    incomplete = (
        "【四包一缺人】{home}\n{measure}\n还缺：{missing}。\n"
        "{village}还没有人绑定这些角色。请安排人手，并请镇指挥部给他们发绑定码。"
    )
    # To the same lead, when a cadre who binds later fills those places.
    filled = "【四包一补齐】{village}的{who}已经绑定，接下了{count}户：{homes}。"
    filled_home = "{name}（报备编号{number}）"
    filled_who = "{role}{name}"
    filled_nameless = "一位{role}（还没留姓名）"
    released = "【四包一解除】{name}（{village}，报备编号{number}）的管控调整为{new}，您不用再负责这一户了。谢谢您！"
    released_central = (
        "【四包一解除】{name}（{village}，报备编号{number}）改为集中隔离，由隔离点负责，您不用再负责这一户了。谢谢您！"
    )
    closed = (
        "【四包一结束】{name}（{village}，报备编号{number}）的{kind}已于{end}期满，记录已关闭，"
        "您的四包一任务结束。辛苦了！"
    )
    # Measures as a line.
    measure = "{kind}{days}天（{start}至{end}）"
    measure_home = "先集中隔离，{home}起居家隔离（到{end}）"
    no_samples = "无"
    separator = "、"
    or_ = "或"
    # Sampling: the doctor the evening before.
    eve = (
        "【明天上门采样】{date}，共{count}户：\n{lines}\n"
        "采完回「采样 编号 完成」，比如「采样 {example} 完成」；没采成回「采样 {example} 未完成 原因」。"
    )
    eve_line = "{n}. 采样编号{id}：{name}（{phone}），{village}{members}，{kind}第{day_no}天，第{ordinal}次核酸"
    eve_members = "，同住{names}"
    eve_owed = "\n还没补采的：{lines}"
    owed_line = "采样编号{id} {name} {date}第{ordinal}次"
    # Sampling: the household the day before.
    notice = "{greeting}明天（{date}）{doctor}会上门给{whom}做核酸（第{ordinal}次）{members}。请在家等着，不要出门。"
    notice_unassigned = (
        "{greeting}明天（{date}）该给{whom}做第{ordinal}次核酸了{members}。村里正在安排人上门，请在家等着，不要出门。"
    )
    notice_members = "，一起回来的{names}也一起做"
    greeting = "{name}，您好！"
    greeting_sender = "您好！"
    whom = "您"
    doctor_named = "村医{name}"
    doctor = "村医"
    # Sampling: the village cadre and township cadre when a round is missed or not done.
    missed = (
        "【采样未完成】{name}（{phone}），{village}，{date}第{ordinal}次核酸还没采（采样编号{id}）。\n"
        "负责的村医：{doctor}\n请联系村医尽快补采，采完回「采样 {id} 完成」。"
    )
    not_done = (
        "【采样未完成】{name}（{phone}），{village}，{date}第{ordinal}次核酸没采成（采样编号{id}）。\n"
        "{who}说原因：{reason}\n负责的村医：{doctor}\n请想办法尽快补采，采完回「采样 {id} 完成」。"
    )
    made_up = "【已补采】{name}（{village}）{date}第{ordinal}次核酸已由{who}采完（采样编号{id}）。"
    nobody = "暂缺"
    # The household, at the end.
    end_eve = "{greeting}{whose}{kind}到明天（{end}）就满了。{still}后天（{after}）起解除。"
    end_still_home = "明天还要在家，别出门；"
    end_still_watch = "明天还请量好体温；"
    end_last = (
        "{greeting}今天是{whose}{kind}最后一天，明天（{after}）起解除，请再坚持一天。"
        "解除以后出门也请戴好口罩，有发烧、咳嗽等不舒服及时告诉村医。"
    )
    whose = "您的"
    whose_sender = "{name}的"
