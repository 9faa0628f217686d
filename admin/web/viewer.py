"""Who is looking at the dashboard, and what they may see: read from their session and roles at every request.

A cadre's jurisdiction comes from the roles they hold now (cadre_assignment), never from what was true when they
signed in: a role removed is access removed at the next click.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from admin.web import texts
from models.admin_session import live_session
from models.admin_user import admin_by_id
from models.cadre import roles_of
from models.db import transaction, utcnow
from models.person import name_of
from models.sql import Sql
from models.town import work_areas_of
from town.posts import TOWN, WORK_AREA, position_name, scope_of

COOKIE = "xiangan_admin"
TOWN_ADMIN = "town_admin"
# Broadest first: a cadre holding several roles is shown as the broadest of them.
RANK = (
    TOWN_ADMIN,
    "town_command",
    "work_area_lead",
    "township_cadre",
    "village_cadre",
    "village_doctor",
    "police",
    "grid_worker",
    "checkpoint",
    "volunteer",
)
# Who may read full phone numbers and ID numbers: the town's roles and the village cadres.
UNMASKED_ROLES = frozenset({TOWN_ADMIN, "town_command", "work_area_lead", "township_cadre", "village_cadre"})


class SignInRequired(Exception):
    """No valid session (or no role left): the app answers with a 303 to the sign-in page."""

    def __init__(self, reason: str = ""):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Viewer:
    """The signed-in cadre and their jurisdiction."""

    admin_user_id: int | None  # the dashboard account, None for a WeChat-authorised cadre without one
    person_id: int | None  # the bound cadre person, None for the env-created town admin
    name: str  # shown in the header
    role: str  # town_admin, or the broadest of models.cadre.ROLES they hold (town_command, village_cadre, ...)
    village_ids: frozenset[int] | None  # None = the whole town; else the villages this viewer may see
    place: str = ""  # the header's 「鸣皋村的村干部」: the broadest role and where it is held

    def sees(self, village_id: int | None) -> bool:
        """Whether a record of this village is within the viewer's jurisdiction (no village: town-wide only)."""
        return self.village_ids is None or (village_id is not None and village_id in self.village_ids)

    def require(self, village_id: int | None) -> None:
        """Answer 404 for a record outside the jurisdiction (never 403: its existence is not told)."""
        if not self.sees(village_id):
            raise HTTPException(404)

    @property
    def unmasked(self) -> bool:
        """May read full phones and ID numbers."""
        return self.role in UNMASKED_ROLES

    @property
    def town_wide(self) -> bool:
        """Sees the whole town (the audit log, town-only pages)."""
        return self.village_ids is None

    @property
    def villages(self) -> frozenset[int] | None:
        """The `villages` argument of the model functions (None = all)."""
        return self.village_ids

    @property
    def role_name(self) -> str:
        """The role as the header shows it."""
        return texts.role_name(self.role)


def current_viewer(request: Request) -> Viewer:
    """The FastAPI dependency of every dashboard page: the viewer, or SignInRequired."""
    cached = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired()
    with transaction(request.app.state.db) as session:
        row = live_session(session, token=token, now=utcnow())
        if row is None:
            raise SignInRequired()
        viewer = viewer_for(session, admin_user_id=row.admin_user_id, person_id=row.person_id)
        csrf = row.csrf_token
    if viewer is None:
        raise SignInRequired("no_role")
    request.state.viewer, request.state.csrf_token = viewer, csrf
    return viewer


# A page's parameter: `viewer: SignedIn` (the viewer, or a redirect to the sign-in page).
SignedIn = Annotated[Viewer, Depends(current_viewer)]


def viewer_for(session: Session, *, admin_user_id: int | None, person_id: int | None) -> Viewer | None:
    """The viewer of an account or a bound cadre; None when they hold no role any more."""
    name = ""
    if admin_user_id is not None:
        user = admin_by_id(session, admin_user_id)
        if user is None:
            return None
        if user.person_id is None:  # a town account: only town roles make sense without a person's own roles
            town = user.role == TOWN_ADMIN or scope_of(user.role) == TOWN
            return Viewer(user.id, None, user.username, user.role, None, texts.role_name(user.role)) if town else None
        person_id, name = user.person_id, user.username
    if person_id is None:
        return None
    held = roles_of(session, person_id=person_id)
    if not held:
        return None
    role, village_id = min(held, key=lambda pair: RANK.index(pair[0]) if pair[0] in RANK else len(RANK))
    person_name = name_of(Sql(session.connection()), person_id=person_id) or name or texts.SOMEONE
    place = position_name(session, role, village_id)
    return Viewer(admin_user_id, person_id, person_name, role, jurisdiction(session, held), place)


def jurisdiction(session: Session, held: list[tuple[str, int]]) -> frozenset[int] | None:
    """The villages these (role, village) pairs see: None for the town command, a lead's whole work area."""
    villages: set[int] = set()
    for role, village_id in held:
        scope = scope_of(role)
        if scope == TOWN:
            return None
        if scope == WORK_AREA:
            villages.update(work_areas_of(session, [village_id])[1] or [village_id])
        else:
            villages.add(village_id)
    return frozenset(villages)


def session_ttl(request: Request) -> dt.timedelta:
    """How long a sign-in lasts."""
    return dt.timedelta(hours=request.app.state.settings.admin_session_hours)
