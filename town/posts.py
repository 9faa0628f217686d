"""Where a cadre's role sits: the whole town, a work area, or a village; and how that position reads."""

from __future__ import annotations

from sqlmodel import Session

from models.sql import Sql
from models.town import village_name, work_areas_of
from town.command import LEAD, TOP
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
