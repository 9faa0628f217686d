"""Everything a fever report says, to the sender and to the village doctor."""


class TEXT:
    title = "家里有人发烧、咳嗽，马上告诉村医"
    how = (
        "家里谁发烧、咳嗽或者哪里不舒服，直接告诉我：是谁、多少度、有什么不舒服。\n"
        "比如：「孩子发烧38度5，还咳嗽」。我马上告诉村医。"
    )
    told_doctor = "已经告诉村医{name}，村医会尽快给您打电话。"
    told_care = "已经告诉村医{name}和包保干部，村医会马上给您打电话。"
    told_above = "已经报给镇上负责防疫的同志，会尽快给您打电话。"
    told_once_village = "记下了，知道是哪个村，就马上告诉那个村的村医。"
    told_cadre = "村里还没有村医在这里登记，已经告诉村干部{name}，会尽快给您打电话。"
    told_nobody = "村里还没有村医在这里登记，请马上给村干部或村医打个电话。"
    doctor_phone = "（{phone}）"
    doctor = "村医"
    advice = (
        "请先这样做：\n"
        "1. 在家待着，先别出门，戴上口罩，和家里人分开住。\n"
        "2. 不要去药店找退烧药，等村医来看。\n"
        "3. 烧得厉害、喘不上气，去{clinic}，路上戴好口罩，别坐公交车。"
    )
    advice_isolated = (
        "请先这样做：\n"
        "1. 都在家待着，别出门，病人戴上口罩，单独住一间屋。\n"
        "2. 不要去药店找退烧药，等村医来看。\n"
        "3. 烧得厉害、喘不上气，马上给村医打电话，村里安排车送去{clinic}，别自己去。"
    )
    clinic = "{town}卫生院发热门诊"
    clinic_unknown = "镇卫生院发热门诊"
    ask_village = "您是哪个村的？村医好上门。直接写村名就行，比如：鸣皋"
    ask_phone = "您的手机号是多少？村医好给您打电话。"
    ask_temperature = "{who}量体温了吗？多少度？没量的话回「没量」。"
    temperature_again = "请写多少度，比如：38度5。没量的话回「没量」。"
    no_thermometer = ("没量", "没有量", "没测", "不知道", "不清楚", "没有体温计", "没体温计", "量不了", "没有", "不量")
    more_done = "好的，已经补充告诉村医了。请在家等村医电话，有变化随时告诉我。"
    more_done_cadre = "好的，已经补充告诉村干部了。请在家等电话，有变化随时告诉我。"
    more_nobody = "好的，记下了。村里还没有村医在这里登记，消息还没人收到，请马上给村干部或村医打个电话。"
    nothing_new = "好的。请在家等村医电话，能量体温的话量一下，有变化随时告诉我。"
    alert = (
        "【发热报告】{patient}，{village}\n{facts}\n联系电话：{phone}\n请马上打电话问问情况，需要的话安排去{clinic}。"
    )
    again = (
        "【发热报告·家里又来消息】{patient}，{village}（{first}第一次报告）\n{facts}\n联系电话：{phone}\n"
        "请尽快打电话问问情况，需要的话安排去{clinic}。"
    )
    more = "【补充】{patient}的发热报告（{village}）：\n{facts}\n联系电话：{phone}"
    patient_self = "{name}（本人报告）"
    patient_other = "{name}家的{who}"
    someone = "一位村民"
    spouse = "老伴"
    unknown_village = "村子还不知道（正在问）"
    no_phone = "还不知道（正在问）"
    degrees = "体温{value}℃"
    no_degrees = "体温还没量"
    fever = "发烧"
    unwell = "不舒服"  # someone named after 发烧报告's question, with nothing else said
    separator = "、"
    comma = "，"
    # The doctor's 待办 and the commands that close a report.
    todo = (
        "发热{number}：{patient}，{village}，{facts}（{at}报告），电话{phone}\n"
        "  → 打过电话回「已联系 {number}」；处理完回「发热 {number} 已处理 情况」"
    )
    no_phone_known = "没留"
    no_village = "村子没说"
    outcome_contacted = "已电话联系"
    outcome_handled = "已处理"
    closed = "好的，记下了：发热{number} {patient}，{outcome}。辛苦了！"
    outcome_added = "好的，发热{number}的处理情况记下了：{outcome}。辛苦了！"
    closed_notice = "【发热已处理】发热{number} {patient}：{who}已处理，{outcome}。您不用再跟进了。"
    closed_already = "发热{number}已经由{who}在{at}处理过了：{outcome}。"
    not_found = "没有找到发热{number}，请核对一下待办里的编号。"
    not_yours = "发热{number}是{village}的，不归您跟进。"
    cadres_only = "抱歉，这是给村医和干部用的。家里有人不舒服，直接告诉我是谁、多少度、哪里不舒服。"
    help_close = "回「已联系 编号」或「发热 编号 已处理 情况」：发热报告跟进完了"
    you = "您"


# How each step of 发烧报告 is named in the list of what can be corrected, and when the person names it.
LABELS = {
    "village": "村",
    "phone": "电话",
    "temperature": "体温",
}
