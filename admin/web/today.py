"""/admin/ : the Today page, the day of the viewer's jurisdiction: numbers first, then charts, each with its table."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from admin.web.render import render
from admin.web.today_figures import DeclarationCounts, read_today
from admin.web.today_tables import tables
from admin.web.today_texts import TEXT
from admin.web.viewer import SignedIn, Viewer
from broadcasts import risk_stale
from broadcasts.brief import TOWN, town_name
from models.brief import stored_text
from models.db import transaction, utcnow
from models.sql import Sql
from models.town import villages_by_work_area, work_areas_of
from town.clock import day, local
from town.command import LEAD

router = APIRouter()
NAMED = 3  # villages named in the heading; more are counted
SECTIONS = (
    ("declarations", TEXT.declarations),
    ("quarantines", TEXT.quarantines),
    ("supplies", TEXT.supplies),
    ("missing", TEXT.missing),
    ("fevers", TEXT.fevers),
    ("vaccines", TEXT.vaccines),
)


@router.get("/", response_class=HTMLResponse)
def today_page(request: Request, viewer: SignedIn) -> HTMLResponse:
    """The day's figures of the viewer's villages (the whole town for the town's roles)."""
    settings = request.app.state.settings
    now = utcnow()
    with transaction(request.app.state.db) as session:
        figures = read_today(session, now, settings, viewer.villages, _counts(request))
        stale = risk_stale.note(Sql(session.connection()), now, settings)[1]
        where = _where(session, viewer, settings)
        brief = _brief(session, viewer, local(now).date())
    shown = local(now)
    return render(
        request,
        "today.html",
        viewer,
        T=TEXT,
        figures=figures,
        numbers=figures.numbers(),
        charts=figures.charts(),
        tables=tables(figures),
        sections=SECTIONS,
        stale=stale,
        heading=TEXT.heading.format(where=where, date=day(shown.date())),
        as_of=TEXT.as_of.format(time=shown.strftime("%H:%M")),
        brief=brief,
    )


def _counts(request: Request) -> DeclarationCounts:
    """The app's kept declaration counts (made on first use)."""
    state = request.app.state
    if not hasattr(state, "today_counts"):
        state.today_counts = DeclarationCounts()
    return state.today_counts


def _where(session, viewer: Viewer, settings) -> str:
    """The town's name, a lead's work areas, or the viewer's villages (a few by name, more counted)."""
    if viewer.villages is None:
        return town_name(settings)
    if viewer.role == LEAD:
        return TEXT.separator.join(work_areas_of(session, list(viewer.villages))[0])
    names = [v.name for v in villages_by_work_area(session) if v.id in viewer.villages]
    if len(names) <= NAMED:
        return TEXT.separator.join(names)
    return TEXT.many_villages.format(names=TEXT.separator.join(names[:NAMED]), n=len(names))


def _brief(session, viewer: Viewer, today) -> str | None:
    """Today's evening brief, once written: the town's, or the one village's of a village viewer."""
    if viewer.villages is None:
        return stored_text(session, day=today, scope=TOWN)
    if len(viewer.villages) == 1:
        return stored_text(session, day=today, scope=f"village:{next(iter(viewer.villages))}")
    return None
