"""One published place (a notice line, a CSV row, a JSON community) split into normalised division levels."""

from __future__ import annotations

import re
from dataclasses import dataclass

from town.divisions import MUNICIPALITIES
from town.riskareas.normalise import Divisions
from town.riskareas.texts import ERROR

_NEW = re.compile(r"[（(]新增[）)]\s*$")
_WHOLE = "全域"


class PlaceError(ValueError):
    """This place cannot be placed in the divisions (message for the town's IT person)."""


@dataclass(frozen=True)
class Place:
    """A place split into levels."""

    city: str
    district: str
    township: str | None
    community: str | None
    whole_area: bool


def clean(text: str) -> str:
    """The text without spaces and the （新增） mark."""
    return _NEW.sub("", re.sub(r"\s+", "", text))


def province(div: Divisions, name: str) -> str:
    """The official province name, or PlaceError."""
    found = div.province(clean(name))
    if not found:
        raise PlaceError(ERROR.province.format(name=name))
    return found


def city(div: Divisions, prov: str, name: str) -> str:
    """The official city name within the province, or PlaceError."""
    found = div.city(prov, clean(name))
    if not found:
        raise PlaceError(ERROR.city.format(province=prov, name=name))
    return found


def district(div: Divisions, prov: str, city_name: str, name: str) -> str:
    """The official district name; a zone the division list lacks (航空港区) is kept as published."""
    name = clean(name)
    if not name and not div.districts.get((prov, city_name)):
        return city_name  # a city governed by the province (济源市, 仙桃市) is its own district
    if not name:
        raise PlaceError(ERROR.district_missing)
    return div.district(prov, city_name, name) or name


def below_district(div: Divisions, chain: tuple[str, str, str], text: str) -> Place:
    """Street/township and community from what follows the district."""
    text = clean(text)
    whole = text.endswith(_WHOLE)
    text = text.removesuffix(_WHOLE)
    for prefix in _district_names(div, chain):  # communities repeat their district: 二七区大学路街道…
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    township, rest = div.prefix_township(chain, text) if text else (None, "")
    community = rest or None
    return Place(chain[1], chain[2], township, community, whole or (township is None and community is None))


def _district_names(div: Divisions, chain: tuple[str, str, str]) -> list[str]:
    aliases = div.districts.get(chain[:2], {})
    names = [alias for alias, official in aliases.items() if official == chain[2]] or [chain[2]]
    return sorted(names, key=len, reverse=True)


def _no_districts(div: Divisions, prov: str, city_name: str, rest: str) -> tuple[str, str] | None:
    """A city governed by the province (济源市) has no districts: it is its own district."""
    return None if div.districts.get((prov, city_name)) else (city_name, rest)


def line(div: Divisions, prov: str, text: str) -> Place:
    """A notice line under a province header: 城市+区县+街道+社区, the city possibly missing or abbreviated."""
    text = clean(text)
    found = div.prefix_city(prov, text)
    if found:
        city_name, rest = found
        dist = _no_districts(div, prov, city_name, rest) or div.prefix_district(prov, city_name, rest)
        if dist is not None:
            return below_district(div, (prov, city_name, dist[0]), dist[1])
        if text.startswith(city_name) or div.prefix_district_anywhere(prov, text) is None:  # 安阳县 ~ 安阳(市)
            raise PlaceError(ERROR.district_after_city.format(city=city_name))
    anywhere = div.prefix_district_anywhere(prov, text)
    if anywhere is None:
        raise PlaceError(ERROR.line_unplaced.format(province=prov))
    city_name, dist_name, rest = anywhere
    return below_district(div, (prov, city_name, dist_name), rest)


def api_area(div: Divisions, prov: str, city_field: str, county: str, community: str) -> Place:
    """A 2022 API entry; in municipalities the API shifts a level (city holds the district, county the street)."""
    if prov in MUNICIPALITIES and clean(city_field) not in (prov, prov.removesuffix("市")):
        chain = (prov, prov, district(div, prov, prov, city_field))
        township = div.township(chain, clean(county))
        text = clean(community).removeprefix(clean(county)).removeprefix(township)
        return Place(prov, chain[2], township, text or None, not text)
    city_name = city(div, prov, city_field)
    chain = (prov, city_name, district(div, prov, city_name, county))
    text = clean(community).removeprefix(clean(county))
    return below_district(div, chain, text)
