"""Dashboard sign-in: server-side sessions, sign-in attempts (for the throttle) and one-time tokens.

Every token is kept only as its SHA-256: a copy of the database does not let anyone in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import Index, delete, func, select, update
from sqlmodel import Field, Session, SQLModel

SESSION, PASSWORD_LINK, SANDBOX_CODE = "session", "password_link", "sandbox_code"


def digest(token: str) -> str:
    """What is stored of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh unguessable token (256 bits)."""
    return secrets.token_urlsafe(32)


class AdminSession(SQLModel, table=True):
    """A signed-in browser: a dashboard account, or a cadre authorised through WeChat (or both)."""

    __tablename__ = "admin_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    admin_user_id: int | None = Field(default=None, foreign_key="admin_user.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: dt.datetime
    expires_at: dt.datetime


class LoginAttempt(SQLModel, table=True):
    """A password sign-in that failed or was refused, by user name and address."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username", "username", "attempted_at"),
        Index("ix_login_attempt_address", "address", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64)
    address: str = Field(max_length=64)
    attempted_at: dt.datetime


class AdminToken(SQLModel, table=True):
    """A one-time token: a link to set a password, or a sandbox WeChat authorisation code."""

    __tablename__ = "admin_token"

    token_hash: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=16)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    openid: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


def open_session(
    session: Session, *, admin_user_id: int | None, person_id: int | None, now: dt.datetime, ttl: dt.timedelta
) -> tuple[str, str]:
    """A new session row; its cookie token and CSRF token."""
    token, csrf = new_token(), new_token()
    session.add(
        AdminSession(
            token_hash=digest(token),
            admin_user_id=admin_user_id,
            person_id=person_id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    session.flush()
    return token, csrf


def live_session(session: Session, *, token: str, now: dt.datetime) -> AdminSession | None:
    """The unexpired session of this cookie token."""
    return session.execute(
        select(AdminSession).where(AdminSession.token_hash == digest(token), AdminSession.expires_at > now)
    ).scalar_one_or_none()


def close_session(session: Session, *, token: str) -> None:
    """Sign out: the row goes."""
    session.execute(delete(AdminSession).where(AdminSession.token_hash == digest(token)))


def close_sessions_of(session: Session, *, admin_user_id: int) -> None:
    """Every session of an account (its password changed)."""
    session.execute(delete(AdminSession).where(AdminSession.admin_user_id == admin_user_id))


FAILED_LOGINS_KEPT = dt.timedelta(days=1)  # the throttle reads 15 minutes of them; a day is kept to look into


def forget_expired(session: Session, *, now: dt.datetime) -> None:
    """Drop expired sessions, used or expired tokens, and failed sign-ins older than a day."""
    session.execute(delete(AdminSession).where(AdminSession.expires_at <= now))
    session.execute(delete(AdminToken).where(AdminToken.expires_at <= now))
    session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < now - FAILED_LOGINS_KEPT))


def record_failed_login(session: Session, *, username: str, address: str, now: dt.datetime) -> None:
    """Note a sign-in that did not sign in."""
    session.add(LoginAttempt(username=username[:64], address=address[:64], attempted_at=now))
    session.flush()


def failed_logins(session: Session, *, username: str, address: str, since: dt.datetime) -> tuple[int, int]:
    """Failures since then for this user name, and from this address."""
    by_name = select(func.count()).where(LoginAttempt.username == username[:64], LoginAttempt.attempted_at >= since)
    by_address = select(func.count()).where(LoginAttempt.address == address[:64], LoginAttempt.attempted_at >= since)
    return session.execute(by_name).scalar_one(), session.execute(by_address).scalar_one()


def issue_token(
    session: Session,
    *,
    kind: str,
    now: dt.datetime,
    ttl: dt.timedelta,
    person_id: int | None = None,
    openid: str | None = None,
) -> str:
    """A new one-time token of this kind; the token itself (only its hash is kept)."""
    token = new_token()
    session.add(
        AdminToken(
            token_hash=digest(token),
            kind=kind,
            person_id=person_id,
            openid=openid,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    session.flush()
    return token


def peek_token(session: Session, *, token: str, kind: str, now: dt.datetime) -> AdminToken | None:
    """The unused, unexpired token of this kind, left unused."""
    return session.execute(
        select(AdminToken).where(
            AdminToken.token_hash == digest(token),
            AdminToken.kind == kind,
            AdminToken.used_at.is_(None),
            AdminToken.expires_at > now,
        )
    ).scalar_one_or_none()


def use_token(session: Session, *, token: str, kind: str, now: dt.datetime) -> AdminToken | None:
    """Use a token once: the row, or None when unknown, used or expired (one statement: two uses cannot both win)."""
    claimed = session.execute(
        update(AdminToken)
        .where(
            AdminToken.token_hash == digest(token),
            AdminToken.kind == kind,
            AdminToken.used_at.is_(None),
            AdminToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(AdminToken.token_hash)
    ).scalar_one_or_none()
    return None if claimed is None else session.get(AdminToken, claimed)
