"""Reading a health report: whose temperature, which symptoms, or 「全家正常」, in whatever order it was typed.

「我36.5，小明36.8」, 「王小明 36.7 李秀英 36.5」, 「小明37.5 其他都正常」, 「全家正常，就是孩子有点咳嗽」:
the text is cut into pieces at punctuation, spaces and after each temperature; each piece names someone (or
continues the last one) and says a temperature, symptoms, or that all is well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.nlu import resources
from bot.nlu.features import find_symptoms, normalise
from bot.nlu.intents import FEVER_AT
from bot.nlu.numbers import find_temperature

SELF = "_self"  # 「我」「俺」: the sender
_PIECES = re.compile(r"[，,。；;、!！?？:：~～…\s]+|(?<!\d)\.|\.(?!\d)")
_TEMPERATURE = re.compile(
    r"(?<![\d.])(?:3[4-9]|4[0-2])(?:\.\d)?(?!\d)\s*(?:℃|°c|°)?(?:度[\d一二三四五六七八九]?)?"
    r"|[三四]十[一二三四五六七八九]?(?:[度点][零一二三四五六七八九]?)?"
)
_SELF = re.compile(r"^(?:我自己|我|俺|本人|自己)")
RELATIONS = (
    "孩子", "孩儿", "小孩", "娃", "儿子", "闺女", "女儿", "姑娘", "老伴", "老婆", "媳妇", "儿媳妇", "儿媳", "爱人",
    "对象", "老公", "丈夫", "男人", "爸爸", "妈妈", "爸", "妈", "爹", "娘", "父亲", "母亲", "爷爷", "奶奶", "姥姥",
    "姥爷", "外公", "外婆", "公公", "婆婆", "孙子", "孙女", "外孙", "外孙女", "哥哥", "姐姐", "弟弟", "妹妹", "哥",
    "姐", "弟", "妹", "老人", "老太太", "老头",
)  # fmt: skip
# The spouse's many names: a relation, not 「我」 (「俺家那口子」), told to the doctor as 老伴.
SPOUSE = (
    "那口子", "当家的", "掌柜的", "孩他爹", "孩他爸", "孩他娘", "孩他妈", "孩子他爹", "孩子他爸", "孩子他娘",
    "孩子他妈", "孩儿他爹", "孩儿他娘", "老头子", "老婆子", "屋里的", "俺男人", "俺女人",
)  # fmt: skip
SPOUSE_RELATION = "老伴"
_RELATION = re.compile("|".join(sorted(RELATIONS + SPOUSE, key=len, reverse=True)))
# A message that only names someone (「我自己」「是俺娘」「俺家那口子」): the answer to 「是谁」.
_NAMED_ALONE = re.compile(
    r"^(?:就是|是)?(?:(?P<self>我自己|俺自己|我|俺|本人|自己)|(?:(?:我|俺|咱)(?:们)?(?:家)?(?:的|里)?)?"
    rf"(?P<relation>{_RELATION.pattern}))(?:啊|呀|哈|吧|了|的)?$"
)
_EVERYONE = (
    "全家",
    "一家",
    "家里人",
    "家人",
    "大家",
    "全部",
    "都",
    "其他",
    "其余",
    "别的",
    "剩下",
    "我们",
    "俺们",
    "咱",
)
_WELL = (
    "正常", "没事", "都好", "挺好", "很好", "良好", "没发烧", "不发烧", "没有发烧", "没有异常", "无异常", "没异常",
    "平安", "好着", "都中", "身体好", "无症状", "没症状", "健康", "没啥事", "没有事",
)  # fmt: skip
# Words that only say the fever itself: listed apart from the other symptoms when the temperature is known.
FEVER_WORDS = frozenset(
    ("发烧", "发热", "发骚", "发少", "高烧", "低烧", "有点烧", "烧得", "烧到", "烧了")
    + ("烧着", "烧起来", "又烧", "还在烧", "一直烧", "还烧", "发烫")
)
SHOWN_SYMPTOMS = {"味觉": "味觉不对", "嗅觉": "嗅觉不对", "闻不到": "闻不到味", "尝不出": "尝不出味", "没味": "没味觉"}


@dataclass
class Reading:
    """What the message says about one person (who: a name, SELF, a relation, or None: unnamed)."""

    who: str | None
    temperature: float | None = None
    symptoms: list[str] = field(default_factory=list)
    rest: bool = False  # 「全家正常」「其他都正常」: everyone not named otherwise is well

    @property
    def fever(self) -> bool:
        return (self.temperature is not None and self.temperature >= FEVER_AT) or bool(self.symptoms)


def shown_symptoms(symptoms: list[str], temperature: float | None) -> list[str]:
    """Symptoms as a doctor reads them: 「发烧」 once (not at all next to a temperature), 味觉 as 味觉不对."""
    shown: list[str] = []
    for word in symptoms:
        word = "发烧" if word in FEVER_WORDS else SHOWN_SYMPTOMS.get(word, word)
        if word not in shown and not (word == "发烧" and temperature is not None):
            shown.append(word)
    return shown


def pieces(text: str) -> list[str]:
    """The text cut at punctuation, spaces, and after each temperature."""
    out = []
    for part in _PIECES.split(text):
        start = 0
        for m in _TEMPERATURE.finditer(part):
            out.append(part[start : m.end()])
            start = m.end()
        out.append(part[start:])
    return [p for p in out if p]


def temperature(piece: str) -> float | None:
    """A temperature in a piece of a health report (a bare 37 counts: the report is about temperatures)."""
    return find_temperature(piece, rough=True) or find_temperature("体温" + piece, rough=True)


def who(piece: str, names: dict[str, str]) -> str | None:
    """The person a piece is about: a name the household knows (earliest), 「我」, a relation, or None."""
    found = [(piece.find(alias), -len(alias), name) for alias, name in names.items() if alias in piece]
    if found:
        return min(found)[2]
    relation = _RELATION.search(piece)  # before 「我」: 「我家孩子」 is the child
    if relation:
        return SPOUSE_RELATION if relation.group(0) in SPOUSE else relation.group(0)
    return SELF if _SELF.match(piece) else None


def named_alone(text: str) -> str | None:
    """Who a message names when it says nothing else (SELF, a relation, 老伴 for the spouse's names), or None."""
    found = _NAMED_ALONE.match(_PIECES.sub("", normalise(text)))
    if found is None:
        return None
    relation = found.group("relation")
    if relation is None:
        return SELF
    return SPOUSE_RELATION if relation in SPOUSE else relation


def read(text: str, names: dict[str, str] | None = None) -> list[Reading]:
    """Every reading in a message; `names` maps what the household may be called (小明) to a name (王小明)."""
    names = names or {}
    res = resources.get()
    readings: list[Reading] = []
    pending: str | None = None  # 「王小明 36.7」: a name alone, for the piece after it
    for piece in pieces(normalise(text)):
        person = who(piece, names)
        degrees = temperature(piece)
        symptoms = find_symptoms(piece, res)
        well = any(word in piece for word in _WELL)
        if degrees is None and not symptoms and not well:
            pending = person or pending
            continue
        if person is None:
            person, pending = pending, None
        last = readings[-1] if readings and not readings[-1].rest else None
        if degrees is None and not symptoms and (person is None or any(w in piece for w in _EVERYONE)):
            readings.append(Reading(None, rest=True))
        elif person is None and last is not None and (degrees is None or last.temperature is None):
            # 「媳妇发烧了 38度」: a piece naming nobody goes on about the person just named.
            last.temperature = last.temperature if degrees is None else degrees
            last.symptoms += [s for s in symptoms if s not in last.symptoms]
        else:
            readings.append(Reading(person, degrees, symptoms))
    return readings
