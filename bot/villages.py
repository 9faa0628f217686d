"""Find the village a villager means: 鸣皋, 鸣皋村, 明皋 (a homophone typo) or 鸣高 all mean 鸣皋村."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from pypinyin import lazy_pinyin

from bot.dialogue.flow import VillageRef

_NOISE = re.compile(r"(我是|我在|我住|住在|我家在|家住|俺是|俺家|俺在|在|的人|的|村民|人)")
_SUFFIX = "村"


@dataclass(frozen=True)
class Match:
    """The village found, or the closest candidates when it is not certain."""

    village: VillageRef | None
    candidates: tuple[VillageRef, ...] = ()


class VillageIndex:
    """The town's villages with their stems and pinyin, built once at start-up."""

    def __init__(self, villages: list[VillageRef]):
        self.villages = tuple(villages)
        self._by_stem = {self._stem(v.name): v for v in villages}
        self._pinyin = {v.id: lazy_pinyin(self._stem(v.name)) for v in villages}

    @staticmethod
    def _stem(name: str) -> str:
        return name[:-1] if name.endswith(_SUFFIX) and len(name) > 1 else name

    def find(self, text: str) -> Match:
        """The one village the text names, or candidates to choose from."""
        cleaned = _NOISE.sub("", re.sub(r"\s+", "", text))
        stem = self._stem(cleaned)
        if stem in self._by_stem:
            return Match(self._by_stem[stem])
        contained = [v for s, v in self._by_stem.items() if len(s) >= 2 and s in cleaned]
        if contained:
            return Match(max(contained, key=lambda v: len(v.name)))
        sounds_alike = [v for v in self.villages if self._pinyin[v.id] == lazy_pinyin(stem)]
        if len(sounds_alike) == 1:
            return Match(sounds_alike[0])
        candidates = self._closest(stem, sounds_alike)
        return Match(candidates[0]) if len(candidates) == 1 else Match(None, candidates)

    def _closest(self, stem: str, first: list[VillageRef]) -> tuple[VillageRef, ...]:
        if not stem:
            return tuple(first)
        spoken = " ".join(lazy_pinyin(stem))

        def score(village: VillageRef) -> float:
            by_char = difflib.SequenceMatcher(None, stem, self._stem(village.name)).ratio()
            by_sound = difflib.SequenceMatcher(None, spoken, " ".join(self._pinyin[village.id])).ratio()
            return max(by_char, by_sound)

        ranked = sorted(self.villages, key=score, reverse=True)
        close = [v for v in ranked if score(v) >= 0.5][:5]
        if len(close) == 1 or (close and score(close[0]) >= 0.75 and score(close[0]) - score(close[1]) >= 0.2):
            return (close[0],)
        return tuple(dict.fromkeys([*first, *close]))

    def by_id(self, village_id: int | None) -> VillageRef | None:
        return next((v for v in self.villages if v.id == village_id), None)

    def by_name(self, name: str) -> VillageRef | None:
        """Exact or stem match only: for settings and QR scene keys."""
        return self._by_stem.get(self._stem(name.strip()))
