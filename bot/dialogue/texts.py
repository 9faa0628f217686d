"""Everything the engine itself says to a villager or cadre (flows keep their own texts)."""

WELCOME = "您好，欢迎关注乡安！有事直接打字或者说话告诉我，镇里和村里的干部会及时处理。"
WELCOME_VILLAGE = "已经把您登记为{village}的村民。"
SCAN_VILLAGE = "好的，已经把您登记为{village}的村民。"

HELP_HEADER = "您可以直接打字或者说话告诉我，比如："
HELP_LINE = "· 发「{word}」：{title}"
HELP_FOOTER = "填写中途发「取消」可以不填了，发「重新填写」从头再来。"
# 「咋申请物资」「咋报返乡」: how to do one thing, answered for that thing alone.
HOW_TO = "发「{word}」就行，我一句一句问您。不知道的地方回「不知道」，中途不想填了发「取消」。"
HELP_RESUME = "接着刚才的："
KEPT_AHEAD = "好的，{labels}先记下了。"  # a reply that answered later questions, not the one asked again after it
ASIDE_DROPPED = "刚才的「{word}」先放一放，这件事要紧。说完了请再发「{word}」重新填。"
CADRE_HELP_HEADER = "\n您是村里的干部，还可以："
CADRE_HELP_LINE = "· {line}"

CANCELLED = "好的，已经取消了，刚才填的没有保存。有事随时找我。"
NOTHING_TO_CANCEL = "好的。有事随时找我，发「帮助」看看能做什么。"
NOTHING_TO_RESTART = "现在没有正在填写的内容。发「帮助」看看能做什么。"
EXPIRED = "您上次填的「{word}」超过{minutes}分钟没有回复，已经清空了。需要的话，请再发「{word}」重新填。"

CONFIRM_HINT = "对的话请回复「对」，要改哪项直接告诉我，比如「电话不对」。"
WHICH_FIELD = "请问哪一项不对？回复数字就行：\n{choices}"
WHICH_FIELD_AGAIN = "没看明白是哪一项，请回复数字：\n{choices}"

UNKNOWN = "不好意思，没太看明白。"
# What follows UNKNOWN: one short question, never the whole menu (an elderly reader stops at a wall of lines).
UNKNOWN_ASK = "您有什么事？直接说就行，比如：从外地回来了、家里有人发烧、要买米面。发「帮助」看能办的事。"
# A self-introduction or a bare place: a village of the town is noted, another place is asked about kindly.
OUR_VILLAGE = "好的，您是{village}的。您有什么事？直接说就行，比如：从外地回来了、家里有人发烧、要买米面。"
NOT_OUR_VILLAGE = "咱们镇上没有「{place}」。您是从那边回来的吗？是的话，发「返乡报备」，我一步一步问您。"
# A message not about the epidemic (a lost dog, the price of fertiliser): one short, kind answer, no cadre asked.
OFF_TOPIC = (
    "这个事我帮不上忙，您可以问问村里的乡亲。\n"
    "我能帮您：返乡报备、买菜买药、发烧上报、健康打卡、查风险地区、问防疫的事。发「帮助」看怎么用。"
)
# A no to a yes/no question the account asked outside any form (「您是从那边回来的吗？」「不是」).
OFFER_DECLINED = "好的。您有什么事？直接说就行，比如：从外地回来了、家里有人发烧、要买米面。"
GREETING = "您好！"
YOU_ARE_WELCOME = "不客气！有事随时找我。"
CADRES_ONLY = "「{title}」是给村里干部和卡点值守人员用的。您要是干部，请先找镇里要绑定码，发「绑定 绑定码」。"
NOT_READY = "这个功能还在准备中，请先联系村干部。"
MEDIA_UNSUPPORTED = "收到了。我现在只能看懂文字和语音，请打字或者说话告诉我。"
APOLOGY = "不好意思，系统刚才出了点问题，您发的内容已经记下了。请过几分钟再发一次。"
# The database was unreachable: the message is kept on disk and handled as soon as it is back.
SPOOLED = "收到了，您发的内容已经记下。系统正在恢复，好了马上处理并回复您，不用再发。有急事请直接给村医或村干部打电话。"
# The database was too busy to answer in time: the message is kept on disk and handled in a moment.
SPOOLED_BUSY = (
    "收到了，您发的内容已经记下。系统这会儿有点忙，稍后就处理并回复您，不用再发。有急事请直接给村医或村干部打电话。"
)

# Shared profile fields (name, phone, village), asked by any flow that needs them.
ASK_NAME = "请问您叫什么名字？"
NAME_AGAIN = "请只写名字就行，比如：张桂兰"
ASK_PHONE = "请留一个能打通的手机号，方便村里联系您。"
PHONE_AGAIN = "手机号是11位数字，以1开头，请再发一次。"
ASK_VILLAGE = "您是哪个村的？直接写村名就行，比如：鸣皋"
VILLAGE_CHOICES = "您说的是哪个村？回复数字就行：\n{choices}\n都不是的话，请再写一次村名。"
VILLAGE_UNKNOWN = "咱们镇上没找到「{said}」这个村。请再写一次村名，比如：{examples}。"

# A required question the person cannot answer (「不知道」「没手机」): never the same question a third time.
WAY_OUT = "「{label}」这一项得填上，村里才好办。实在不知道也不要紧：{call}想起来了再回我，不填了就发「取消」。"
WAY_OUT_AGAIN = "「{label}」还是没对上。不用着急：{call}不填了就发「取消」。"
WAY_OUT_CALL = "可以直接给{who}打电话（{phone}），请他帮您办。"
WAY_OUT_CALL_NOBODY = "可以直接找村干部当面说一声。"
# 「不对，就一袋米」 said while another question was open: the earlier answer is changed, the question stays.
CHANGED = "好的，「{label}」改过来了。"
# An item that may stay empty, missed twice: it is left empty and the form goes on.
LEFT_EMPTY = "「{label}」先空着，不要紧，村里以后会再问。"

# One message, two things to do (「发烧了 家里也没药了」): the next one, once the first is done.
NEXT_UP = "您还说了「{word}」的事，接着办："
LATER = "（这个说完，接着办您说的「{words}」。）"
ANSWER_WORD = "另一件事"
# 「刚从广州回来 用不用隔离啊」: the question is answered when the declaration is done.
ANSWERED_AT_END = "您问的事，等「{word}」填完就告诉您。"
