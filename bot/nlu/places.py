"""Places in a message with their roles.

Origin (从/在…/…回来), destination (回/到/去), local (inside this county), or neutral.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from town.divisions import Chain, Gazetteer, common_prefix, compatible, level, merge

ABROAD: Chain = ("abroad", "", "", "")
_GENERIC_ABROAD = ("国外", "境外", "海外", "外国", "出国")
_GENERIC_ABROAD += (
    "非洲",
    "欧洲",
    "美洲",
    "南美",
    "北美",
    "中东",
    "东南亚",
    "大洋洲",
    "澳洲",
    "印尼",
    "孟加拉",
)  # 「从非洲回来」: any continent
_FILLER = set("省市县区的 ")
_SUFFIX = set("区县市镇乡州省旗")
_FROM = re.compile(r"(从|自|打|由|离开|刚从)$")
_AT = re.compile(r"(在|住在|住|家在|呆在|待在|搁)$")
_TO = re.compile(r"(回到|回|到|去|往|至|进|来|返回|返)$")
# 「去新疆摘棉花 今儿回来了」: a place gone to, with a return said after it, is where they came back from.
_WENT = re.compile(r"(?:去|上)$")
_RETURN_LATER = re.compile(r"回来|回家|回村|到家|回的家|回的村")
_BACK_AFTER = re.compile(r"^(回来|回家|回乡|回村|回老家|返乡|返回|过来|来的|来了|回|坐|开车|出发|离开|走的)")
_PLACE_TAILS = {
    "东站",
    "西站",
    "南站",
    "北站",
    "站",
    "火车站",
    "高铁站",
    "机场",
    "市区",
    "市里",
    "那边",
    "这边",
    "人",
    "城区",
    "老家",
    "东",
    "西",
    "南",
    "北",
    "县城",
}
_INSTITUTIONS = ("大学", "学院", "医院", "站", "机场", "厂", "公司", "工地", "市场", "学校", "中学")
_VILLAGE_WORDS = ("村", "庄", "寨", "屯", "组")
ROLE_RANK = {"from_back": -1, "from": 0, "back": 1, "at": 2, "neutral": 3, "to": 4, "local": 5}


Hit = tuple[int, int, list[Chain]]
Mention = tuple[int, int, list[list[Chain]]]


@dataclass
class Place:
    """One place mention: what it resolves to, where it is in the text, and its role."""

    chain: Chain
    start: int
    end: int
    role: str = "neutral"


_LONGEST_NAME = 32  # the longest division name or alias is 16 characters


def _lookup(token: str, gaz: Gazetteer) -> list[Chain] | None:
    chains = gaz.names.get(token)
    if chains is None and (token in gaz.abroad or token in _GENERIC_ABROAD):
        return [ABROAD]
    return chains


def _split(token: str, gaz: Gazetteer) -> list[tuple[int, int, list[Chain]]]:
    """jieba's own compounds (上海浦东, 广西南宁, 郑州东站): the place names inside, longest first."""
    parts, pos = [], 0
    while pos < len(token):
        # No name is longer than _LONGEST_NAME: slicing every prefix of a 60,000-character token is quadratic.
        for end in range(min(len(token), pos + _LONGEST_NAME), pos + 1, -1):
            chains = _lookup(token[pos:end], gaz)
            if chains:
                parts.append((pos, end, chains))
                pos = end
                break
        else:
            rest = token[pos:]
            return parts if parts and (rest in _PLACE_TAILS or rest.endswith(_INSTITUTIONS)) else []
    return parts


def _hits(tokens: list[str], gaz: Gazetteer, common: frozenset[str]) -> list[Hit]:
    """Tokens that name a place: (start, end, candidate chains)."""
    hits: list[Hit] = []
    pos = 0
    for token in tokens:
        start, pos = pos, pos + len(token)
        chains = _lookup(token, gaz)
        if chains is None and len(token) >= 3:
            hits.extend((start + a, start + b, c) for a, b, c in _split(token, gaz))
            continue
        if not chains or (token in common and not (hits and hits[-1][1] == start)):
            continue
        hits.append((start, pos, chains))
    return hits


def _mentions(hits: list[Hit], text: str) -> list[Mention]:
    """Adjacent hits (扬州 广陵区, 郑州市的金水区) form one mention."""
    groups: list[Mention] = []
    for start, end, chains in hits:
        if groups and set(text[groups[-1][1] : start]) <= _FILLER and groups[-1][2][0] != [ABROAD]:
            g_start, _, parts = groups[-1]
            groups[-1] = (g_start, end, [*parts, chains])
        else:
            groups.append((start, end, [chains]))
    return groups


def _resolve(parts: list[list[Chain]], context: list[Chain]) -> list[Chain]:
    """The candidates of one mention that fit all its parts (and, if possible, the other places)."""
    result: list[Chain] = [("", "", "", "")]
    for chains in parts:
        nxt = [merge(r, c) for r in result for c in chains if compatible(r, c)]
        result = nxt or result
    if len(result) > 1 and context:
        fitting = [r for r in result if any(compatible(r, c) and c[0] for c in context)]
        result = fitting or result
    if len(result) > 1:
        top = min(level(r) for r in result)
        highest = [r for r in result if level(r) == top]
        result = highest if len(highest) == 1 else result
    return list(dict.fromkeys(result))


def _role(text: str, start: int, end: int, chain: Chain, gaz: Gazetteer) -> str:
    if chain != ABROAD and gaz.is_local(chain):
        return "local"
    before = text[max(0, start - 3) : start]
    back = _BACK_AFTER.match(text[end : end + 4].lstrip("的那边里 "))
    if _FROM.search(before):
        return "from_back" if back else "from"
    if back:
        return "back"
    if _TO.search(before):
        went = _WENT.search(before) and _RETURN_LATER.search(text, end)
        return "from" if went else "to"
    if _AT.search(before):
        return "at"
    return "neutral"


def _unglued(tokens: list[str], gaz: Gazetteer) -> list[str]:
    """「从江|西拉」 back to 「从|江西|拉」: a name that starts with 从/在/到 (从江县) glued to the name after it."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if len(token) >= 2 and token[0] in "从在到" and token in gaz.names and i + 1 < len(tokens):
            rest = token[1:] + tokens[i + 1]
            end = next((e for e in range(len(rest), len(token) - 1, -1) if rest[:e] in gaz.names), None)
            if end is not None:
                out += [token[0], rest[:end]] + ([rest[end:]] if rest[end:] else [])
                i += 2
                continue
        out.append(token)
        i += 1
    return out


def find_places(text: str, tokens: list[str], gaz: Gazetteer, common: frozenset[str]) -> list[Place]:
    """Every place in the text with its role, ambiguous names resolved by the others where possible."""
    tokens = _unglued(tokens, gaz)
    # 「坡头村」「马庄」: a place name with a village word after it is a village elsewhere, never a division.
    hits = [h for h in _hits(tokens, gaz, common) if text[h[1] : h[1] + 1] not in _VILLAGE_WORDS]
    mentions = _mentions(hits, text)
    first = [_resolve(parts, []) for _, _, parts in mentions]
    certain = [c[0] for c in first if len(c) == 1]
    places = []
    for (start, end, parts), cands in zip(mentions, first, strict=True):
        if len(cands) > 1:
            cands = _resolve(parts, certain)
        chain = cands[0] if len(cands) == 1 else common_prefix(cands)
        if any(chain):
            places.append(Place(chain, start, end, _role(text, start, end, chain, gaz)))
    return places


def origin(places: list[Place]) -> Chain | None:
    """Where someone came from: the best-marked non-local place, extended by compatible ones."""
    candidates = [p for p in places if p.role not in ("to", "local")]
    if not candidates:
        return None
    best = min(candidates, key=lambda p: (ROLE_RANK[p.role], p.start))
    chain = best.chain
    for p in sorted(candidates, key=lambda p: (ROLE_RANK[p.role], p.start)):
        # 「从洛阳送回来 洛阳西工区」: a neutral place counts when it only says more of the same place.
        refines = p.role != "neutral" or level(p.chain) > level(chain)
        if p is not best and chain != ABROAD and p.chain != ABROAD and compatible(chain, p.chain) and refines:
            chain = merge(chain, p.chain)
    return chain


def any_place(places: list[Place]) -> Chain | None:
    """The place a question is about: the first non-local one, else the local one."""
    ordered = sorted(places, key=lambda p: (p.role == "local", p.start))
    return ordered[0].chain if ordered else None
