"""The ops pages in tests: cadres and villagers written into the database, undelivered alerts and call tasks."""

from __future__ import annotations

import json

from models.calls import add_call_task
from models.db import transaction, utcnow
from models.outbox import enqueue, message_by_key
from models.sql import Sql
from tests.support.announcements import person
from tests.support.dashboard import make_admin, signed_in

PASSWORD = "correct horse battery"


def village_id(server, name: str) -> int:
    with server.state.db.begin() as connection:
        return Sql(connection).one("SELECT id FROM village WHERE name = :n", n=name)[0]


def cadre(server, openid: str, village: str, role: str = "village_cadre", *, phone: str | None = None) -> int:
    """A bound cadre (their person id): a follower holding `role` for the village."""
    pid, vid = person(server, openid, village, name=f"干部{openid[-2:]}"), village_id(server, village)
    with server.state.db.begin() as connection:
        sql = Sql(connection)
        sql.run("UPDATE person SET phone = :phone WHERE id = :p", phone=phone, p=pid)
        sql.run(
            "INSERT INTO cadre_assignment (person_id, role, village_id, created_at) VALUES (:p, :r, :v, :now)",
            p=pid, r=role, v=vid, now=sql.time(utcnow()),
        )  # fmt: skip
    return pid


def account(server, username: str, *, person_id: int | None = None):
    """A signed-in HTTP client: the town admin, or the cadre with this person id."""
    with transaction(server.state.db) as session:
        make_admin(session, username=username, password=PASSWORD, person_id=person_id)
    return signed_in(server.url, username, PASSWORD)


def undelivered_alert(server, *, to: str, text: str, caller: str | None, phone: str = "13900001111") -> int:
    """An alert to `to` that ended undelivered, and the call task it became (its number)."""
    now = utcnow()
    key = f"alert-test:{to}:{text[:8]}"
    with server.state.db.begin() as connection:
        sql = Sql(connection)
        enqueue(sql, key=key, recipient_openid=to, kind="alert", text=text, now=now)
        outbox_id = message_by_key(sql, key=key)[0]
        sql.run("UPDATE outbox_message SET status = 'undeliverable' WHERE id = :id", id=outbox_id)
        return add_call_task(
            sql, outbox_id=outbox_id, caller_openid=caller, callee_openid=to, callee_name=None, callee_phone=phone,
            text=text, now=now,
        )  # fmt: skip


def audit_rows(server, action: str) -> list[tuple]:
    """(actor, target, before, after) of every audit row of this action, oldest first."""
    with server.state.db.begin() as connection:
        rows = Sql(connection).all(
            "SELECT actor, target, before, after FROM audit_log WHERE action = :a ORDER BY id", a=action
        )
    return [(a, t, json.loads(b) if b else None, json.loads(af) if af else None) for a, t, b, af in rows]


def one(server, query: str, **params):
    with server.state.db.begin() as connection:
        return Sql(connection).one(query, **params)
