"""Find the village a villager means: 鸣皋, 鸣皋村, 明皋 (a homophone typo) or 鸣高 all mean 鸣皋村."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import lazy_pinyin
from sqlmodel import Session

from models.town import list_villages

_NOISE = re.compile(r"(我是|我在|我住|住在|我家在|家住|俺是|俺家|俺在|在|的人|的|村民|人)")
_SUFFIX = "村"
CLOSE_ENOUGH = 0.6  # offered as a choice
SURE_ENOUGH = 0.75  # taken as the answer when nothing else comes close
MAX_CHOICES = 5  # an elderly reader picks from a few names, never from the town's whole list


@dataclass(frozen=True)
class VillageRef:
    """A village as the dialogue knows it (loaded once at start-up)."""

    id: int
    name: str


@dataclass(frozen=True)
class Match:
    """The village found (certain, or a close guess), or candidates to choose from."""

    village: VillageRef | None
    candidates: tuple[VillageRef, ...] = ()
    certain: bool = False


class VillageIndex:
    """The town's villages with their stems and pinyin, built once at start-up."""

    def __init__(self, villages: list[VillageRef]):
        self.villages = tuple(villages)
        self._by_stem = {_stem(v.name): v for v in villages}
        self._sounds = {v.id: tuple(lazy_pinyin(_stem(v.name))) for v in villages}
        # Villagers repeat the same few spellings; the town's villages are fixed while the process runs.
        self.find = lru_cache(maxsize=4096)(self._find)

    def _find(self, text: str) -> Match:
        """The one village the text names, or candidates to choose from."""
        cleaned = _NOISE.sub("", re.sub(r"\s+", "", text))
        stem = _stem(cleaned)
        if stem in self._by_stem:
            return Match(self._by_stem[stem], certain=True)
        contained = [v for s, v in self._by_stem.items() if len(s) >= 2 and s in cleaned]
        if contained:
            return Match(max(contained, key=lambda v: len(v.name)), certain=True)
        if not stem:
            return Match(None)
        spoken = tuple(lazy_pinyin(stem))
        sounds_alike = [v for v in self.villages if self._sounds[v.id] == spoken]
        if len(sounds_alike) == 1:
            return Match(sounds_alike[0], certain=True)
        candidates = self._closest(stem, spoken, sounds_alike)
        if len(candidates) == 1:
            return Match(candidates[0])
        # A village that only shares a character is offered, never taken, however alone it is.
        return Match(None, candidates or self._sharing(stem, spoken))

    def _closest(self, stem: str, spoken: tuple[str, ...], first: list[VillageRef]) -> tuple[VillageRef, ...]:
        scores = {v.id: self._score(stem, spoken, v) for v in self.villages}
        close = (v for v in self.villages if scores[v.id] >= CLOSE_ENOUGH)
        ranked = sorted(close, key=lambda v: -scores[v.id])[:MAX_CHOICES]
        if ranked and scores[ranked[0].id] >= SURE_ENOUGH:
            runner_up = scores[ranked[1].id] if len(ranked) > 1 else 0.0
            if scores[ranked[0].id] - runner_up >= 0.2:
                return (ranked[0],)
        return tuple(dict.fromkeys([*first, *ranked]))

    def _sharing(self, stem: str, spoken: tuple[str, ...]) -> tuple[VillageRef, ...]:
        """Nothing is close: the few villages sharing a character or a syllable (「坡头村」 -> the 坡 villages).

        Never the whole town: a name sharing nothing gets no candidates, and one that shares with too many
        (a common character) gets the best few.
        """
        mine, sounds = set(stem), set(spoken)
        shared = {}
        for v in self.villages:
            count = len(mine & set(_stem(v.name))) + len(sounds & set(self._sounds[v.id]))
            if count:
                shared[v.id] = count
        ranked = sorted((v for v in self.villages if v.id in shared), key=lambda v: -shared[v.id])
        return tuple(ranked[:MAX_CHOICES])

    def _score(self, stem: str, spoken: tuple[str, ...], village: VillageRef) -> float:
        """Similarity by characters or by syllables, whichever is higher (0 when neither is close)."""
        best = 0.0
        for mine, theirs in ((stem, _stem(village.name)), (spoken, self._sounds[village.id])):
            matcher = difflib.SequenceMatcher(None, mine, theirs)
            # The cheap upper bounds rule out most villages before the real ratio is computed.
            if matcher.real_quick_ratio() >= CLOSE_ENOUGH and matcher.quick_ratio() >= CLOSE_ENOUGH:
                best = max(best, matcher.ratio())
        return best

    def by_id(self, village_id: int | None) -> VillageRef | None:
        return next((v for v in self.villages if v.id == village_id), None)

    def by_name(self, name: str) -> VillageRef | None:
        """Exact or stem match only: for settings and QR scene keys."""
        return self._by_stem.get(_stem(name.strip()))


def _stem(name: str) -> str:
    return name[:-1] if name.endswith(_SUFFIX) and len(name) > 1 else name


class UnknownVillage(LookupError):
    """The village asked for is not one of the town's; `close` holds the names it may have meant."""

    def __init__(self, name: str, close: list[str], known: list[str]):
        self.name, self.close = name, close
        hint = f"您要找的是不是：{'、'.join(close)}？" if close else f"本镇{len(known)}个村里没有相近的村名，请核对。"
        super().__init__(f"没有找到村「{name}」。{hint}")


def resolve_village(session: Session, name: str) -> VillageRef:
    """The village a cadre means, typed as villagers type it (鸣皋 → 鸣皋村); UnknownVillage when unsure."""
    villages = [VillageRef(v.id, v.name) for v in list_villages(session)]
    match = VillageIndex(villages).find(name)
    if match.village is not None:
        return match.village
    raise UnknownVillage(name, [v.name for v in match.candidates], [v.name for v in villages])
