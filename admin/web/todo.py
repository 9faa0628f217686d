"""/admin/todo : the 待办 board, the chat's 待办 with its commands as buttons; htmx swaps an item for the reply.

Only a command the cadre's own 待办 offers right now runs (the item is found again by its key, the action by its
command), and it runs through the dialogue engine as the chat would: the same permissions, replies and messages.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from admin.web import todo_items
from admin.web.render import render
from admin.web.security import read_form, require_csrf
from admin.web.today_texts import TODO
from admin.web.todo_items import Item
from admin.web.todo_town import town_items
from admin.web.viewer import SignedIn, Viewer
from models.audit import record_action
from models.db import transaction, utcnow
from models.sql import Sql

router = APIRouter()


@dataclass(frozen=True)
class Done:
    """What one press of a button did: the reply, and the item as it is now (None once it left the 待办)."""

    reply: str
    item: Item | None


@router.get("/todo", response_class=HTMLResponse)
def board(request: Request, viewer: SignedIn) -> HTMLResponse:
    """The viewer's open items, urgent first; a town account without a cadre sees the town's, read-only."""
    if viewer.person_id is None:
        with transaction(request.app.state.db) as session:
            listed = town_items(session, utcnow(), viewer.villages)
        return render(request, "todo.html", viewer, T=TODO, items=[], town=listed, readonly=True)
    with transaction(request.app.state.db) as session:
        listed = _items(request, session, viewer)
    return render(request, "todo.html", viewer, T=TODO, items=listed, town=None, readonly=False)


@router.post("/todo/act", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
async def act(request: Request, viewer: SignedIn) -> HTMLResponse:
    """Run one of an item's commands; htmx gets the item back (or the reply alone), a plain form the whole board."""
    form = await read_form(request)
    if viewer.person_id is None:
        raise HTTPException(404)
    key, command = form.get("key", ""), form.get("command", "")
    done = await run_in_threadpool(_act, request, viewer, key, command, form.get("text", ""), form.get("choice", ""))
    if request.headers.get("HX-Request"):
        return render(request, "todo_item.html", viewer, T=TODO, item=done.item, reply=done.reply, key=key)
    with transaction(request.app.state.db) as session:
        listed = _items(request, session, viewer)
    return render(request, "todo.html", viewer, T=TODO, items=listed, town=None, readonly=False, reply=done.reply)


def _act(request: Request, viewer: Viewer, key: str, command: str, written: str, choice: str) -> Done:
    """In one transaction: find the item and its action again, run it as the chat would, write the audit row."""
    with transaction(request.app.state.db) as session:
        item = _find(_items(request, session, viewer), key)
        action = next((a for a in item.actions if a.command == command), None) if item else None
        text = action.text(written, choice) if action else None
        if text is None:
            return Done(TODO.gone if action is None else TODO.choose, item)
        ctx = _context(request, session, viewer)
        try:
            reply = todo_items.run(request.app.state.dialogue, ctx, text)
        finally:
            ctx.close()
        if reply is None:
            return Done(TODO.failed, item)
        after = _find(_items(request, session, viewer), key)  # a fresh context: nothing cached from before
        record_action(
            session,
            actor=_actor(viewer),
            action=TODO.audit_action.format(label=action.label),
            target=item.text.splitlines()[0],
            before={TODO.audit_item: item.line},
            after={
                TODO.audit_sent: text,
                TODO.audit_reply: reply,
                TODO.audit_item: after.line if after else TODO.cleared,
            },
        )
        return Done(reply, after)


def _items(request: Request, session, viewer: Viewer) -> list[Item]:
    """The viewer's 待办 items, read in this transaction."""
    ctx = _context(request, session, viewer)
    if ctx is None:
        raise HTTPException(404)
    try:
        return todo_items.items(ctx)
    finally:
        ctx.close()


def _find(listed: list[Item], key: str) -> Item | None:
    return next((item for item in listed if item.key == key), None)


def _context(request: Request, session, viewer: Viewer):
    """The cadre's dialogue context on this transaction (None for a viewer without a bound person)."""
    if viewer.person_id is None:
        return None
    state = request.app.state
    return todo_items.context(Sql(session.connection()), person_id=viewer.person_id, now=utcnow(), state=state)


def _actor(viewer: Viewer) -> str:
    """Who acted, as the audit log names them."""
    return TODO.actor.format(name=viewer.name, role=viewer.role_name, person=viewer.person_id)
