"""Everything the daily check-in says to the household (its reminders and alerts: broadcasts/care/checkins)."""


class TEXT:
    recorded = "收到，谢谢！已记下：{items}。"
    recorded_fever = "收到。已记下：{items}。"
    all_done = "今天{whose}的体温都报齐了。"
    all_done_many = "全家"
    all_done_one = "您"
    still_missing = "今天还差{names}的体温，请量一下也发过来，比如：「{example}」。"
    example = "{name}36.5"
    ask = "请报一下今天的体温{names}。\n{how}"
    names = "：{names}"
    not_needed = "谢谢！您家现在不在隔离或健康监测期间，不用每天报体温。有发烧、咳嗽等不舒服，随时发给我。"
    item = "{name}{value}"
    degrees = "{value}℃"
    well = "正常"
    everyone = "全家正常"
    me = "本人"
    alert = (
        "【发热】{village}{returnee}家（{measure}第{n}天，{start}至{end}）报告：\n{lines}\n联系电话：{phone}\n"
        "请村医马上打电话问问，需要的话安排车送去{clinic}。包保的同志请一起跟进。"
    )
    alert_line = "{name}：{facts}"
    patient = "{returnee}家的{name}"
    separator = "、"
    comma = "，"
