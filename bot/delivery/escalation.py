"""An alert no channel can deliver is never dropped: the next cadre up is asked to phone the person."""

from __future__ import annotations

import datetime as dt

from models.delivery import Recipient
from models.outbox import Claimed, enqueue
from models.sql import Sql

ALERT_KINDS = ("alert", "call")
# Who answers for whom when a cadre cannot be reached.
NEXT_UP = {
    "village_doctor": "village_cadre",
    "grid_worker": "village_cadre",
    "police": "village_cadre",
    "volunteer": "village_cadre",
    "checkpoint": "village_cadre",
    "village_cadre": "township_cadre",
    "township_cadre": "work_area_lead",
    "work_area_lead": "town_command",
}
TOP = "town_command"


class TEXT:
    call = "【请电话联系】{who}收不到公众号消息，请打电话告诉他（她）：\n{text}"
    who = "{name}（{phone}）"
    no_phone = "没有登记电话"


ROLES_OF = (
    "SELECT ca.role, ca.village_id FROM cadre_assignment ca JOIN person p ON p.id = ca.person_id"
    " WHERE p.openid = :openid ORDER BY ca.id"
)
VILLAGE_OF = "SELECT village_id FROM person WHERE openid = :openid"
HOLDER_IN_VILLAGE = (
    "SELECT p.openid FROM cadre_assignment ca JOIN person p ON p.id = ca.person_id"
    " WHERE ca.role = :role AND ca.village_id = :village AND p.openid != :not_openid ORDER BY ca.id LIMIT 1"
)
HOLDER_IN_WORK_AREA = (
    "SELECT p.openid FROM cadre_assignment ca JOIN person p ON p.id = ca.person_id"
    " JOIN village v ON v.id = ca.village_id"
    " WHERE ca.role = :role AND v.work_area_id = (SELECT work_area_id FROM village WHERE id = :village)"
    " AND p.openid != :not_openid ORDER BY ca.id LIMIT 1"
)
HOLDER_ANYWHERE = (
    "SELECT p.openid FROM cadre_assignment ca JOIN person p ON p.id = ca.person_id"
    " WHERE ca.role = :role AND p.openid != :not_openid ORDER BY ca.id LIMIT 1"
)
CALL_TASK = (
    "INSERT INTO call_task (outbox_id, caller_openid, callee_openid, callee_name, callee_phone, text, created_at)"
    " VALUES (:outbox_id, :caller, :callee, :name, :phone, :text, :now) ON CONFLICT (outbox_id) DO NOTHING"
)


def escalate_undeliverable(sql: Sql, row: Claimed, person: Recipient, *, now: dt.datetime) -> None:
    """For an undeliverable alert: a phone-call task, and a message to the cadre who should make the call."""
    if row.kind not in ALERT_KINDS:
        return
    caller = next_cadre_up(sql, row.recipient_openid)
    who = TEXT.who.format(name=person.name or row.recipient_openid, phone=person.phone or TEXT.no_phone)
    sql.run(
        CALL_TASK,
        outbox_id=row.id,
        caller=caller,
        callee=row.recipient_openid,
        name=person.name,
        phone=person.phone,
        text=row.text,
        now=sql.time(now),
    )
    if caller is not None:
        enqueue(
            sql,
            key=f"call:{row.id}",
            recipient_openid=caller,
            kind="call",
            now=now,
            text=TEXT.call.format(who=who, text=row.text),
        )


def next_cadre_up(sql: Sql, openid: str) -> str | None:
    """The openid of the cadre one level above this person (a villager's is their village cadre)."""
    positions = sql.all(ROLES_OF, openid=openid)
    if not positions:
        village = sql.one(VILLAGE_OF, openid=openid)
        positions = [("villager", village[0] if village else None)]
    for role, village_id in positions:
        found = _holder_above(sql, role, village_id, openid)
        if found:
            return found
    return None


def _holder_above(sql: Sql, role: str, village_id: int | None, openid: str) -> str | None:
    wanted = "village_cadre" if role == "villager" else NEXT_UP.get(role)
    while wanted:
        if wanted == TOP or village_id is None:
            found = sql.one(HOLDER_ANYWHERE, role=TOP, not_openid=openid)
        elif wanted == "work_area_lead":
            found = sql.one(HOLDER_IN_WORK_AREA, role=wanted, village=village_id, not_openid=openid)
        else:
            found = sql.one(HOLDER_IN_VILLAGE, role=wanted, village=village_id, not_openid=openid)
        if found:
            return found[0]
        wanted = NEXT_UP.get(wanted)
    return None
