"""What re-classification tells the cadres and the household, and the operator's summary line."""


class TEXT:
    upgrade = (
        "{urgent}【名单更新】{name}（{phone}），{village}，报备编号{number}\n从{origin}回来，{arrived}到家\n"
        "按{list_date}名单，管控从{old}改为{new}{period}\n核酸：{samples}\n告诉村民的依据：{reason}"
    )
    urgent = "【请马上联系】"
    proposal = (
        "【请您确认】{name}（{phone}），{village}，报备编号{number}\n从{origin}回来，{arrived}到家\n"
        "按{list_date}名单，管控可以从{old}放宽为{new}{period}\n依据：{reason}\n"
        "同意放宽，请回「同意 {number}」；继续{old}，请回「维持 {number}」。"
    )
    villager_relisted = "{greeting}中高风险地区名单更新了，{whose}管控要调整：\n{reason}。\n{next}"
    villager_changed = "{greeting}村里干部核实后，{whose}管控调整了：\n{reason}。\n{next}"
    greeting = "{name}，您好！"
    greeting_sender = "您好！"
    whose = "您的"
    whose_sender = "您帮{name}报备的"
    next_central = "村里的干部会马上给您打电话，安排集中隔离。请先在家等着，不要出门，也先别和家里人近距离接触。"
    next_isolate = "请这段时间在家不要出门。村医会上门给您做核酸（{samples}）。需要买东西跟村里说。"
    next_monitor = "请每天量体温，按时做核酸（{samples}）。村医会和您联系。"
    next_free = "有发烧、咳嗽等不舒服，请马上告诉村医。"
    period = "{days}天（{start}至{end}）"
    abroad = "境外"
    latest = "最新"
    no_samples = "无"
    separator = "、"
    progress = "重新判定：{done}/{total}"
    summary = (
        "重新判定在管的返乡报备 {checked} 份：升级 {upgraded} 份（已通知干部和本人），"
        "放宽待干部确认 {proposed} 份，不变 {unchanged} 份。"
    )
