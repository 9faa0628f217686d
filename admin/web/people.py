"""A stub for a person's page: dash-ledgers replaces this module wholesale.

It answers /admin/people/{id} with the name only, enough to prove the jurisdiction's 404 (tests/test_dashboard_*).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from admin.web.render import render
from admin.web.viewer import SignedIn
from models.db import transaction
from models.person import name_and_village_of
from models.sql import Sql

router = APIRouter()


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, person_id: int, viewer: SignedIn) -> HTMLResponse:
    """A person of the viewer's jurisdiction (404 for anyone else)."""
    with transaction(request.app.state.db) as session:
        found = name_and_village_of(Sql(session.connection()), person_id=person_id)
    if found is None:
        raise HTTPException(404)
    viewer.require(found[1])
    return render(request, "stub.html", viewer, heading=found[0] or "")
