"""`python main.py undelivered`: every open phone-call task and every alert that did not reach its person."""

from __future__ import annotations

import datetime as dt

import typer

from admin.commands.texts import UNDELIVERED as TEXT
from bot.startup import prepare_database
from models.alerts import undelivered_alerts
from models.calls import open_calls
from models.db import transaction, utcnow
from models.sql import Sql
from town.alerts import who_is
from town.clock import day_clock
from town.settings import get_settings


def undelivered(days: int = typer.Option(7, help="How far back to list undelivered alerts, in days")) -> None:
    """List open phone-call tasks and undelivered alerts: who should call whom, and the phone, in Chinese."""
    now = utcnow()
    with transaction(prepare_database(get_settings())) as session:
        typer.echo(report(Sql(session.connection()), now=now, days=days))


def report(sql: Sql, *, now: dt.datetime, days: int = 7) -> str:
    """The clerk's list: the open calls first, then the alerts that did not arrive."""
    calls = [_call(sql, task) for task in open_calls(sql)]
    rows = [row for row in undelivered_alerts(sql, since=now - dt.timedelta(days=days)) if row[2] == "alert"]
    alerts = [_alert(sql, row) for row in rows]  # an undelivered call message is its task, listed above
    lines = [TEXT.header.format(when=day_clock(now)), TEXT.calls.format(n=len(calls))]
    lines += [TEXT.indent + line for line in calls] or [TEXT.none]
    lines += [TEXT.alerts.format(days=days, n=len(alerts))]
    lines += [TEXT.indent + line for line in alerts] or [TEXT.none]
    if not calls and all(row[7] is not None for row in rows):
        lines.append(TEXT.all_clear)
    return "\n".join(lines)


def _call(sql: Sql, task) -> str:
    callee, callee_phone = who_is(sql, task.callee_openid)
    values = {
        "number": task.id,
        "callee": task.callee_name or callee,
        "callee_phone": task.callee_phone or callee_phone or TEXT.no_phone,
        "text": _short(task.text),
    }
    if task.caller_openid is None:
        return TEXT.call_top.format(**values)
    caller, caller_phone = who_is(sql, task.caller_openid)
    return TEXT.call.format(caller=caller, caller_phone=caller_phone or TEXT.no_phone, **values)


def _alert(sql: Sql, row: tuple) -> str:
    _, openid, _, text, status, _, created_at, task_id = row
    who, phone = who_is(sql, openid)
    state = TEXT.states.get(status, status) + (
        TEXT.alert_task.format(number=task_id) if task_id else TEXT.alert_no_task
    )
    return TEXT.alert.format(
        at=day_clock(created_at), who=who, phone=phone or TEXT.no_phone, state=state, text=_short(text),
    )  # fmt: skip


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= TEXT.text_limit else flat[: TEXT.text_limit - 1] + TEXT.ellipsis
