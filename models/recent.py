"""The people a sender spoke of lately: whom 「她」「他」「俺家那口子」 in their next message refers to."""

from __future__ import annotations

import datetime as dt

from models.sql import Sql

# A family member named in a fever report, or declared for; the newest first.
RECENT = (
    "SELECT name, at FROM ("
    " SELECT name, COALESCE(updated_at, created_at) AS at FROM fever_report"
    "  WHERE person_id = :person_id AND name IS NOT NULL AND name <> '' AND created_at >= :since"
    " UNION ALL"
    " SELECT relation AS name, created_at AS at FROM declaration"
    "  WHERE declared_by_person_id = :person_id AND relation IS NOT NULL AND relation <> '' AND created_at >= :since"
    ") AS recent ORDER BY at DESC LIMIT 1"
)


def recent_person(sql: Sql, *, person_id: int, since: dt.datetime) -> str | None:
    """Who the sender last spoke of since then (「老伴」, 「孩子」), or None when nobody but themselves."""
    row = sql.one(RECENT, person_id=person_id, since=sql.time(since))
    return row[0] if row else None
