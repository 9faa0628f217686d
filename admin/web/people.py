"""/admin/people/{id}: a person's page — everything they said and were sent, in time order, with delivery states.

A person is within a viewer's reach when they belong to one of the viewer's villages or have a record in one;
anyone else answers 404. What they typed is shown as text (autoescaped), phones masked for who may not read them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from admin.masking import Mask
from admin.web import ledger_texts as T
from admin.web.render import render
from admin.web.viewer import SignedIn
from bot.delivery.texts import CHANNEL_NAMES, STATE_SEPARATOR, STATUS_NAMES
from models.db import transaction
from models.outbox import FAILED, UNDELIVERABLE
from models.person_history import Said, history, person_profile, person_within
from town import clock

router = APIRouter()
LINES = 100


@dataclass(frozen=True)
class Line:
    """One message as the page shows it."""

    inbound: bool
    at: str
    label: str
    text: str
    reply: str | None = None
    state: str | None = None
    bad: bool = False


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person(request: Request, viewer: SignedIn, person_id: int, before: str = "") -> HTMLResponse:
    """The person's profile and their newest messages (older ones a page at a time)."""
    until = _moment(before)
    with transaction(request.app.state.db) as session:
        profile = person_profile(session, person_id=person_id)
        if profile is None or not person_within(session, person_id=person_id, villages=viewer.villages):
            raise HTTPException(404)
        said = history(session, openid=profile.openid, before=until, limit=LINES)
    mask = Mask(not viewer.unmasked)
    lines = [_line(item, mask) for item in said]
    older = f"?{urlencode({'before': said[0].at.isoformat()})}" if len(said) == LINES else None
    return render(
        request, "people/page.html", viewer, T=T, profile=profile, phone=mask.phone(profile.phone),
        name=profile.name or T.PERSON.nameless, since=_local(profile.created_at), lines=lines, older=older,
        newest=until is not None,
    )  # fmt: skip


def _line(item: Said, mask: Mask) -> Line:
    if item.inbound:
        return Line(True, _local(item.at), T.PERSON.said, mask.text(_said(item)), reply=mask.text(item.reply))
    names = [STATUS_NAMES.get(item.status or "", item.status or ""), CHANNEL_NAMES.get(item.channel or "", "")]
    if item.errcode:
        names.append(T.PERSON.error.format(code=item.errcode))
    label = T.PERSON.kinds.get(item.kind, T.PERSON.sent)
    return Line(
        False, _local(item.at), label, mask.text(item.text) or "",
        state=STATE_SEPARATOR.join(n for n in names if n), bad=item.status in (FAILED, UNDELIVERABLE),
    )  # fmt: skip


def _said(item: Said) -> str:
    """What they sent: the text, or what the event or message was."""
    if item.text:
        return item.text
    if item.kind == "event":
        return T.PERSON.events.get(item.event or "", T.PERSON.other.format(kind=item.event))
    return T.PERSON.message_types.get(item.kind, T.PERSON.other.format(kind=item.kind))


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return clock.local(aware).strftime("%Y-%m-%d %H:%M")


def _moment(text: str) -> dt.datetime | None:
    try:
        found = dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return found if found is None or found.tzinfo else found.replace(tzinfo=dt.UTC)
