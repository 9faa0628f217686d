"""Intent rules over the features: menu words exact, then the strongest finding; the others are secondary."""

from __future__ import annotations

import re

from bot.nlu.cancel import FILLERS, cancelled
from bot.nlu.dialect import phrase
from bot.nlu.features import Features, bare_standard, has
from bot.nlu.offtopic import off_topic
from bot.nlu.places import ABROAD, origin
from bot.nlu.resources import Resources

FEVER_AT = 37.3
_SHORT_AFTER = (
    "没了", "没有了", "吃完", "用完", "喝完", "不够", "断了", "快没", "光了", "没啦", "见底", "快见底", "快完",
    "不多了", "没多少", "吃光", "用光", "该拿了", "该买了", "该取了", "该配了", "快打完", "打完了", "该打完", "该吃完",
    "该用完", "要吃完", "要用完", "要打完", "快吃完", "快用完", "剩不多", "剩得不多", "没剩多少", "就剩一点",
    "烧完", "烧光", "罐子空", "罐空了", "缸空了", "袋子空", "空了", "就剩", "只剩",
)  # fmt: skip
_ASKS_FOR = (
    "帮忙买", "帮买", "帮俺买", "帮我买", "送点", "送些", "给送", "送两", "送一", "捎", "代买", "代购", "买点", "物资",
)  # fmt: skip
_HYPOTHETICAL = ("如果", "要是", "万一", "假如", "的话")
# 「有发烧哩人 村里咋处理」: anyone with a fever, asked about in general, reports nobody's.
_ANYONE_ILL = re.compile(r"(?:发烧|发热|咳嗽|阳性|密接)的人|(?:发烧|发热)(?:病人|患者)")
# 「家里面吃完了」: a staple run out, whatever word the segmenter made of it (not 「在外面吃完了」).
_STAPLE_OUT = re.compile(r"(?<!外)(?:米|面|油|盐|菜|奶粉)(?:吃完了|用完了|没有了|快吃完|快用完)")
# 「俺想报个体温 不会」: wanting to report and not knowing how.
_WANT_CANT = re.compile(r"想(?:报|登记|上报|打卡|填)[^\s，,]{0,8}?[\s，,]*(?:不会|不懂|弄不来|整不来)")
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")
_MAY_X_NOT = re.compile(r"(让|能|准|敢|可以|会)[\u4e00-\u9fff]{1,2}[不没]\1")  # 「喜事让办不让」
# 「卡点这边有个人非要出村 咋弄」: staff at the checkpoint telling what happens there, even when they ask.
_AT_CHECKPOINT = re.compile(
    r"^(?:我们|咱们|咱|我)?(?:村)?(?:卡点|卡口|检查站|检查点|执勤点|值守点)(?:这边|这儿|这里|上|今天|刚才)"
)
_SEND = ("送", "买", "捎", "拿", "带")
_NOTHING = re.compile(
    r"没有?(啥|什么)|什么(?:吃的|喝的)?[都也]没|着呢|着哩|身[体子]不(?:中|行|好)|随便(?:啥|什么)"
    r"|(?:啥|什么)[\u4e00-\u9fff]{0,2}?都(?:中|行|可以)"  # 「啥菜都中」 asks nothing
)
# Someone's own return, not a question about returns in general: a person, a date, 刚, or a past 回来了.
_OWN_SUBJECT = re.compile(
    r"^(?:那个|喂|你好|您好|麻烦|请问|问一下|问下)*(?:我(?!想|问|要问)|咱家|家里|孩子|儿子|闺女|女儿|媳妇|老伴|老公|老婆|爱人)"
)
# 「从北京回来 能出门不」: a return from a named place, a pause, then a question: the sender's own return.
_BARE_RETURN = re.compile(r"^刚?从[^\s，,]{1,8}?(?:回来|回家|回村|到家)[\s，,。]")
# (「回来哩要居家几天」: 哩 is 的 there, 「回来的人」 asks about anyone.)
_PAST_RETURN = re.compile(
    r"(?:回来|到家|回村|回家|到村|回的村|到的家)(?:了|(?:哩|嘞)(?!要|需要|得|用|能|可以|该)|咧|啦)|刚(?:从|回|到|下)|入境"
)
# Asking after one's own request (the dialogue's 我的申请): 「俺要的米啥时候到」「我的东西咋还没送来」.
_MY_REQUEST = re.compile(
    r"(?:我[^\s，,]{0,3}?(?:要的|申请的|订的|报的|登记的|填的)|我的东西|我家的东西|我的申请)"
    r".{0,6}(?:什么时候|怎么还没|还没|怎么还不|还不来|还不到|还不送|到哪|到了没|到没|送了没|送来没|怎么样了|上了没"
    r"|成了没|好了没|办了没|收到没|送哪)"
)
# 「俺哩菜咋还没到」: one's own goods not come yet (the goods word is checked against those found).
_MY_GOODS = re.compile(r"我家?的([\u4e00-\u9fff]{1,3}?)(?:怎么还没|还没|怎么还不|还不|到哪|送哪|到了没|到没|送了没)")
# A need said with its goods right after it: 「要两袋米」「需要一桶油」「缺盐」.
_ASKED = re.compile(
    r"(?:要|需要|急需|帮忙买|帮我买|缺)\s*[\d一二两三四五六七八九十半俩仨几]*\s*[\u4e00-\u9fff]{0,3}?(?:米|面|油|盐|菜|肉|蛋|药|水|奶)"
)
# 「不是两桶 是一桶」: a quantity corrected, its goods said before (the dialogue holds them).
_QTY_FIXED = re.compile(
    r"(?:不是|不对|不要)\s*[\d一二两三四五六七八九十俩仨]{1,6}\s*(桶|袋|斤|箱|瓶|包|个|盒|壶|把|块|提|兜)"
    r"[\s,，]*(?:是|要|就)?\s*[\d一二两三四五六七八九十俩仨]{1,6}\s*(桶|袋|斤|箱|瓶|包|个|盒|壶|把|块|提|兜)"
)
# 「俺换手机号了」「电话号码变了」: a new phone number is the dialogue's own step, outside the contract.
_NEW_PHONE = re.compile(
    r"(?:换|改|变)了?(?:个|一个)?(?:新)?(?:手机|电话)(?:号码|号)|(?:手机|电话)(?:号码|号)?(?:换|改|变)了|(?:换|改)(?:号|号码)了"
)
# 「石家庄那边现在咋样」: how a place outside the town is doing asks after its risk.
_HOW_IS = re.compile(r"(?:咋样|怎么样|啥情况|什么情况|咋回事)(?:了|啊|呢|哩|嘞)?$")
# 「喜事能办不 现在」: a 能X不 question with a word said after it.
_ASKED_BEFORE_TAIL = re.compile(r"(?:能|可以|让|中)[\u4e00-\u9fff]{1,3}不(?=[\s,，]+[\u4e00-\u9fff]{1,4}$)")
_HOW_TO = ("点哪", "按哪", "点啥", "咋点", "怎么点")  # 「俺要报家里人回来了 点哪」 asks how, it reports nothing yet
_HOW_TO_LOOK = ("怎么查", "在哪查", "哪里查", "哪查", "去哪查")  # 「咋查风险地区」: how to use the account
_HOW_TO_SEE = ("怎么看", "在哪看", "哪里看", "去哪看")  # 「咋看风险地区」 (the list is here), not 「核酸结果在哪看」
_HOW_FOR = re.compile(r"怎么(?:给|替|帮)[^\s，,]{1,4}?(?:报|填|打卡|登记)")  # 「咋给俺娘报健康打卡」
_CANT_USE = re.compile(r"不会(?:用|弄|打卡|报|填|登记|操作|整|打字|写字)")
# 「俺想报俺儿回来了 咋弄」: wanting to report and asking how is a how-to question, nothing is reported yet.
_WANT_HOW = re.compile(
    r"(?:想|要)(?:(?:给|替|帮)[^\s，,]{1,4}?)?(?:报|登记|上报|打卡)[^\s，,]{0,10}?[\s，,]*怎么(?:弄|报|填|办|操作|打|登记)"
)
# 「是集中隔离还是居家」: a choice asked; 「有卖菜哩不 俺想买点」: a clause that asks, with more said after it.
_CHOICE = re.compile(r"是[^\s，,]{1,10}?还是")
_ASKING_CLAUSE = re.compile(r"(?:^|[\s，,])(?:有|能|可以|让|还有)[^\s，,]{1,8}?(?:不|没)(?=[\s，,])")
# 「查一下武汉江夏区」: a place outside the town to be looked up is a risk query.
_LOOK_UP = re.compile(r"查一下|查查|查一查|帮我查|给我查|帮忙查")
_HOW_TO_REPORT = ("怎么报备", "怎么报", "怎么登记", "怎么申请")
# 「咋申请物资」「咋报返乡」: the whole message asks how to use the account for one of its acts.
_HOW_APPLY = re.compile(r"^(?:我|请问)?(?:想|要)?怎么(?:申请|报备|上报|报|登记|填)[\u4e00-\u9fff]{0,6}?(?:啊|呢|呀)?$")
_ANIMAL = re.compile("猫|狗|牛|羊|猪|鸡|鸭|鹅|驴")
# 「人在洛阳 明早回」「已回」: a bare 回 after a time word, as young people type a return.
_SHORT_RETURN = re.compile(r"(?:今天|明天|今晚|明早|明晚|后天|刚|已|已经|当天|晚上|下午|上午)回(?=$|[\s，,。了啦])")
# 「俺在郑州上班 周末能回来不」: whether one may come back asks, it declares nothing.
# 「外地回来哩 多少天以后能出门」: anyone back from anywhere else, asked about in general.
_LEAD_FILLER = re.compile(
    r"^(?:那个|这个|就是|然后|请问|麻烦问一下|我想问一下|想问一下|我想问问|问一下|问下|你好|您好|喂)+"
)
_ANYONE_BACK = re.compile(r"^从?(?:外地|外省|外市|外县|外面|外头|省外|中风险|高风险|中高风险)(?:地区)?(?:回来|来|返回)")
# 「放假回来要隔离不」: a return to come, in a question about what it will need.
_WHEN_BACK = re.compile(r"(?:放假|过年|过节|到时候|以后|等[^\s，,]{0,4}?)回来(?:要|需要|得|用|能|可以)")
_MAY_RETURN = re.compile(r"(?:能|可以|让|准|敢)(?:不能|不可以)?(?:回来|回家|回村|回去|回乡)")
# 「俺闺女回来第五天了 体温一直正常」: days counted since a return, said with a check-in, are the check-in.
_SINCE_RETURN = re.compile(r"(?:回来|到家|回家)(?:都|已经)?第?[\d一二两三四五六七八九十几]+个?(?:天|礼拜|星期|周)")
_DOSE_TOLD = re.compile(
    r"(?:打|接种)[了过完]?[一二两三俩1-3](?:针|剂)|[一二两三俩1-3](?:针|剂)[都也]?(?:打了|打过|打完)"
)
_CLAUSES = re.compile(r"[\s，,。；;！!？?]+")


def new_phone(f: Features) -> bool:
    """「俺换手机号了」「电话号码变了」: a new phone number is said."""
    return _NEW_PHONE.search(f.bare) is not None


def says_new_phone(text: str) -> bool:
    """The same, read from the raw text without the rest of the NLU (a flow's prefill asks it)."""
    return _NEW_PHONE.search(bare_standard(text)) is not None


def menu_intent(f: Features, res: Resources) -> str | None:
    """Menu words typed or tapped: the whole message is the menu entry."""
    bare = f.bare
    for key in (bare, FILLERS.sub("", bare), bare.removeprefix("我要")):
        if key in res.menu:
            return res.menu[key]
    return None


def is_question(f: Features, res: Resources) -> bool:
    """A question: 吗/咋/要不要…, A-not-A (多不多, 去没去), or a 不/没 tail (明天下雨不, 能去不)."""
    if _A_NOT_A.search(f.bare) or _MAY_X_NOT.search(f.bare):
        return True
    text = _NOTHING.sub("", f.text).replace("什么的", "")  # 「没啥症状」 says nothing is wrong; 「啥的」 is "and so on"
    if has(text, res.words["question"]):
        return True
    bare = _NOTHING.sub("", f.bare)  # 「没打 身体不中」 ends in 不中 and asks nothing
    if any(bare.endswith(t) for t in res.words["question_tail"]) and len(bare) > 2:
        return True
    return bool(_ASKED_BEFORE_TAIL.search(f.text) or _CHOICE.search(f.text) or _ASKING_CLAUSE.search(f.text))


def returned(f: Features, res: Resources) -> bool:
    """Someone came back: a return verb not about goods (买回来), or a place marked as an origin."""
    verbs = res.words["return_verb"] if has(f.text, res.words["return_verb"]) else ()
    for word in verbs:
        pos = f.text.find(word)
        while pos >= 0:
            carried = has(f.text[max(0, pos - 5) : pos], res.words["carry_before_return"])
            # 「还没回来」 is no return, nor is 「俺家猫好几天没回来了」 a person's
            denied = has(f.text[max(0, pos - 2) : pos], ("没", "不")) or _ANIMAL.search(f.text[max(0, pos - 8) : pos])
            denied = denied or f.text.startswith(("不了", "不成", "不来"), pos + len(word))  # 「过年回来不了」
            if not denied and (not carried or not (f.goods or f.items)):
                return True
            pos = f.text.find(word, pos + 1)
    if _SHORT_RETURN.search(f.text):
        return True
    return any(p.role in ("from", "back", "from_back") or p.chain == ABROAD for p in f.places)


def own_return(f: Features) -> bool:
    """The sender's or a relative's return, stated: 「俺从厦门回来了要报备不」, not 「外地回来的要隔离几天」."""
    may = _MAY_RETURN.search(f.bare)
    told = _PAST_RETURN.search(f.bare)  # 「俺闺女从澳大利亚回来了 …说是能回来了」: told first, the 能回来 is said of it
    may = may and not (told and told.start() < may.start() and _OWN_SUBJECT.search(f.bare))
    if (
        has(f.text, _HYPOTHETICAL)
        or may
        or _ANYONE_BACK.search(_LEAD_FILLER.sub("", f.bare))
        or _WHEN_BACK.search(f.text)
    ):
        return False
    if f.dated or _OWN_SUBJECT.search(f.bare) or _PAST_RETURN.search(f.text):
        return True
    return bool(_BARE_RETURN.search(f.text)) and any(p.role != "local" and p.chain != ABROAD for p in f.places)


def fever(f: Features) -> bool:
    """A temperature at or above 37.3 °C, or a symptom."""
    return (f.temperature is not None and f.temperature >= FEVER_AT) or bool(f.symptoms)


def short_of(f: Features) -> bool:
    """A shortage said around a goods word: 没米了, 缺油, 菜吃完了, 面不够."""
    for good in dict.fromkeys(f.goods):  # once per distinct word: 「米米米…」 names 米 a thousand times
        for m in re.finditer(re.escape(good), f.text):
            before, after = f.text[max(0, m.start() - 3) : m.start()], f.text[m.end() : m.end() + 4]
            worn = before.endswith(("戴", "吃", "喝", "打"))  # 「没戴口罩」 is no shortage
            if (any(w in before for w in ("没", "缺", "断")) and not worn) or after.startswith(_SHORT_AFTER):
                return True
    return False


def supplies(f: Features, res: Resources) -> bool:
    """Goods with quantities, goods with a need word or a shortage, or a plain shortage (没吃的)."""
    ran_out = _QTY_FIXED.search(f.text) or _STAPLE_OUT.search(f.text)
    shortage = "need_nothing" in f.cues or "物资" in f.text or bool(ran_out)
    return bool(f.items) or (bool(f.goods) and ("need" in f.cues or short_of(f))) or shortage


def checkin(f: Features) -> bool:
    """A normal temperature or a 'nothing wrong' report."""
    if f.symptoms:
        return False
    return f.temperature < FEVER_AT if f.temperature is not None else "checkin" in f.cues


def checkpoint(f: Features) -> bool:
    """Checkpoint staff reporting: a checkpoint word, or a finding like 红码/黄码/闯卡."""
    strong = ("红码", "黄码", "闯卡", "冲卡", "劝返")
    return "checkpoint" in f.cues or (any(w in f.text for w in strong) and "checkpoint_finding" in f.cues)


def found(f: Features, res: Resources) -> list[str]:
    """Every intent the message gives evidence for, strongest first."""
    out = []
    # A place alone (「上海」「王秀英」) states nothing; 「从上海」「上海回来」 mark a return.
    marked = [p for p in f.places if p.role in ("from", "from_back", "back")]
    marked = marked or (has(f.text, ("报备", "返乡登记")) and [p for p in f.places if p.role != "local"])
    bare_place = marked and origin(f.places) and f.temperature is None and "checkin" not in f.cues
    bare_place = bare_place and not f.goods and not f.items
    since = _SINCE_RETURN.search(f.text) and not origin(f.places) and checkin(f)
    if (returned(f, res) or bare_place) and not since:
        out.append("declare_return")
    if fever(f):
        out.append("report_fever")
    if f.event or "event_other" in f.cues:
        out.append("report_event")
    if supplies(f, res):
        out.append("request_supplies")
    if f.doses is not None or "vaccine" in f.cues:
        out.append("report_vaccination")
    if checkin(f):
        out.append("health_checkin")
    return out


def decide(f: Features, res: Resources) -> tuple[str, list[str]]:
    """The intent and the other intents found."""
    menu = menu_intent(f, res)
    if menu:
        return menu, []
    mine = _MY_GOODS.search(f.bare)
    mine = mine is not None and any(mine.group(1).endswith(g) for g in f.goods)
    changed_phone = new_phone(f) and not f.places and not f.items and not fever(f)
    # 「以后别给俺发了」「啥时候送来」「俺换手机号了」: outside the contract
    if phrase(f.text) or _MY_REQUEST.search(f.bare) or mine or changed_phone:
        return "unknown", []
    if cancelled(f, res):
        return "cancel", []
    evidence = found(f, res)
    # 「俺不会打卡」 asks how, it checks nothing in; 「他不会弄手机 俺替他报」 still reports his return.
    stated = "declare_return" in evidence and own_return(f) and origin(f.places)
    cant = (_CANT_USE.search(f.bare) or _WANT_CANT.search(f.text)) and not f.items  # 「帮俺娘买半斤茶叶 她不会弄手机」
    if cant and not f.symptoms and not stated:
        return "help", []
    if off_topic(f, res, evidence, fever(f), is_question(f, res)):
        return "unknown", []
    if checkpoint(f) and (not is_question(f, res) or _AT_CHECKPOINT.search(f.bare)):
        return "report_checkpoint", evidence
    if is_question(f, res):
        return _question(f, res, evidence)
    if evidence:
        return _first(f, res, evidence)
    away = any(p.role != "local" for p in f.places)
    if "risk" in f.cues or (away and ("lockdown" in f.cues or _LOOK_UP.search(f.text))):
        return "query_risk", []  # 「瑞丽那边还封着吧」
    if "policy" in f.cues:
        return "ask_policy", []
    if "help" in f.cues or "greeting" in f.cues or (len(f.bare) > 3 and f.bare.endswith(("不会", "不会弄", "不懂"))):
        return "help", []  # 「俺想报备 不会」
    return "unknown", []


def _first(f: Features, res: Resources, evidence: list[str]) -> tuple[str, list[str]]:
    """The strongest finding, unless another act is said before a return (the first act said is the message's).

    「俺孩子发烧了三十八度 前天从郑州回来的」 reports the fever, 「要两袋米 俺儿子从上海回来了」 asks for rice.
    """
    asked_first = "request_supplies" in evidence and evidence[0] == "report_fever"  # 「需要退烧药 孩子烧着哩」
    if asked_first and _said_at("request_supplies", f, res) < _said_at("report_fever", f, res):
        return "request_supplies", [e for e in evidence if e != "request_supplies"]
    if evidence[0] == "declare_return":
        return_at = _return_at(f, res)
        said = {e: _said_at(e, f, res) for e in evidence[1:]}
        earlier = [e for e in evidence[1:] if said[e] < return_at]
        if earlier:
            first = min(earlier, key=lambda e: said[e])
            return first, [e for e in evidence if e != first]
    return evidence[0], evidence[1:]


def _said_at(intent: str, f: Features, res: Resources) -> int:
    """Where an act other than a return is first said (len(text) when it cannot be placed)."""
    text, end = f.text, len(f.text)
    if intent == "report_fever" and f.symptoms:
        return min(text.find(s) for s in f.symptoms if s in text)
    if intent == "report_event" and f.event:
        return min((text.find(w) for w in res.words[f.event] if w in text), default=end)
    if intent == "request_supplies":
        asked = _ASKED.search(text)
        return asked.start() if asked else end
    if intent == "report_vaccination":
        return min((text.find(w) for w in ("疫苗", "针", "剂", "接种") if w in text), default=end)
    return end


def _return_at(f: Features, res: Resources) -> int:
    """Where the return is first said: a place or a return verb."""
    said = [p.start for p in f.places] + [f.text.find(w) for w in res.words["return_verb"] if w in f.text]
    return min(said, default=len(f.text))


def _question(f: Features, res: Resources, evidence: list[str]) -> tuple[str, list[str]]:
    """Questions ask about risk or policy, unless they report fever or ask for goods (能送两袋面吗)."""

    def rest(primary: str) -> list[str]:
        return [e for e in evidence if e != primary]

    risky = "risk" in f.cues and "policy_action" not in f.cues and _asked_about(f, res, res.words["risk"])
    how_to = has(f.text, _HOW_TO) or _HOW_FOR.search(f.text) or _WANT_HOW.search(f.text)
    # A fever is reported however it is asked about, but 「咋报发烧」 alone only asks how.
    if (how_to and "report_fever" not in evidence) or _HOW_APPLY.search(f.bare):
        return "help", evidence
    see = has(f.text, _HOW_TO_SEE) and "risk" in f.cues and "policy" not in f.cues
    if (has(f.text, _HOW_TO_LOOK) or see) and all(p.role == "local" for p in f.places):
        return "help", evidence
    if f.event and "declare_return" in evidence and _said_at("report_event", f, res) < _return_at(f, res):
        return "report_event", rest("report_event")  # 「家里办丧事 亲戚从外地回来 咋弄」: the event is told first
    if "declare_return" in evidence and own_return(f) and not risky:
        # 「俺从厦门回来了要报备不」: the declaration, and the question kept for the dialogue to answer too.
        return "declare_return", [*rest("declare_return"), "ask_policy"]
    if "report_fever" in evidence and not has(f.text, _HYPOTHETICAL) and not _ANYONE_ILL.search(f.text):
        asked_first = "request_supplies" in evidence  # 「能帮俺买点退烧药不 俺娘有点烧」 asks for the medicine first
        if asked_first and _said_at("request_supplies", f, res) < _said_at("report_fever", f, res):
            return "request_supplies", rest("request_supplies")
        return "report_fever", rest("report_fever")
    # 「身体都好 就是想问问啥时候能赶集」「疫苗打了第一针 多久打第二针」: told first, then asked.
    if "health_checkin" in evidence and f.temperature is not None and f.exact_temperature:
        return "health_checkin", [*rest("health_checkin"), "ask_policy"]  # 「36度9 正常不」: the reading is told
    for act, cue in (("health_checkin", "checkin"), ("report_vaccination", "vaccine")):
        if act in evidence and _stated_before_question(f, res, cue):
            return act, [*rest(act), "ask_policy"]
    asks = f.items or has(f.text, _ASKS_FOR) or short_of(f) or (f.goods and has(f.text, _SEND))
    if "request_supplies" in evidence and asks:
        return "request_supplies", rest("request_supplies")
    own = any(_OWN_SUBJECT.search(c) for c in _CLAUSES.split(f.text) if c)  # 「结婚的事要报备吗 俺儿子下月结婚」
    if f.event and (("policy" not in f.cues and not _MAY_X_NOT.search(f.bare)) or f.dated or own):
        return "report_event", rest("report_event")
    lockdown = "lockdown" in f.cues or any(_HOW_IS.search(c) for c in _CLAUSES.split(f.text) if c)
    if lockdown and any(p.role != "local" for p in f.places):  # 「上海现在还封着不」
        return "query_risk", evidence
    if risky:  # 「俺孩儿从北京海淀回来，海淀是风险地区吗」 is answered, then the declaration is asked for
        return "query_risk", evidence
    # 「黄码了咋弄」 asks what to do, not how the account works; 「从外地回来的人咋报备」 asks how to use it.
    if "help" in f.cues and (not f.cues & {"policy", "risk"} or has(f.text, _HOW_TO_REPORT)):
        return "help", evidence
    if "policy" in f.cues or evidence or f.places:
        return "ask_policy", evidence
    if "greeting" in f.cues:
        return "help", evidence
    # Any other real question (俺家的猪能拉到集上卖吗) is for the town's answers, or a cadre when they have none.
    return ("ask_policy" if len(f.bare) >= 6 else "unknown"), evidence


def _asked_about(f: Features, res: Resources, words: tuple[str, ...]) -> bool:
    """The words are in a clause that asks (「海淀是风险地区吗」), not one that tells (「那边说有疫情 …咋办」)."""
    clauses = [c for c in _CLAUSES.split(f.text) if c]
    asking = [c for c in clauses if has(c, res.words["question"]) or _A_NOT_A.search(c) or c.endswith(("不", "没"))]
    return not asking or len(clauses) == 1 or any(has(c, words) for c in asking)


def _stated_before_question(f: Features, res: Resources, cue: str) -> bool:
    """An act (its cue words) said in a clause of its own before the clause that asks."""
    clauses = [c for c in _CLAUSES.split(f.text) if c]
    if len(clauses) < 2:
        return False
    first = clauses[0]
    dose = cue == "vaccine" and _DOSE_TOLD.search(first)  # 「俺是打过一针哩 第二针啥时候打」
    told = (has(first, res.words[cue]) or bool(dose)) and not has(first, res.words["question"])
    told = told and (cue == "vaccine" or not has(first, res.words["policy"]))
    rest = " ".join(clauses[1:])
    return told and (has(rest, res.words["question"]) or rest.endswith(("不", "没", "吗")))  # 「…能进超市不」
