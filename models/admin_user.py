"""Town dashboard accounts, with argon2 password hashes."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlmodel import Field, Session, SQLModel

from models.db import utcnow


class AdminUser(SQLModel, table=True):
    """A person who signs in to the dashboard."""

    __tablename__ = "admin_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    password_hash: str = Field(max_length=200)
    role: str = Field(default="town_admin", max_length=32)
    created_at: dt.datetime = Field(default_factory=utcnow)


def ensure_first_admin(session: Session, *, username: str, password: str) -> bool:
    """Create the first town admin when no admin exists yet; True when one was created."""
    if not username or not password:
        return False
    if session.execute(select(func.count()).select_from(AdminUser)).scalar_one():
        return False
    session.add(AdminUser(username=username, password_hash=PasswordHasher().hash(password)))
    return True
