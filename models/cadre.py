"""Cadres: who holds which role for which village, and the one-time codes that grant a role."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import UniqueConstraint, select, update
from sqlmodel import Field, Session, SQLModel

from models.sql import Sql

# The roles a cadre can hold (the values of cadre_assignment.role); town/command.py says what each answers for.
ROLES = (
    "township_cadre",
    "village_cadre",
    "village_doctor",
    "police",
    "grid_worker",
    "checkpoint",
    "volunteer",
    "work_area_lead",
    "town_command",
)
INVITE_DAYS = 7
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud over the phone


class CadreAssignment(SQLModel, table=True):
    """A person holds a role for a village."""

    __tablename__ = "cadre_assignment"
    __table_args__ = (UniqueConstraint("person_id", "role", "village_id", name="uq_cadre_assignment"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(max_length=32)
    village_id: int = Field(foreign_key="village.id", index=True)
    created_at: dt.datetime


class CadreInvite(SQLModel, table=True):
    """A one-time code that grants a role for a village to whoever sends 「绑定 CODE」."""

    __tablename__ = "cadre_invite"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    role: str = Field(max_length=32)
    village_id: int = Field(foreign_key="village.id")
    created_at: dt.datetime
    expires_at: dt.datetime
    used_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    used_at: dt.datetime | None = None


def create_invite(session: Session, *, role: str, village_id: int, now: dt.datetime) -> CadreInvite:
    """A new invite code for a role in a village, valid for a week."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of: {', '.join(ROLES)}")
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    invite = CadreInvite(
        code=code, role=role, village_id=village_id, created_at=now, expires_at=now + dt.timedelta(days=INVITE_DAYS)
    )
    session.add(invite)
    session.flush()
    return invite


def redeem_invite(session: Session, *, code: str, person_id: int, now: dt.datetime) -> CadreInvite | None:
    """Use a code once: grants its role, or None when unknown, used or expired."""
    claimed = session.execute(
        update(CadreInvite)
        .where(CadreInvite.code == code.upper(), CadreInvite.used_at.is_(None), CadreInvite.expires_at > now)
        .values(used_by_person_id=person_id, used_at=now)
        .returning(CadreInvite.id)
    ).scalar_one_or_none()
    if claimed is None:
        return None
    invite = session.get(CadreInvite, claimed)
    exists = session.execute(
        select(CadreAssignment.id).where(
            CadreAssignment.person_id == person_id,
            CadreAssignment.role == invite.role,
            CadreAssignment.village_id == invite.village_id,
        )
    ).first()
    if not exists:
        session.add(
            CadreAssignment(person_id=person_id, role=invite.role, village_id=invite.village_id, created_at=now)
        )
    return invite


def invite_by_code(session: Session, *, code: str) -> CadreInvite | None:
    """The invite with this code, used or not."""
    return session.execute(select(CadreInvite).where(CadreInvite.code == code.upper())).scalar_one_or_none()


def roles_of(session: Session, *, person_id: int) -> list[tuple[str, int]]:
    """The (role, village_id) pairs a person holds."""
    rows = session.execute(
        select(CadreAssignment.role, CadreAssignment.village_id)
        .where(CadreAssignment.person_id == person_id)
        .order_by(CadreAssignment.id)
    )
    return [(role, village_id) for role, village_id in rows]


HOLDS_ROLE = "SELECT 1 FROM cadre_assignment WHERE person_id = :person AND role IN {roles} LIMIT 1"
HOLDERS = (
    "SELECT p.id, p.openid, a.role, p.name, p.phone, a.village_id FROM cadre_assignment a"
    " JOIN person p ON p.id = a.person_id"
)
IN_WORK_AREA_OF = (
    " JOIN village v ON v.id = a.village_id"
    " WHERE v.work_area_id = (SELECT work_area_id FROM village WHERE id = :village)"
)
# Holds one of the village's roles there, or leads its work area, or is the town command.
ANSWERS_FOR = (
    "SELECT 1 FROM cadre_assignment a JOIN village v ON v.id = a.village_id WHERE a.person_id = :person AND ("
    "(a.village_id = :village AND a.role IN {roles})"
    " OR (:leads = 1 AND a.role = 'work_area_lead'"
    " AND v.work_area_id = (SELECT work_area_id FROM village WHERE id = :village))"
    " OR (:leads = 1 AND a.role = 'town_command')) LIMIT 1"
)
POSITIONS = (
    "SELECT a.role, a.village_id FROM cadre_assignment a JOIN person p ON p.id = a.person_id"
    " WHERE p.openid = :openid ORDER BY a.id"
)


@dataclass(frozen=True)
class Holder:
    """Someone holding a role for a village, as alerts need them."""

    person_id: int
    openid: str
    role: str
    name: str | None
    phone: str | None
    village_id: int


def holds_role(sql: Sql, *, person_id: int, roles: tuple[str, ...] | list[str]) -> bool:
    """Whether the person holds any of these roles, for any village."""
    placeholders, params = sql.in_list("role", list(roles))
    return sql.one(HOLDS_ROLE.format(roles=placeholders), person=person_id, **params) is not None


ROLES_KEY = "cadre_assignment"  # the key `prefetched` roles go under, with the person's id
# PostgreSQL: the roles of the person `p` of a statement, as a JSON array of [role, village id], oldest first.
ROLES_OF_P = (
    "SELECT json_agg(json_build_array(a.role, a.village_id) ORDER BY a.id) FROM cadre_assignment a"
    " WHERE a.person_id = p.id"
)


def held_roles(sql: Sql, *, person_id: int) -> list[tuple[str, int]]:
    """The (role, village_id) pairs a person holds, oldest first (read with the message's claim, if it was)."""
    if (ROLES_KEY, person_id) in sql.prefetched:
        return list(sql.prefetched[(ROLES_KEY, person_id)])
    rows = sql.all(
        "SELECT role, village_id FROM cadre_assignment WHERE person_id = :person ORDER BY id", person=person_id
    )
    return [(role, village_id) for role, village_id in rows]


def keep_roles(sql: Sql, *, person_id: int, roles: list | None) -> None:
    """Roles read by another statement (`ROLES_OF_P`), for `held_roles`; valid until an ORM session opens."""
    sql.prefetched[(ROLES_KEY, person_id)] = [(role, village_id) for role, village_id in roles or ()]


def forget_roles(sql: Sql) -> None:
    """Roles are granted through the ORM (`redeem_invite`): once a session is open, `held_roles` reads them again."""
    for key in [key for key in sql.prefetched if key[0] == ROLES_KEY]:
        del sql.prefetched[key]


ROSTER = (
    "SELECT p.id, p.openid, a.role, p.name, p.phone, a.village_id, v.work_area_id FROM cadre_assignment a"
    " JOIN person p ON p.id = a.person_id JOIN village v ON v.id = a.village_id"
    " WHERE a.village_id IN {ids} OR a.role = 'town_command' OR (a.role = 'work_area_lead'"
    " AND v.work_area_id IN (SELECT work_area_id FROM village WHERE id IN {ids})) ORDER BY a.id"
)
ROSTER_VILLAGES = "SELECT id, name, work_area_id FROM village WHERE id IN {ids}"


def roster_of(sql: Sql, *, village_ids: list[int]) -> tuple[list[tuple[Holder, int | None]], list[tuple]]:
    """(holder, work area id) of everyone holding a role in these villages, leading their work areas or the town,
    in the order bound; and (id, name, work area id) of the villages: two reads for any number of villages."""
    placeholders, params = sql.in_list("ids", village_ids)
    rows = sql.all(ROSTER.format(ids=placeholders), **params)
    villages = [tuple(row) for row in sql.all(ROSTER_VILLAGES.format(ids=placeholders), **params)]
    return [(Holder(*row[:6]), row[6]) for row in rows], villages


def positions_of(sql: Sql, *, openid: str) -> list[tuple[str, int]]:
    """The (role, village_id) pairs the person with this openid holds, oldest first."""
    return [(role, village_id) for role, village_id in sql.all(POSITIONS, openid=openid)]


def holders(sql: Sql, *, village_id: int, roles: tuple[str, ...] | list[str]) -> list[Holder]:
    """Who holds these roles for the village, in the order they were bound."""
    placeholders, params = sql.in_list("role", list(roles))
    rows = sql.all(
        HOLDERS + f" WHERE a.village_id = :village AND a.role IN {placeholders} ORDER BY a.id",
        village=village_id,
        **params,
    )
    return [Holder(*row) for row in rows]


def work_area_holders(sql: Sql, *, village_id: int, role: str) -> list[Holder]:
    """Who holds this role for any village of the village's work area, in the order they were bound."""
    rows = sql.all(HOLDERS + IN_WORK_AREA_OF + " AND a.role = :role ORDER BY a.id", village=village_id, role=role)
    return [Holder(*row) for row in rows]


def holders_anywhere(sql: Sql, *, roles: tuple[str, ...] | list[str]) -> list[Holder]:
    """Everyone holding one of these roles for any village, in the order they were bound."""
    placeholders, params = sql.in_list("role", list(roles))
    return [Holder(*row) for row in sql.all(HOLDERS + f" WHERE a.role IN {placeholders} ORDER BY a.id", **params)]


def answers_for(sql: Sql, *, person_id: int, village_id: int, roles: tuple[str, ...], leads: bool) -> bool:
    """Whether the person holds one of the roles for the village (or, with `leads`, leads its area or the town)."""
    placeholders, params = sql.in_list("role", list(roles))
    query = ANSWERS_FOR.format(roles=placeholders)
    return sql.one(query, person=person_id, village=village_id, leads=int(leads), **params) is not None


@dataclass(frozen=True)
class Post:
    """A role held, with its place, as the dashboard's roster lists it."""

    person_id: int
    name: str | None
    phone: str | None
    role: str
    village_id: int
    village: str
    work_area_id: int | None
    since: dt.datetime


POSTS = (
    "SELECT p.id, p.name, p.phone, a.role, a.village_id, v.name, v.work_area_id, a.created_at"
    " FROM cadre_assignment a JOIN person p ON p.id = a.person_id JOIN village v ON v.id = a.village_id"
    " WHERE 1 = 1{where} ORDER BY v.work_area_id, v.id, a.role, a.id"
)
INVITES = (
    "SELECT i.code, i.role, i.village_id, v.name, i.created_at, i.expires_at FROM cadre_invite i"
    " JOIN village v ON v.id = i.village_id WHERE i.used_at IS NULL AND i.expires_at > :now{where} ORDER BY i.id DESC"
)


def _jurisdiction(sql: Sql, column: str, villages, *, town_roles: bool) -> tuple[str, dict]:
    """The WHERE part for a viewer's villages (None: all); the town command's posts only with `town_roles`."""
    where, params = "", {}
    if villages is not None:
        ids, params = sql.in_list("rv", sorted(villages))
        where = f" AND {column}.village_id IN {ids}"
    if not town_roles:
        where += f" AND {column}.role <> 'town_command'"
    return where, params


def roster(sql: Sql, *, villages, town_roles: bool = True) -> list[Post]:
    """Every role held for these villages (None: the town), by work area and village."""
    where, params = _jurisdiction(sql, "a", villages, town_roles=town_roles)
    rows = sql.all(POSTS.format(where=where), **params)
    return [Post(*row[:7], sql.read_time(row[7])) for row in rows]


def unused_invites(sql: Sql, *, villages, now: dt.datetime, town_roles: bool = True) -> list[tuple]:
    """Codes nobody has used yet and still valid: (code, role, village_id, village, created_at, expires_at)."""
    where, params = _jurisdiction(sql, "i", villages, town_roles=town_roles)
    rows = sql.all(INVITES.format(where=where), now=sql.time(now), **params)
    return [(*row[:4], sql.read_time(row[4]), sql.read_time(row[5])) for row in rows]
