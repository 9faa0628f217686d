"""Places typed by sound: 「从尚海回来」「从北晶回来」「从nanjing回来」 name 上海, 北京, 南京.

Only provinces and cities (the names villagers say when they come back), only when they sound like exactly one,
and only right after 从/打 and before a return: a word that merely sounds like a place elsewhere is left alone.
"""

from __future__ import annotations

import re

from pypinyin import lazy_pinyin

from town.divisions import Chain, Gazetteer

_FROM_SOUND = re.compile(r"(?:从|打)([\u4e00-\u9fffa-z]{2,9}?)(?:市|省)?(?=回|过来|来的|坐|开车|到|出发|那边)")
_index: dict[int, dict[str, Chain | None]] = {}


def _sounds(gaz: Gazetteer) -> dict[str, Chain | None]:
    """Pinyin of every two- or three-character province or city name -> its chain (None when two share it)."""
    key = id(gaz)
    if key not in _index:
        found: dict[str, Chain | None] = {}
        for name, chains in gaz.names.items():
            top = {c for c in chains if not c[2]}
            if 2 <= len(name) <= 3 and len(top) == 1:
                sound = "".join(lazy_pinyin(name))
                chain = next(iter(top))
                found[sound] = chain if found.get(sound, chain) == chain else None
        _index.clear()
        _index[key] = found
    return _index[key]


def sounded_origin(text: str, gaz: Gazetteer) -> tuple[Chain, int, int] | None:
    """The province or city a 「从X回来」 names by its sound, with where X stands, or None."""
    m = _FROM_SOUND.search(text)
    if m is None or m.group(1) in gaz.names:
        return None
    chain = _sounds(gaz).get("".join(lazy_pinyin(m.group(1))))
    return (chain, m.start(1), m.end(1)) if chain else None


def warm_up(gaz: Gazetteer) -> None:
    """Build the sound index now rather than on a villager's first misspelt place."""
    _sounds(gaz)
