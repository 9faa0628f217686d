"""What one message contains: places, numbers, goods, cue words. Intents are decided over these."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from bot.nlu import places as pl
from bot.nlu.dates import find_date
from bot.nlu.dialect import standard
from bot.nlu.numbers import find_temperature
from bot.nlu.quantities import find_items, mentions_goods
from bot.nlu.resources import Resources
from bot.nlu.sounds import sounded_origin

_PUNCT = re.compile(r"[，,。.！!？?、；;：:~～…\s\"'“”‘’（）()【】\[\]]+")
_DOSES = re.compile(r"(?:打了|打完|打过|接种了|接种|打|已打|都打了)?\s*([一二两三俩1-3])\s*(?:针|剂|次)")
_NTH_DOSE = re.compile(r"第\s*([一二三1-3])\s*(?:针|剂)")
_NEG_SPAN = 3
# 「腿脚不得劲 出不去」: legs or back that trouble an old person are no symptom of the epidemic.
_LIMBS = re.compile(
    r"(?<!嗓子)(?:腿脚|腿|脚|腰|胳膊|膝盖|眼睛|眼|耳朵|牙)(?:又|也|有点|一直|老)?(?:不舒服|不好|不利索|不方便|疼|痛)"
)
_CLAUSE_BREAK = re.compile(r"[\s，,。；;！!？?]")
# 「身体不好打不了」「医生不让打」: not vaccinated, said without the word 疫苗 (not 没打卡, 没打电话).
_REFUSED = re.compile(
    r"(?:不能|不让|不敢|没敢|(?:^|(?<=[\s，,。；;]))[\u4e00-\u9fff]{0,3}?还?没)打(?!卡|扰|电话|工|架|扫|开|算|听|车|折|牌|麻将|完|药|麦|农药|场)|打不[了成]|(?:先别|别|不叫|暂时不|先不)打(?=$|[了哩呢啊\s])|(?:还?没有?|不)打了?(?=$|[哩呢呀啊\s])"
)
_TO_COME = (
    "还没", "没", "还未", "未", "要", "该", "快", "还得", "约", "预约", "排", "等", "下礼拜", "下周", "过几天",
    "什么时候", "多久", "几时", "哪天", "在哪",
)  # fmt: skip
_NONE_AT_ALL = ("一针没", "一针都没", "一针也没", "都没打", "还没打过")
# 「加强针还没打 前两针都打了」: the doses done count, whatever is still to come.
_DONE_COUNT = re.compile(
    r"([一二两三俩1-3])\s*(?:针|剂)\s*(?:都|也|已经|早就|早都|早)?\s*(?:打了|打过|打完|接种了)|(?:打了|打过|打完)([一二两三俩1-3])(?:针|剂)"
)
# 「俺闺女下个月初八出门」: a daughter who 出门 on a named day is married off.
_MARRIED_OFF = re.compile(
    r"(?:闺女|女儿|姑娘|妮儿|孙女|侄女|外甥女)\S{0,8}?(?:号|日|初[一二三四五六七八九十]|[十廿][一二三四五六七八九]?"
    r"|[周拜期][一二三四五六日天])出门(?!打工|干活|去|买|办|看)"
    r"|(?:号|日|初[一二三四五六七八九十]|[周拜期][一二三四五六日天])\S{0,4}?(?:闺女|女儿|姑娘|孙女|侄女|外甥女)出门(?!打工|干活|去|买|办|看)"
)
# 「俺孩儿下礼拜天办事」「十六号过事」: a day right before 办事 is an event held that day (not 「去县里办事」).
_EVENT_DAY = re.compile(r"(?:号|日|天|[一二三四五六日])(?:办|过)(?:事|酒|席)")
_TIME_WORDS = re.compile(
    r"(今儿个|今儿|今天|昨天|昨儿个|昨个|昨晚|前天|刚刚|刚才|刚|已经|早上|清早|一早|晚上|夜里|半夜|上午|下午|晌午|后晌|也|又|在)+$"
)
CUES = (
    "cancel",
    "help",
    "greeting",
    "need",
    "need_nothing",
    "checkin",
    "event_other",
    "vaccine",
    "risk",
    "policy",
    "policy_action",
    "checkpoint",
    "checkpoint_finding",
    "offtopic",
    "advert",
    "lockdown",
)


@dataclass
class Features:
    """Everything found in a message, before any intent is chosen."""

    text: str
    bare: str
    tokens: list[str]
    places: list[pl.Place] = field(default_factory=list)
    village: str | None = None
    temperature: float | None = None  # 「三十八度多」 counts here (a fever), not as the slot
    exact_temperature: bool = True
    symptoms: list[str] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    goods: list[str] = field(default_factory=list)
    doses: int | None = None
    event: str | None = None
    transport: str | None = None
    dated: bool = False
    cues: set[str] = field(default_factory=set)


def bare_standard(raw: str) -> str:
    """The message as the rules read it whole: dialect in standard spelling, without punctuation or spaces."""
    return _PUNCT.sub("", standard(normalise(raw)))


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, runs of spaces to one."""
    text = unicodedata.normalize("NFKC", text).lower().strip()
    return re.sub(r"\s+", " ", text)


def has(text: str, words: tuple[str, ...]) -> bool:
    """Any of the words occurs in the text."""
    return bool(words) and _any_of(words).search(text) is not None


def first_at(text: str, words: tuple[str, ...]) -> int | None:
    """Where the first of the words occurs in the text, or None."""
    m = _any_of(words).search(text) if words else None
    return m.start() if m else None


@lru_cache(maxsize=8)
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=512)
def _any_of(words: tuple[str, ...]) -> re.Pattern:
    """One pattern for a word list (a dozen `in` tests per message cost a third of the NLU)."""
    return re.compile("|".join(map(re.escape, words)))


def _negated(text: str, pos: int, negations: tuple[str, ...], symptoms: tuple[str, ...] = ()) -> bool:
    before = _CLAUSE_BREAK.split(text[max(0, pos - _NEG_SPAN) : pos])[-1]  # 「鼻子不通 嗓子哑」: 不 is the nose's
    if any(n in before for n in negations):
        return True
    pos -= 1 if text[max(0, pos - 1) : pos] in ("和", "、", "也") else 0
    # 「没有发烧咳嗽」: a symptom listed right after a denied one is denied with it.
    listed = next((w for w in symptoms if len(w) > 1 and text.endswith(w, 0, pos)), None)
    return listed is not None and _negated(text, pos - len(listed), negations, symptoms)


def find_symptoms(text: str, res: Resources) -> list[str]:
    """Symptoms said, not denied (不发烧, 没咳嗽) and not part of a medicine name (感冒药)."""
    text = res.medicine.sub(lambda m: " " * len(m.group(0)), text)
    text = _LIMBS.sub(lambda m: " " * len(m.group(0)), text)
    if has(text, res.words["recovered"]) and not has(text, ("又", "还在", "还有")):
        return []
    if not has(text, res.words["symptom"]):  # most messages name none: one search instead of a find per word
        return []
    found = []
    for word in _longest_first(res.words["symptom"]):
        pos = text.find(word)
        denied = pos >= 0 and _negated(text, pos, res.words["negation"], res.words["symptom"])
        if pos >= 0 and not denied and not any(word in f for f in found):
            found.append(word)
    return found


def find_doses(text: str, res: Resources) -> int | None:
    """Vaccine doses: 第二针 -> 2, 打完两针 -> 2, 还没打 -> 0."""
    if has(text, _NONE_AT_ALL):
        return 0
    refused = has(text, res.words["vaccine_none"]) or _REFUSED.search(text)
    if refused and not _NTH_DOSE.search(text) and not _DONE_COUNT.search(text):
        return 0
    nth = _NTH_DOSE.search(text)
    nth = None if nth and text.startswith(_TO_COME, nth.end()) else nth  # 「第二针还没到时间」 is not done
    m = nth or _DONE_COUNT.search(text) or _DOSES.search(text)
    if m:
        said = next(g for g in m.groups() if g)
        return {"一": 1, "二": 2, "两": 2, "俩": 2, "三": 3}.get(said) or int(said)
    if "加强针" in text and has(text, ("打了", "打过", "打完", "接种了")):
        return 3  # 「加强针昨天打了」: the booster is the third
    if has(text, ("打完了", "全程", "都打了", "打过了", "已经打了", "打完疫苗", "接种完")):
        return 2
    return None


def find_event(text: str, res: Resources) -> str | None:
    """wedding (订婚 too) or funeral; 「俺爹没了」 is a funeral, 「米没了」 is not."""
    if has(text, res.words["wedding"]) or _MARRIED_OFF.search(text):
        return "wedding"
    strong = [w for w in res.words["funeral"] if w not in ("走了", "没了", "老了")]
    if has(text, tuple(strong)):
        return "funeral"
    for m in re.finditer("走了|没了|老了|去了", text):
        before = _TIME_WORDS.sub("", text[max(0, m.start() - 8) : m.start()])
        if any(before.endswith(w) for w in res.words["family"]):
            return "funeral"
    return None


_STATIONS = ("机场", "汽车站")  # a place that names a means only when no vehicle is said


_TRANSPORT_KINDS = ("other", "self_drive", "plane", "train", "bus")


def find_transport(text: str, res: Resources) -> str | None:
    """self_drive | train | bus | plane | other, the first one named."""
    if not has(text, res.transport_words):
        return None
    best = None
    for kind in _TRANSPORT_KINDS:
        for word in res.words[f"transport_{kind}"]:
            pos = text.find(word)
            pos = pos + len(text) if pos >= 0 and word in _STATIONS else pos  # 「新郑机场坐大巴」: the bus is the means
            if pos >= 0 and (best is None or pos < best[0] or (pos == best[0] and len(word) > best[2])):
                best = (pos, kind, len(word))
    return best[1] if best else None


def extract(raw: str, res: Resources, today: dt.date) -> Features:
    """Read every feature out of one message."""
    text = standard(normalise(raw))
    bare = _PUNCT.sub("", text)
    masked = res.lookalikes.sub(lambda m: " " * len(m.group(0)), text)
    tokens = res.cut(masked)
    f = Features(text, bare, tokens)
    f.places = pl.find_places(masked, tokens, res.gazetteer, res.common)
    if all(p.role == "local" for p in f.places) and (sounded := sounded_origin(masked, res.gazetteer)):
        f.places.append(pl.Place(sounded[0], sounded[1], sounded[2], "from_back"))  # 「从尚海回来」
    f.village = next((res.gazetteer.villages[t] for t in tokens if t in res.gazetteer.villages), None)
    f.temperature = find_temperature(text, rough=True)
    f.exact_temperature = f.temperature is None or find_temperature(text) is not None
    f.symptoms = find_symptoms(text, res)
    denied = not f.symptoms and has(text, res.words["symptom"])  # 「没有发热 没有咳嗽 没有乏力」 is a check-in
    f.goods = mentions_goods(tokens, res.goods)
    f.items = find_items(text, res.goods, loose=has(text, res.words["need"]))
    vaccine = has(text, res.words["vaccine"]) or "针" in text or "剂" in text or _REFUSED.search(text)
    f.doses = find_doses(text, res) if vaccine else None
    f.event = find_event(text, res)
    f.transport = find_transport(text, res)
    f.dated = find_date(text, today) is not None
    f.cues = {name for name in CUES if has(text, res.words[name])}
    if _EVENT_DAY.search(text):
        f.cues.add("event_other")
    if denied:
        f.cues.add("checkin")
    return f
