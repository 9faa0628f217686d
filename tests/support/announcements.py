"""Announcement recipients: villagers written straight into the database, with their recent messages."""

from __future__ import annotations

import datetime as dt

from models.db import utcnow
from models.sql import Sql


def person(server, openid: str, village: str | None = "鸣皋村", *, wrote_ago_h: float | None = 1, **flags) -> int:
    """A follower of the account, in a village, who last wrote `wrote_ago_h` hours ago (None: never)."""
    with server.state.db.begin() as connection:
        sql = Sql(connection)
        last = utcnow() - dt.timedelta(hours=wrote_ago_h) if wrote_ago_h is not None else None
        vid = sql.one("SELECT id FROM village WHERE name = :n", n=village)[0] if village else None
        sql.run(
            "INSERT INTO person (openid, name, village_id, subscribed, announcements_opted_out, risk_list_opted_out,"
            " last_inbound_at, cs_used, created_at) VALUES (:o, :name, :v, :yes, :out, :no, :last, 0, :now)",
            o=openid,
            name=flags.get("name", openid),
            v=vid,
            yes=sql.flag(flags.get("subscribed", True)),
            out=sql.flag(flags.get("opted_out", False)),
            no=sql.flag(False),
            last=sql.time(last),
            now=sql.time(utcnow()),
        )
        return sql.one("SELECT id FROM person WHERE openid = :o", o=openid)[0]
