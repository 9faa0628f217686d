"""Word tables the engine recognises in any flow (data, not logic)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.nlu.dialect import phrase, standard

CANCEL = ("取消", "退出", "不填了", "算了", "不办了", "结束")
# Inside a form, a message that starts with one of these drops it, whatever follows: 「算了 不要了 俺儿子明天回来带」.
# (Not 取消: 「取消申请 3」 is a command; not 不用了: it answers 「还有别的吗」.)
CANCEL_LEADS = (
    "算了",
    "不要了",
    "不需要了",
    "不买了",
    "不填了",
    "不弄了",
    "不办了",
    "不报了",
    "不整了",
    "不想填了",
    "不想弄了",
)
HELP = ("帮助", "菜单", "help", "?", "？", "怎么用", "功能")
RESTART = ("重新填写", "重新填", "重填", "重来", "从头来")
YES = (
    "是",
    "是的",
    "对",
    "对的",
    "对了",
    "确认",
    "确定",
    "没错",
    "没问题",
    "正确",
    "嗯",
    "嗯嗯",
    "好",
    "好的",
    "可以",
    "行",
    "中",
    "ok",
    "yes",
    # Henan speech
    "中中",
    "得劲",
    "妥",
    "妥妥的",
    "就这",
    "就这样",
    "就这吧",
    "没毛病",
    "管",
    "成",
    "阔以",
    "嗯呐",
    "嗯哪",
    "对头",
    "就是",
    "可不是",
    "可不",
    "那可不",
    "对着",
    "是滴",
    "没错儿",
)
# The end of a spoken yes or no that changes nothing: 「是哩」「对嘞」「嗯呢」「不是哩」.
_ANSWER_TAIL = re.compile(r"(了|啊|呀|吧|哩|嘞|咧|呢|哈|呗|哦|噢|喔|的|滴|啦)+$")
# A no to a yes/no question (「您是从那边回来的吗？」).
NO = ("不是", "不", "没有", "没", "木有", "冇", "否", "no", "不对", "不用", "不要", "没回来", "没去", "不是从那")
# Only where a confirmation is asked does 「中不中」 (asked back: "is this ok?") mean yes.
CONFIRM_YES = ("中不中", "行不行", "对不对", "可以不", "中吧", "这样中不中")
THANKS = ("谢谢", "谢谢你", "谢谢了", "多谢", "感谢", "辛苦了", "好的", "知道了", "收到", "明白了", "晓得了")
GREETINGS = ("你好", "您好", "在吗", "在不在", "有人吗", "喂", "hi", "hello")
# Words around a menu word that do not change it: 「俺要登记信息」 is 「登记信息」.
REQUEST_FILLERS = ("我要", "俺要", "我想", "俺想", "帮我", "给我", "一下", "我", "俺", "想", "要", "请")
CHANGE_WORDS = ("不对", "错", "改", "换", "不是")
FILLERS = ("号码", "一下", "那个", "这个", "写", "填", "是", "的", "了", "我", "号", "要", "呢", "啊", "有", "点")
NO_PREFIXES = ("不对", "不是", "错了", "有错", "不正确", "改一下", "修改", "要改", "改", "不中", "不行", "no")
# An answer that has no answer: to an optional item it means "none/unknown", to a required one it needs a way out.
DONT_KNOW = (
    "不知道", "不清楚", "不晓得", "不记得", "记不得", "记不住", "记不清", "忘", "忘记", "忘了", "想不起来", "说不上来",
    "没手机", "没有手机", "没电话", "没有电话", "没有", "不会", "不会弄", "不会写", "不会打字", "不懂",
    "跳过", "没带", "不方便", "不好说",
)  # fmt: skip
_DONT_KNOW_LEAD = re.compile(r"^(我|俺|这个|那个|真|实在|也|都|还)+")
_DONT_KNOW_TAIL = re.compile(r"(了|啊|呀|呢|哩|嘞|啦|哈|吧)+$")

# Someone spoken of before and not named again: 「她还烧着哩」「俺家那口子」 (not 「其他」「他们」「他人」).
REFERS_BACK = re.compile(r"(?<!其)[她他](?![们人])|那口子|那位|当家的")
# Words for one's spouse: the husband or wife even when nobody was spoken of before (read as 「老伴」).
SPOUSE_WORDS = ("那口子", "那位", "当家的", "孩他爹", "孩他娘", "孩他妈", "孩子他爹", "孩子他妈", "孩子他娘")

_PUNCT = re.compile(r"[\s,，。.!！?？、;；:：~～…\"'“”‘’()（）【】\[\]]+")


@lru_cache(maxsize=2048)
def normalize(text: str) -> str:
    """Full-width to half-width, trimmed, lower-case: how every reply is read."""
    return unicodedata.normalize("NFKC", text).strip().lower()


@lru_cache(maxsize=2048)
def bare(text: str) -> str:
    """The text without spaces and punctuation, for whole-word commands."""
    return _PUNCT.sub("", normalize(text))


def is_command(text: str, words: tuple[str, ...]) -> bool:
    """True when the whole message is one of the words (punctuation ignored)."""
    stripped = bare(text)
    return bool(stripped) and stripped in words or normalize(text) in words


def _answer_word(text: str) -> str:
    """A bare yes or no as its word: a repeat said once (「是的是的」「对对对」), the particles after it dropped."""
    said = bare(text)
    half = len(said) // 2
    said = said[:half] if half > 1 and said[:half] == said[half:] else said
    said = _ANSWER_TAIL.sub("", said) or said
    return said[0] if len(said) > 1 and len(set(said)) == 1 else said


def is_yes(text: str) -> bool:
    """A confirmation: 是/对/确认/没错 and friends (「是哩」「对对对」「嗯呐」), with nothing contradicting it."""
    stripped = bare(text)
    return stripped in YES or (_answer_word(text) in YES and not is_no(text))


def is_no_answer(text: str) -> bool:
    """A no to a yes/no question: 「不是」「没有哩」「不」, or a rejection."""
    return _answer_word(text) in NO or _answer_word(text).rstrip("的") in NO


def is_confirm_yes(text: str) -> bool:
    """A yes at a confirmation step, where 「中不中」 asked back also means "fine, go ahead"."""
    return is_yes(text) or bare(text).rstrip("啊呀吧哩") in CONFIRM_YES


def dont_know(text: str) -> bool:
    """「不知道」「记不住」「没手机」: the person cannot answer this question."""
    said = _DONT_KNOW_TAIL.sub("", _DONT_KNOW_LEAD.sub("", bare(text)))
    return bool(said) and said in DONT_KNOW


def echoes(value, text: str) -> bool:
    """A free-text answer that is the message itself (「记不住」 read as a name): the reader found nothing in it."""
    return isinstance(value, str) and bool(value) and (value in bare(text) or bare(text) in value)


def is_no(text: str) -> bool:
    """A rejection or a correction: starts with 不对/不是/错了/改…"""
    return bare(text).startswith(NO_PREFIXES)


def strip_no(text: str) -> str:
    """What follows the rejection word: 「不对，是金水区」 -> 「金水区」."""
    stripped = normalize(text)
    for prefix in sorted(NO_PREFIXES, key=len, reverse=True):
        if stripped.startswith(prefix):
            stripped = stripped[len(prefix) :]
            break
    stripped = _PUNCT.sub(" ", stripped).strip()
    for lead in ("应该是", "是", "为", "成", "应该"):
        if stripped.startswith(lead):
            return stripped[len(lead) :].strip()
    return stripped


def without_fillers(text: str) -> str:
    """What is left after removing change words and fillers: empty when the text only names a field."""
    for word in (*CHANGE_WORDS, *FILLERS):
        text = text.replace(word, "")
    return text


@lru_cache(maxsize=4096)
def without_request_fillers(text: str) -> str:
    """The text without 「我要」「俺想」「一下」 and the like: what is left names the thing wanted."""
    for word in REQUEST_FILLERS:
        text = text.replace(word, "")
    return text


def refers_back(text: str) -> bool:
    """「她」「他」「俺家那口子」 without a name: the person the conversation was last about."""
    return REFERS_BACK.search(bare(text)) is not None


def spouse(text: str) -> bool:
    return any(word in bare(text) for word in SPOUSE_WORDS)


def canonical(text: str) -> str:
    """The menu word a dialect phrasing stands for (「以后别给俺发了」 -> 「退订」), else the text itself."""
    return phrase(text) or text


def drops_form(text: str) -> bool:
    """A change of mind inside a form: the message starts with 算了/不要了/不买了… (what follows is only why)."""
    return bare(standard(text)).startswith(CANCEL_LEADS)
