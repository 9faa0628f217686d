"""Where a cadre's role sits: the whole town, a work area, or a village; and how that position reads."""

from __future__ import annotations

from sqlmodel import Session

from models.sql import Sql
from models.town import village_ids, village_name, work_areas_of
from town.command import HOME_FOUR, LEAD, TOP
from town.texts import POSITION, ROLE_NAMES

TOWN, WORK_AREA, VILLAGE = "town", "work_area", "village"


def scope_of(role: str) -> str:
    """What a role answers for: the town command the town, a work-area lead an area, every other role a village."""
    if role == TOP:
        return TOWN
    return WORK_AREA if role == LEAD else VILLAGE


def position_name(session: Session, role: str, village_id: int) -> str:
    """「镇指挥部」, 「第一工作区的负责人」 or 「鸣皋村的村医」: a role and its place, as the cadre reads it."""
    scope = scope_of(role)
    if scope == TOWN:
        return ROLE_NAMES[role]
    if scope == WORK_AREA:
        areas, _ = work_areas_of(session, [village_id])
        return POSITION.work_area.format(area=areas[0] if areas else "")
    village = village_name(Sql(session.connection()), village_id=village_id)
    return POSITION.village.format(village=village, role=ROLE_NAMES[role])


# The posts every village should have filled: 四包一's four places (one role of each group will do).
VILLAGE_POSTS: tuple[tuple[str, ...], ...] = HOME_FOUR


def empty_posts(held: set[tuple[str, int]], village_ids: list[int]) -> dict[int, list[tuple[str, ...]]]:
    """Per village, the posts nobody holds there (from the (role, village_id) pairs held)."""
    return {
        village_id: [post for post in VILLAGE_POSTS if not any((role, village_id) in held for role in post)]
        for village_id in village_ids
    }


def invite_village(session: Session, role: str, *, village_id: int | None, area_villages: list[int]) -> int:
    """The village an invite is stored under: the town's first for the town command, the work area's first for its
    lead, the village itself for a village role (ValueError when the place the role needs is missing)."""
    scope = scope_of(role)
    if scope == TOWN:
        return village_ids(session)[0]  # the town command answers for the town, whichever village it is stored under
    if scope == WORK_AREA:
        if not area_villages:
            raise ValueError("a work-area role needs its work area")
        return area_villages[0]
    if village_id is None:
        raise ValueError("a village role needs its village")
    return village_id
