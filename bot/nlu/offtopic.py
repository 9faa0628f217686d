"""Messages not about the epidemic: a lost dog, the price of fertiliser, school fees, an advert."""

from __future__ import annotations

import re

from bot.nlu.features import Features, has
from bot.nlu.resources import Resources

_PRICE_PER = re.compile(r"(?:块|元|毛)[\d一二三四五六七八九]?钱?(?:一|每)(?:斤|个|箱|袋|份|把)")  # 「一块五一斤」
_MAY_GO = re.compile(r"(?:能|可以|让|准)(?:出|去|走|回)")  # 「现在能出去打工不」 asks about going out
# 「出门去县里打工了」「俺闺女出门上学去了」「俺儿在深圳上班」: away for work or school, not a question about going out
_AWAY = re.compile(
    r"(?:(?:出门|出去|外出)[^\s，,]{0,6}?|在(?:(?!卡|检查|值班|执勤)[^\s，,]){1,6}?)(?:打工|上班|干活|挣钱|上学|读书)"
)
_SHOP = re.compile(r"哪(?:里|儿)?有(?:卖|修|收)")  # 「镇上哪有卖电动车哩」: a shop asked for (when no goods are named)
_OWNER = re.compile(r"[^\s，,]{1,3}的(?= )")
_EPIDEMIC = ("policy", "risk", "checkpoint", "vaccine", "need_nothing")


def epidemic_left(f: Features, res: Resources) -> bool:
    """An epidemic word outside the off-topic words: 「上学的补助」 is money, 「出门打工」 is work."""
    if not f.cues.intersection(_EPIDEMIC):
        return False
    if _MAY_GO.search(f.text):
        return True
    text = _AWAY.sub(" ", f.text)
    for word in sorted(res.words["offtopic"], key=len, reverse=True):
        text = text.replace(word, " ")
    text = _OWNER.sub(" ", text)  # 「上学的校车」: what owns an off-topic thing is off-topic too
    return any(has(text, res.words[cue]) for cue in _EPIDEMIC)


def off_topic(f: Features, res: Resources, evidence: list[str], fever: bool, asked: bool) -> bool:
    """Not about the epidemic (a lost dog, a band for a wedding, school fees): no cadre is asked.

    A report still counts when it is one: 「儿子结婚 请了乐队」 reports a wedding, 「谁家有乐队」 asks for a band.
    """
    if fever or "declare_return" in evidence:
        return False
    if "advert" in f.cues or _PRICE_PER.search(f.text) or f.bare.startswith("卖"):
        return True
    shop = _SHOP.search(f.text) and not f.goods
    if ("offtopic" not in f.cues and not _AWAY.search(f.text) and not shop) or epidemic_left(f, res):
        return False
    return asked or not evidence
