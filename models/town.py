"""The town: work areas and villages, loaded from the town file (TOML)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Field, Session, SQLModel

from models.sql import Sql


class WorkArea(SQLModel, table=True):
    """A work-area command post (工作区指挥部) grouping villages."""

    __tablename__ = "work_area"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=50)


class Village(SQLModel, table=True):
    """An administrative village (行政村)."""

    __tablename__ = "village"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=50)
    work_area_id: int | None = Field(default=None, foreign_key="work_area.id")
    # The WeChat tag named after the village (bot/delivery/tags.py creates it).
    wechat_tag_id: int | None = None


@dataclass(frozen=True)
class TownSpec:
    """What the town file declares."""

    name: str
    province: str
    city: str
    county: str
    county_code: str
    work_areas: dict[str, list[str]] = field(default_factory=dict)

    @property
    def village_names(self) -> list[str]:
        return [v for villages in self.work_areas.values() for v in villages]


class TownFileError(ValueError):
    """The town file cannot be used."""


def read_town_file(path: Path) -> TownSpec:
    """Parse and check a town file."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TownFileError(f"cannot read town file {path}: {exc}") from exc
    town = raw.get("town", {})
    areas = {area["name"]: list(area.get("villages", [])) for area in raw.get("work_areas", [])}
    spec = TownSpec(
        name=town.get("name", ""),
        province=town.get("province", ""),
        city=town.get("city", ""),
        county=town.get("county", ""),
        county_code=str(town.get("county_code", "")),
        work_areas=areas,
    )
    names = spec.village_names
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if not spec.name or not names:
        raise TownFileError(f"town file {path} needs [town] name and at least one work area with villages")
    if duplicated:
        raise TownFileError(f"town file {path} lists villages twice: {', '.join(duplicated)}")
    return spec


def sync_town(session: Session, spec: TownSpec) -> None:
    """Make the work_area and village tables match the town file (adds and moves; never deletes)."""
    areas = {a.name: a for a in session.exec(select(WorkArea)).scalars()}
    villages = {v.name: v for v in session.exec(select(Village)).scalars()}
    for area_name, village_names in spec.work_areas.items():
        area = areas.get(area_name) or WorkArea(name=area_name)
        session.add(area)
        session.flush()
        for village_name in village_names:
            village = villages.get(village_name) or Village(name=village_name)
            village.work_area_id = area.id
            session.add(village)
    session.flush()


def village_name(sql: Sql, *, village_id: int | None) -> str:
    """The village's name ("" for none)."""
    row = sql.one("SELECT name FROM village WHERE id = :id", id=village_id) if village_id else None
    return row[0] if row else ""


def list_villages(session: Session) -> list[Village]:
    """All villages, by name."""
    return list(session.exec(select(Village).order_by(Village.name)).scalars())


def village_ids(session: Session) -> list[int]:
    """Every village of the town, by id."""
    return list(session.exec(select(Village.id).order_by(Village.id)).scalars())


def work_areas_of(session: Session, village_ids: list[int]) -> tuple[list[str], list[int]]:
    """The work areas these villages belong to (their names), and all the villages of those areas."""
    areas = select(Village.work_area_id).where(Village.id.in_(village_ids))
    names = session.exec(select(WorkArea.name).where(WorkArea.id.in_(areas)).order_by(WorkArea.id)).scalars()
    ids = session.exec(select(Village.id).where(Village.work_area_id.in_(areas)).order_by(Village.id)).scalars()
    return list(names), list(ids)


def village_tags(sql: Sql) -> dict[int, tuple[str, int | None]]:
    """Every village's name and WeChat tag id (None: no tag yet), by village id."""
    return {
        village_id: (name, tag_id)
        for village_id, name, tag_id in sql.all("SELECT id, name, wechat_tag_id FROM village")
    }


def set_village_tag(sql: Sql, *, village_id: int, tag_id: int | None) -> None:
    """Record the village's WeChat tag id (None: WeChat no longer has it)."""
    sql.run("UPDATE village SET wechat_tag_id = :tag_id WHERE id = :village_id", tag_id=tag_id, village_id=village_id)


def list_work_areas(sql: Sql) -> list[tuple[int, str]]:
    """Every work area as (id, name), by id."""
    return sql.all("SELECT id, name FROM work_area ORDER BY id")


def village_tag_id(sql: Sql, *, village_id: int) -> int | None:
    """The id of the village's WeChat tag (None: it has none yet)."""
    return sql.one("SELECT wechat_tag_id FROM village WHERE id = :v", v=village_id)[0]


def villages_by_work_area(session: Session) -> list[Village]:
    """All villages, grouped by work area, by id within each."""
    return list(session.execute(select(Village).order_by(Village.work_area_id, Village.id)).scalars())
