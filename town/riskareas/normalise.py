"""Division names from the NLU's national division list: aliases (德宏州, 管城区, 驻马店) to official names."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from town.divisions import DATA, MUNICIPALITIES

_TOWNSHIP = re.compile(r"^(.{1,12}?(?:街道办事处|街道|镇|乡))")
_DISTRICT = re.compile(r"^(.{1,10}?(?:区|县|市|旗))")
_NOT_DISTRICT = ("街道", "镇", "乡", "社区", "小区", "村", "路")


@dataclass
class Divisions:
    """Alias tables per level, scoped to the parent so that namesakes elsewhere never match."""

    provinces: dict[str, str] = field(default_factory=dict)
    cities: dict[str, dict[str, str]] = field(default_factory=dict)  # province -> alias -> city
    districts: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    townships: dict[tuple[str, str, str], dict[str, str]] = field(default_factory=dict)

    def province(self, name: str) -> str | None:
        """The official province name (河南 -> 河南省)."""
        return self.provinces.get(name.strip())

    def city(self, province: str, name: str) -> str | None:
        """The official city name within a province (德宏州 -> 德宏傣族景颇族自治州)."""
        return self.cities.get(province, {}).get(name)

    def district(self, province: str, city: str, name: str) -> str | None:
        """The official district name within a city (管城区 -> 管城回族区)."""
        return self.districts.get((province, city), {}).get(name)

    def prefix_province(self, text: str) -> tuple[str, str] | None:
        """The province the text starts with (河南省郑州市… -> 河南省, 郑州市…)."""
        return _prefix(self.provinces, text)

    def provinces_with_city(self, text: str) -> list[str]:
        """Every province holding a city the text starts with (a line that names no province)."""
        found = [(province, _prefix(aliases, text)) for province, aliases in self.cities.items()]
        # 朝阳区 is not 朝阳(市) + 区: a city whose name runs on into 区/县 is not the one meant.
        return [province for province, hit in found if hit and not hit[1].startswith(("区", "县", "市", "旗"))]

    def prefix_known_district(self, province: str, city: str, text: str) -> tuple[str, str] | None:
        """A district of the division list the text starts with (no guessing from the 区/县 ending)."""
        return _prefix(self.districts.get((province, city), {}), text)

    def prefix_city(self, province: str, text: str) -> tuple[str, str] | None:
        """The city the text starts with: (official name, the rest)."""
        return _prefix(self.cities.get(province, {}), text)

    def prefix_district(self, province: str, city: str, text: str) -> tuple[str, str] | None:
        """The district the text starts with, or a non-official zone ending in 区/县/市 (航空港区)."""
        found = _prefix(self.districts.get((province, city), {}), text)
        if found:
            return found
        match = _DISTRICT.match(text)
        if not match or any(word in match.group(1) for word in _NOT_DISTRICT):
            return None  # 某街道某小区 ends in 区 too
        return match.group(1), text[match.end() :]

    def prefix_district_anywhere(self, province: str, text: str) -> tuple[str, str, str] | None:
        """A line that skips the city: the one city of the province holding the district it starts with."""
        hits = []
        for (prov, city), aliases in self.districts.items():
            if prov == province and (found := _prefix(aliases, text)):
                hits.append((city, *found))
        return hits[0] if len({h[1] for h in hits}) == 1 and len(hits) == 1 else None

    def prefix_township(self, chain: tuple[str, str, str], text: str) -> tuple[str | None, str]:
        """The street/township the text starts with (by its 街道/镇/乡 ending), official when known, and the rest."""
        # By the ending, not by the shortest alias: 子陵 (子陵镇) must not cut 子陵铺镇 in two.
        match = _TOWNSHIP.match(text)
        if not match:
            return None, text
        name = match.group(1).replace("街道办事处", "街道")
        return self.township(chain, name), text[match.end() :]

    def township(self, chain: tuple[str, str, str], name: str) -> str:
        """The official township name when known, else the name as given."""
        return self.townships.get(chain, {}).get(name, name)


def _prefix(aliases: dict[str, str], text: str) -> tuple[str, str] | None:
    """Longest alias at the start of the text: (official name, rest)."""
    for size in range(min(len(text), 16), 1, -1):
        official = aliases.get(text[:size])
        if official:
            return official, text[size:]
    return None


def _add(table: dict, key, aliases: str, official: str) -> None:
    names = table.setdefault(key, {}) if key is not None else table
    for alias in {official, *aliases.split("|")}:
        if len(alias) >= 2:
            names.setdefault(alias, official)


@lru_cache(maxsize=2)
def load(data: Path = DATA) -> Divisions:
    """Read the division list once per process."""
    div = Divisions()
    with gzip.open(data / "divisions.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            kind, _code, prov, city, dist, town, _village, aliases = line.rstrip("\n").split("\t")
            city = prov if prov in MUNICIPALITIES else city
            if kind == "P":
                _add(div.provinces, None, aliases, prov)
            elif kind == "C":
                _add(div.cities, prov, aliases, city)
            elif kind == "D":
                _add(div.districts, (prov, city), aliases, dist)
            elif kind == "T":
                _add(div.townships, (prov, city, dist), aliases, town)
    for prov in MUNICIPALITIES:  # 北京市 is also its own city
        div.cities.setdefault(prov, {}).setdefault(prov, prov)
        div.cities[prov].setdefault(prov.removesuffix("市"), prov)
    return div
