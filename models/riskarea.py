"""The official medium/high-risk area lists: each import is a version (risk_list) with its entries (risk_area)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlmodel import Field, Session, SQLModel


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
