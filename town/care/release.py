"""The end of a household's care: the people released when the measure changes hear why.

Told before the end and closed after it: jobs in broadcasts/care/release.py.
"""

from __future__ import annotations

from models.quarantine import CENTRAL
from town.bundle import Bundle
from town.care.household import Carer, Home
from town.care.texts import TEXT


def tell_released(home: Home, people: list[Carer], bundle: Bundle, *, new: str) -> None:
    """Those who no longer care for the household hear why: the measure changed to `new`."""
    template = TEXT.released_central if new == CENTRAL else TEXT.released
    text = template.format(new=new, **home.facts())
    for person in {p.person_id: p for p in people}.values():
        key = f"care:{home.quarantine.id}:released:{person.person_id}"
        bundle.add(person_id=person.person_id, openid=person.openid, key=key, text=text, kind="notice")
