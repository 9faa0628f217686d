"""Everything 疫苗登记 says, to the villager registering themselves or their household."""


class TEXT:
    title = "登记打了几针新冠疫苗（自己或家里人）"
    ask_who = (
        "给谁登记？是您自己的话回「自己」；给家里人登记，请写名字。\n"
        "家里几个人都打了的，可以一起写，比如：李秀英、王小明。"
    )
    who_again = "请回「自己」，或者写名字，比如：李秀英。几个人用顿号隔开：李秀英、王小明。"
    ask_member = "好的，{count}位一个一个登记。第1位叫什么名字？是您自己的话回「自己」。"
    ask_next = "第{n}位叫什么名字？是您自己的话回「自己」。"
    ask_doses = "{who}打了几针新冠疫苗？比如：两针。还没打的回「没打」。"
    doses_again = "请回打了几针，比如：一针、两针、三针。还没打的回「没打」。"
    doses_total = "一共打了几针？比如：两针。"
    ask_last = "{who}最后一针是哪天打的？比如：7月20日。不记得的话，回「不记得」。"
    last_again = "没看明白是哪天。请写日期，比如：7月20日；不记得的话，回「不记得」。"
    last_future = "这个日子还没到。请写已经打过的那天，比如：7月20日；不记得的话，回「不记得」。"
    ask_id = "请发一下{whose}身份证号（18位），用来算年龄段。不方便的话，回「跳过」。"
    id_again = "身份证号是18位，最后一位可能是X，请再核对一下发过来。不方便的话，回「跳过」。"
    id_checksum = "这个身份证号好像有一位不对，请对着身份证再核对一下。不方便的话，回「跳过」。"
    ask_age = "{who}今年多大了？回岁数就行，比如：16。"
    age_again = "请回岁数，比如：16、45。"
    summary = (
        "请核对疫苗登记：\n姓名：{name}\n打了：{doses}\n最后一针：{last}\n身份证号：{id_number}\n"
        "年龄段：{group}\n村：{village}"
    )
    done = "登记好了，谢谢您！{name}：{doses}{last}，{group}。"
    updated = "已经更新了{name}的疫苗登记，谢谢您！{name}：{doses}{last}，{group}。"
    last_on = "（最后一针{date}）"
    next = "\n\n接着登记下一位。"
    all_done = "\n全家{count}位都登记好了。"
    none_yet = "\n还没打的，请跟村干部说一声，村里会通知您去哪里打、什么时候打。"
    not_finished = "\n还没打完的，记得按约好的日子去打下一针。"
    doses = "{n}针"
    no_doses = "还没打"
    unknown = "不记得"
    none = "无"
    not_given = "未填"
    you = "您"
    yours = "您的"
    his = "{who}的"
    separator = "、"


# How each step of 疫苗登记 is named in the list of what can be corrected, and when the person names it.
LABELS = {
    "name": "名字",
    "doses": "针数",
    "last_dose_on": "最后一针",
    "id_number": "身份证",
    "age_group": "年龄",
    "village": "村",
}
