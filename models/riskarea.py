"""The official medium/high-risk area lists: each import is a version (risk_list) with its entries (risk_area)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlmodel import Field, Session, SQLModel

from models.db import upsert_insert
from models.sql import Sql


class RiskList(SQLModel, table=True):
    """One published version of the list, as imported."""

    __tablename__ = "risk_list"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=500)
    # From the notice's header (Beijing time), stored in UTC; a plain CSV may not say.
    published_at: dt.datetime | None = None
    checksum: str = Field(unique=True, max_length=64)
    imported_at: dt.datetime
    high_count: int = 0
    medium_count: int = 0
    low_count: int = 0


class RiskArea(SQLModel, table=True):
    """One listed area, normalised to the national divisions."""

    __tablename__ = "risk_area"

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="risk_list.id", index=True)
    level: str = Field(max_length=8)
    province: str = Field(max_length=50)
    city: str = Field(max_length=50)
    district: str = Field(max_length=50)
    township: str | None = Field(default=None, max_length=100)
    community: str | None = Field(default=None, max_length=500)
    whole_area: bool = False
    raw: str = Field(max_length=1000)
    line: int = 0


class RiskListSource(SQLModel, table=True):
    """A list address fetched on a schedule (RISK_LIST_URL): what it last returned and when."""

    __tablename__ = "risk_list_source"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True, max_length=1000)
    etag: str | None = Field(default=None, max_length=200)
    last_modified: str | None = Field(default=None, max_length=100)
    checksum: str | None = Field(default=None, max_length=64)
    checked_at: dt.datetime | None = None
    changed_at: dt.datetime | None = None
    last_error: str | None = Field(default=None, max_length=1000)


def newest_risk_list(session: Session) -> RiskList | None:
    """The most recently imported list version (None before any import)."""
    return session.execute(select(RiskList).order_by(RiskList.id.desc()).limit(1)).scalars().first()


def newest_risk_list_version(session: Session) -> tuple[int, str] | None:
    """The newest version's (id, checksum): one indexed row."""
    row = session.execute(select(RiskList.id, RiskList.checksum).order_by(RiskList.id.desc()).limit(1)).first()
    return tuple(row) if row else None


AREA_COLUMNS = "level, province, city, district, township, community, whole_area, raw, line"
INSERT_AREA = (
    "INSERT INTO risk_area (list_id, level, province, city, district, township, community, whole_area, raw, line)"
    " VALUES (:list_id, :level, :province, :city, :district, :township, :community, :whole_area, :raw, :line)"
)


def list_with_checksum(sql: Sql, *, checksum: str) -> int | None:
    """The version already imported with this content, if any."""
    row = sql.one("SELECT id FROM risk_list WHERE checksum = :checksum", checksum=checksum)
    return row[0] if row else None


def add_list(
    sql: Sql,
    *,
    source: str,
    published_at: dt.datetime | None,
    checksum: str,
    imported_at: dt.datetime,
    counts: dict[str, int],
) -> int:
    """Store a new version's header row; its id."""
    return sql.one(
        "INSERT INTO risk_list (source, published_at, checksum, imported_at, high_count, medium_count, low_count)"
        " VALUES (:source, :published_at, :checksum, :imported_at, :high, :medium, :low) RETURNING id",
        source=source,
        published_at=sql.time(published_at),
        checksum=checksum,
        imported_at=sql.time(imported_at),
        **counts,
    )[0]


def add_areas(sql: Sql, *, list_id: int, areas: list[dict]) -> None:
    """Store a version's entries (dicts of the risk_area columns but list_id), in published order."""
    sql.many(INSERT_AREA, [{**area, "list_id": list_id, "whole_area": sql.flag(area["whole_area"])} for area in areas])


def list_before(sql: Sql, *, list_id: int) -> int | None:
    """The version imported just before this one."""
    row = sql.one("SELECT MAX(id) FROM risk_list WHERE id < :id", id=list_id)
    return row[0] if row else None


def newest_list_id(sql: Sql) -> int | None:
    """The newest version's id (the last imported), or None."""
    newest = newest_list(sql)
    return newest[0] if newest else None


def newest_list(sql: Sql) -> tuple[int, dt.datetime | None] | None:
    """The newest version's id and publication time, or None."""
    row = sql.one("SELECT id, published_at FROM risk_list ORDER BY id DESC LIMIT 1")
    return (row[0], sql.read_time(row[1])) if row else None


def list_counts(sql: Sql, *, list_id: int) -> tuple[int, int]:
    """How many high and medium areas the version lists."""
    return sql.one("SELECT high_count, medium_count FROM risk_list WHERE id = :id", id=list_id)


def area_rows(sql: Sql, *, list_id: int) -> list[tuple]:
    """Every entry of one version as AREA_COLUMNS, in published order."""
    return sql.all(f"SELECT {AREA_COLUMNS} FROM risk_area WHERE list_id = :id ORDER BY id", id=list_id)


def high_areas(sql: Sql, *, list_id: int, limit: int) -> list[tuple]:
    """The first high-risk entries of a version: level, province, city, district, township, community, whole_area."""
    return sql.all(
        "SELECT level, province, city, district, township, community, whole_area FROM risk_area"
        " WHERE list_id = :id AND level = 'high' ORDER BY id LIMIT :limit",
        id=list_id,
        limit=limit,
    )


def listed_counts(sql: Sql, *, list_id: int, province: str, city: str | None = None) -> list[tuple[str, str, int]]:
    """(city, level, count) in a province, or (district, level, count) in a city: high and medium, as listed."""
    column, where = ("city", "") if city is None else ("district", " AND city = :city")
    params = {"province": province} if city is None else {"province": province, "city": city}
    return sql.all(
        f"SELECT {column}, level, COUNT(*) FROM risk_area WHERE list_id = :id AND province = :province{where}"
        f" AND level IN ('high', 'medium') GROUP BY {column}, level ORDER BY MIN(id)",
        id=list_id,
        **params,
    )


def list_source(session: Session, *, url: str) -> RiskListSource:
    """The row for this address, created on first use (by whichever process gets there first)."""
    insert = upsert_insert(session)
    session.execute(insert(RiskListSource).values(url=url).on_conflict_do_nothing(index_elements=["url"]))
    return session.execute(select(RiskListSource).where(RiskListSource.url == url)).scalar_one()


def record_fetch(
    session: Session, *, url: str, now: dt.datetime, changed: bool, error: str | None, validators: dict
) -> None:
    """When the address was checked, whether it changed, its error and the validators for the next GET."""
    source = session.execute(select(RiskListSource).where(RiskListSource.url == url)).scalar_one()
    source.checked_at, source.last_error = now, error
    if changed:
        source.changed_at = now
    for name, value in validators.items():
        setattr(source, name, value)
    session.add(source)


VERSIONS = (
    "SELECT id, source, published_at, imported_at, high_count, medium_count, low_count FROM risk_list"
    " ORDER BY id DESC LIMIT :limit"
)


def list_versions(sql: Sql, *, limit: int) -> list[tuple]:
    """The newest versions first: (id, source, published_at, imported_at, high, medium, low)."""
    rows = sql.all(VERSIONS, limit=limit)
    return [(row[0], row[1], sql.read_time(row[2]), sql.read_time(row[3]), *row[4:]) for row in rows]


def version_exists(sql: Sql, *, list_id: int) -> bool:
    """Whether a version with this id was imported."""
    return sql.one("SELECT 1 FROM risk_list WHERE id = :id", id=list_id) is not None
