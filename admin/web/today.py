"""A stub for the Today page and the 待办 board: dash-today replaces this module wholesale."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from admin.web.render import render
from admin.web.viewer import SignedIn

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def today(request: Request, viewer: SignedIn) -> HTMLResponse:
    """A placeholder Today page, so that signing in lands somewhere."""
    return render(request, "stub.html", viewer, heading="今日")
