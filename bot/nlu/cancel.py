"""A step back: the sender cancels what they reported or asked for (「不用送了」「那个登记撤了吧」)."""

from __future__ import annotations

import re

from bot.nlu.features import Features, first_at, has
from bot.nlu.resources import Resources

_CANCEL_WITHIN = 4  # a cancel word this near the start is what the message does
# 「那个返乡登记撤了吧」: a report or request named, then withdrawn.
_WITHDRAWN = re.compile(
    r"(?:报备|登记|申请|报的|填的|那个|那条)[^，,。]{0,8}?(?:撤了|撤销|撤回|作废|取消|不算|删了|删掉|删除|去掉)"
    r"|(?:报备|登记|申请)(?:的|那个)?(?:不要了|不用了)"  # 「俺那个登记不要了 人没回来」
)
_NOT_WANTED = re.compile(r"(?:不要|不需要|甭要)([\u4e00-\u9fff]{1,3}?)了")
_DROPPED = re.compile(r"([\u4e00-\u9fff]{1,3}?)也?(?:不要|不需要|不用|甭要|不买)了")  # 「刚才那个药不要了 找着了」
# 「甭给俺买了」「不用管了」: don't (do it for me) any more.
_DONT = re.compile(
    r"(?:甭|别|不用|不必|不要)(?:再)?(?:给我|帮我|替我)?(?:买|送|捎|带|弄|整|搞|管|报|填|登记|申请)[\u4e00-\u9fff]{0,2}?了"
    r"|^不(?:用|必)?麻烦[\u4e00-\u9fff]{0,4}?了"  # 「不麻烦村里了 俺自己去买」
)
_STILL_WANTED = ("还要", "要", "换成", "改成", "买")
_INTERJECTION = re.compile(r"^(?:哎呀|哎哟|哎|唉|嗨|哦|噢|呃|那就|那)+")  # 「哎呀 算了吧」
FILLERS = re.compile(r"(了|吧|啊|呀|哈|呢|嘛|哦|喔|一下|下)+$")


def cancelled(f: Features, res: Resources) -> bool:
    """A step back said early (「中了中了 不要了」「米不用送了 邻居给了」), not a new request after it."""
    if _INTERJECTION.sub("", f.bare).startswith(res.words["cancel_lead"]) or _WITHDRAWN.search(f.bare):
        return not (f.items and has(f.bare[2:], _STILL_WANTED))  # 「算了 不要面了 要两袋米」 asks anew
    form = _DONT.search(f.bare) or _not_wanted(f)
    if "cancel" not in f.cues and not form:
        return False
    at = first_at(f.bare, res.words["cancel"])
    at = form.start() if form and (at is None or form.start() < at) else at
    # 「不要油了 换成一袋面」「要三斤肉 算了 两斤就中」: a request with quantities is the new request.
    # 「那口子把菜买回来了 不用送了」: a reason, then the step back as the last word.
    tail = FILLERS.sub("", f.bare)
    last = any(tail.endswith(w.rstrip("了啦")) for w in res.words["cancel"] if len(w.rstrip("了啦")) >= 2)
    last = (last or (form is not None and form.end() >= len(f.bare) - 1)) and "offtopic" not in f.cues
    if at is None or f.items or not (len(f.bare) <= 8 or at <= _CANCEL_WITHIN or last):
        return False
    said = form.end() if form is not None and form.start() == at else at + 2
    rest = f.bare[said:]  # 「米不要了 面还要」: the goods still wanted are a request
    return not (has(rest, _STILL_WANTED) and any(g in rest for g in f.goods))


def _not_wanted(f: Features) -> re.Match | None:
    """「俺不要面了」: goods no longer wanted (not 「不要隔离了」)."""
    for m in (_NOT_WANTED.search(f.bare), _DROPPED.search(f.bare)):
        if m and any(m.group(1).endswith(g) for g in f.goods):
            return m
    return None
