"""WeChat's access token, shared by every process through one row, with a lease for the one refresher."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Field, SQLModel

from models.sql import Sql


class ApiToken(SQLModel, table=True):
    """The current token for an appid, and who may refresh it until when."""

    __tablename__ = "api_token"

    name: str = Field(primary_key=True, max_length=64)
    value: str | None = Field(default=None, max_length=600)
    expires_at: dt.datetime | None = None
    lease_holder: str | None = Field(default=None, max_length=100)
    lease_until: dt.datetime | None = None


@dataclass(frozen=True)
class StoredToken:
    """A token and when it stops working."""

    value: str
    expires_at: dt.datetime


ENSURE = "INSERT INTO api_token (name) VALUES (:name) ON CONFLICT (name) DO NOTHING"
READ = "SELECT value, expires_at FROM api_token WHERE name = :name"
LEASE = (
    "UPDATE api_token SET lease_holder = :holder, lease_until = :until WHERE name = :name"
    " AND (lease_until IS NULL OR lease_until < :now OR lease_holder = :holder)"
)
SAVE = (
    "UPDATE api_token SET value = :value, expires_at = :expires_at, lease_holder = NULL, lease_until = NULL"
    " WHERE name = :name AND lease_holder = :holder"
)
RELEASE = "UPDATE api_token SET lease_holder = NULL, lease_until = NULL WHERE name = :name AND lease_holder = :holder"


class DbTokenStore:
    """The token row in the service's database (the default shared storage)."""

    def __init__(self, db: Engine):
        self.db = db

    def read(self, name: str) -> StoredToken | None:
        with self.db.begin() as connection:
            sql = Sql(connection)
            row = sql.one(READ, name=name)
        if row is None or row[0] is None:
            return None
        return StoredToken(row[0], sql.read_time(row[1]))

    def try_lease(self, name: str, holder: str, now: dt.datetime, seconds: float) -> bool:
        """Become the one refresher for a while; False when someone else holds a live lease."""
        with self.db.begin() as connection:
            sql = Sql(connection)
            sql.run(ENSURE, name=name)
            until = now + dt.timedelta(seconds=seconds)
            return sql.run(LEASE, name=name, holder=holder, until=sql.time(until), now=sql.time(now)) == 1

    def save(self, name: str, holder: str, token: StoredToken) -> None:
        """Store a fresh token and give the lease back (only the lease holder may)."""
        with self.db.begin() as connection:
            sql = Sql(connection)
            sql.run(SAVE, name=name, holder=holder, value=token.value, expires_at=sql.time(token.expires_at))

    def release(self, name: str, holder: str) -> None:
        with self.db.begin() as connection:
            Sql(connection).run(RELEASE, name=name, holder=holder)
