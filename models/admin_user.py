"""Town dashboard accounts, with argon2 password hashes."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ForeignKey, Index, Integer, func, select
from sqlmodel import Column, Field, Session, SQLModel

from models.db import utcnow

# A hash checked for a user name that does not exist, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = PasswordHasher().hash("xiangan-no-such-user")


class AdminUser(SQLModel, table=True):
    """A person who signs in to the dashboard."""

    __tablename__ = "admin_user"
    __table_args__ = (Index("ux_admin_user_person", "person_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    password_hash: str = Field(max_length=200)
    role: str = Field(default="town_admin", max_length=32)
    # A bound cadre's own account: what they see comes from the roles they hold now, not from `role`.
    person_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("person.id", name="fk_admin_user_person"), nullable=True)
    )
    created_at: dt.datetime = Field(default_factory=utcnow)


def ensure_first_admin(session: Session, *, username: str, password: str) -> bool:
    """Create the first town admin when no admin exists yet; True when one was created."""
    if not username or not password:
        return False
    if session.execute(select(func.count()).select_from(AdminUser)).scalar_one():
        return False
    session.add(AdminUser(username=username, password_hash=PasswordHasher().hash(password)))
    return True


def check_password(session: Session, *, username: str, password: str) -> AdminUser | None:
    """The account when the password is right, else None (in about the same time either way)."""
    user = session.execute(select(AdminUser).where(AdminUser.username == username)).scalar_one_or_none()
    try:
        PasswordHasher().verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def admin_by_id(session: Session, admin_user_id: int) -> AdminUser | None:
    """The account with this id."""
    return session.get(AdminUser, admin_user_id)


def admin_of_person(session: Session, *, person_id: int) -> AdminUser | None:
    """A cadre's own account, if they set one up."""
    return session.execute(select(AdminUser).where(AdminUser.person_id == person_id)).scalar_one_or_none()


def username_taken(session: Session, *, username: str, except_id: int | None = None) -> bool:
    """Whether another account already has this user name."""
    query = select(AdminUser.id).where(AdminUser.username == username)
    if except_id is not None:
        query = query.where(AdminUser.id != except_id)
    return session.execute(query).first() is not None


def set_person_password(session: Session, *, person_id: int, username: str, password: str, role: str) -> AdminUser:
    """Create or update a cadre's own account with this user name and password."""
    user = admin_of_person(session, person_id=person_id)
    hashed = PasswordHasher().hash(password)
    if user is None:
        user = AdminUser(username=username, password_hash=hashed, role=role, person_id=person_id)
        session.add(user)
    else:
        user.username, user.password_hash, user.role = username, hashed, role
    session.flush()
    return user


def create_admin(
    session: Session, *, username: str, password: str, role: str = "town_admin", person_id: int | None = None
) -> AdminUser:
    """A new account (tests and the command line)."""
    user = AdminUser(username=username, password_hash=PasswordHasher().hash(password), role=role, person_id=person_id)
    session.add(user)
    session.flush()
    return user
