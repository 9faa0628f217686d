"""The end of a household's care: the people released when the measure changes hear why.

Told before the end and closed after it: jobs in broadcasts/care/release.py.
"""

from __future__ import annotations

import datetime as dt

from models.outbox import enqueue
from models.quarantine import CENTRAL
from models.sql import Sql
from town.care.household import Carer, Home
from town.care.texts import TEXT


def tell_released(sql: Sql, home: Home, people: list[Carer], *, new: str, now: dt.datetime) -> int:
    """Those who no longer care for the household hear why: the measure changed to `new`."""
    template = TEXT.released_central if new == CENTRAL else TEXT.released
    text = template.format(new=new, **home.facts())
    sent = 0
    for person in {p.person_id: p for p in people}.values():
        key = f"care:{home.quarantine.id}:released:{person.person_id}"
        sent += enqueue(sql, key=key, recipient_openid=person.openid, kind="notice", text=text, now=now)
    return sent
