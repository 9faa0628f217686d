"""/admin/ledgers: the ledgers with filters, search and paging, and the 台账 workbook download.

Every query is limited to the viewer's villages in SQL; a village outside them answers 404. Phones and ID numbers
are masked for a viewer who may not read them, and a fragment searched never matches a phone they cannot see.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from starlette.background import BackgroundTask

from admin.ledger import open_ledger
from admin.ledger_xlsx import write_ledger
from admin.masking import Mask
from admin.web import ledger_texts as T
from admin.web.ledger_views import Reading, show_rows
from admin.web.render import render
from admin.web.viewer import SignedIn, Viewer
from bot.villages import VillageRef
from models.audit import record_action
from models.db import transaction, utcnow
from models.ledger_pages import COUNT_CAP, LEDGERS, PAGE_SIZE, LedgerPage, LedgerQuery, ledger_page
from models.town import list_villages, read_town_file
from town import clock

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/ledgers", response_class=HTMLResponse)
def ledgers(request: Request, viewer: SignedIn) -> HTMLResponse:
    """Every ledger, and the workbook to download."""
    with transaction(request.app.state.db) as session:
        villages = _villages(session, viewer)
    kinds = [(kind, T.LEDGER.names[kind], T.LEDGER.about[kind]) for kind in LEDGERS]
    return render(request, "ledgers/index.html", viewer, T=T, kinds=kinds, villages=villages)


@router.get("/ledgers/export.xlsx")
def export(request: Request, viewer: SignedIn, village: str = "") -> FileResponse:
    """The 台账 of the viewer's villages (or one of them) as a workbook, streamed to a file then sent; audited."""
    settings = request.app.state.settings
    town = read_town_file(settings.town_file).name
    folder = Path(tempfile.mkdtemp(prefix="xiangan-ledger-"))  # 0700: the file holds ID numbers
    try:
        ledger, scope = _write_export(request, viewer, town, village, folder / "ledger.xlsx")
    except BaseException:
        _remove(folder)
        raise
    stamp = ledger.exported_at.strftime("%Y%m%d-%H%M")
    name = T.DOWNLOAD_NAME.format(scope=f"{town}{scope or ''}", stamp=stamp)
    disposition = f"attachment; filename=\"ledger-{stamp}.xlsx\"; filename*=UTF-8''{quote(name)}"
    headers = {"Content-Disposition": disposition, "Cache-Control": "no-store"}
    return FileResponse(
        folder / "ledger.xlsx", media_type=XLSX, headers=headers, background=BackgroundTask(_remove, folder)
    )


def _write_export(request: Request, viewer: Viewer, town: str, village: str, path: Path):
    """Write the workbook and its audit row in one transaction; (the ledger written, the village's name or None)."""
    with transaction(request.app.state.db) as session:
        chosen = _chosen_village(session, viewer, village)
        ledger = open_ledger(
            session, town=town, now=utcnow(), tz=clock.zone(), village=chosen, villages=viewer.villages,
            policy=request.app.state.risk.policy, masked=not viewer.unmasked,
        )  # fmt: skip
        with path.open("wb") as out:
            counts = write_ledger(ledger, out)
        scope = chosen.name if chosen else None
        record_action(
            session, actor=_actor(viewer), action="export_ledger", target=f"{town}{scope or ''}",
            before=None, after={"scope": scope or town, "sheets": list(counts), "rows": sum(counts.values())},
        )  # fmt: skip
    return ledger, scope


def _remove(folder: Path) -> None:
    for file in folder.iterdir():
        file.unlink(missing_ok=True)
    folder.rmdir()


def _actor(viewer: Viewer) -> str:
    return f"{viewer.name}（{viewer.role_name}）"


@router.get("/ledgers/{kind}", response_class=HTMLResponse)
def ledger(
    request: Request,
    viewer: SignedIn,
    kind: str,
    village: str = "",
    first: str = "",
    last: str = "",
    state: str = "",
    q: str = "",
    before: str = "",
) -> HTMLResponse:
    """One ledger, one page: newest first, filtered, searched."""
    if kind not in LEDGERS:
        raise HTTPException(404)
    today = clock.today()
    with transaction(request.app.state.db) as session:
        villages = _villages(session, viewer)
        chosen = _chosen_village(session, viewer, village)
        query = LedgerQuery(
            village=chosen.id if chosen else None, first=_date(first), last=_date(last),
            state=state if state in T.STATES[kind] else None, search=q.strip()[:50] or None,
            search_phones=viewer.unmasked, before=_int(before), today=today, tz=clock.zone(),
        )  # fmt: skip
        page = ledger_page(session, kind=kind, villages=viewer.villages, query=query)
    rows = show_rows(kind, page.rows, Reading(Mask(not viewer.unmasked), clock.zone(), today))
    filters = {"village": village if chosen else "", "first": first, "last": last, "state": query.state or "", "q": q}
    kept = {key: value for key, value in filters.items() if value}
    return render(
        request, "ledgers/page.html", viewer, T=T, kind=kind, title=T.LEDGER.names[kind], rows=rows,
        total=_found(page),
        villages=villages, filters=filters, states=T.STATES[kind], size=PAGE_SIZE,
        older=_link(kind, {**kept, "before": page.next_before}) if page.next_before else None,
        newest=_link(kind, kept) if query.before is not None else None,
        export=f"/admin/ledgers/export.xlsx?{urlencode({'village': village})}" if chosen else None,
    )  # fmt: skip


def _found(page: LedgerPage) -> str:
    """「共 N 条」, or 「超过 1000 条」 when the count stopped at its cap."""
    if page.more_than_cap:
        return T.PAGE.found_many.format(total=COUNT_CAP)
    return T.PAGE.found.format(total=page.total)


def _link(kind: str, params: dict) -> str:
    return f"/admin/ledgers/{kind}" + (f"?{urlencode(params)}" if params else "")


def _villages(session, viewer: Viewer) -> list[VillageRef]:
    """The villages the viewer may filter by, by name."""
    return [VillageRef(v.id, v.name) for v in list_villages(session) if viewer.sees(v.id)]


def _chosen_village(session, viewer: Viewer, village: str) -> VillageRef | None:
    """The village asked for by id; 404 when it is not one the viewer sees (or not a village at all)."""
    if not village:
        return None
    found = {ref.id: ref for ref in _villages(session, viewer)}.get(_int(village) or -1)
    if found is None:
        raise HTTPException(404)
    return found


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _int(text: str) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None
