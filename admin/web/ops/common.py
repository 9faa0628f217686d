"""What the ops pages share: the viewer's reach, the audit actor, masked phones and the town's time."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, HTTPException

from admin.web.security import read_form
from admin.web.viewer import Viewer, current_viewer
from town import clock

Seen = Annotated[Viewer, Depends(current_viewer)]  # the signed-in viewer of every ops route
FormFields = Annotated[dict[str, str], Depends(read_form)]  # a posted urlencoded form


def town_only(viewer: Viewer) -> None:
    """Town-wide actions answer 404 to everyone else (their existence is not told)."""
    if not viewer.town_wide:
        raise HTTPException(404)


def actor(viewer: Viewer) -> str:
    """Who did it, as the audit log names them."""
    account = f"admin:{viewer.admin_user_id}" if viewer.admin_user_id is not None else f"person:{viewer.person_id}"
    return f"{author(viewer)} {account}"


def author(viewer: Viewer) -> str:
    """The viewer as others read them: 「王书记（村干部）」."""
    return f"{viewer.name}（{viewer.role_name}）"


def shown_phone(phone: str | None, viewer: Viewer) -> str | None:
    """The phone as this viewer may read it: whole for those who call, else 138****5678."""
    if not phone or viewer.unmasked:
        return phone
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def when(moment: dt.datetime | None) -> str:
    """8月6日10:00 in the town's time ("" for none)."""
    return clock.day_clock(moment) if moment else ""


def ids(text: str | None) -> int | None:
    """A form or query number, None when absent or not a number."""
    try:
        return int(text) if text not in (None, "") else None
    except ValueError:
        return None
