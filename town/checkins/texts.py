"""Everything the daily check-in says from the town: the example a household is given, reminders, and alerts."""


class TEXT:
    remind = "{hello}{when}请量一下体温发过来{names}。\n{how}"
    hello_morning = "早上好！"
    hello = "您好！"  # a household that declared after the morning reminder hears it later in the day
    second = "今天还没收到{names}的体温。请量一下发过来。\n{how}"
    when = "今天是{measure}第{n}天（{start}至{end}），"
    when_line = "{returnee}家：{measure}第{n}天（{start}至{end}）\n"
    names = "：{names}"
    how_one = "比如：「体温36.5」。有发烧、咳嗽、乏力、拉肚子、闻不到味等不舒服，请马上说。"
    how_many = "比如：「{example}」；都正常就回「全家正常」。有发烧、咳嗽、乏力、拉肚子、闻不到味等不舒服，请马上说。"
    example = "{name}36.5"
    missed = (
        "【未报体温】{village}{returnee}（{phone}）家，{measure}第{n}天（{start}至{end}）。\n"
        "今天到{time}还没报体温：{names}。已经提醒过了，请打电话或上门看看。"
    )
    you = "您"
    separator = "、"
    comma = "，"
