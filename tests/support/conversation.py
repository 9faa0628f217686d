"""Conversations through the real webhook: play a villager's lines, read back the profile saved."""

from __future__ import annotations

from sqlalchemy import select

from models.db import transaction
from models.person import Person
from models.town import Village


def run(client, transcript: list[tuple[str, str]]) -> None:
    """Play a transcript: each villager line, and a fragment the reply must contain."""
    for said, expected in transcript:
        reply = client.say(said) or ""
        assert expected in reply, f"after 「{said}」 expected 「{expected}」, got 「{reply}」"


def profile(server, openid: str) -> tuple:
    """The name, phone and village on record for this openid."""
    with transaction(server.state.db) as session:
        person = session.execute(select(Person).where(Person.openid == openid)).scalar_one()
        village = session.get(Village, person.village_id) if person.village_id else None
        return person.name, person.phone, village.name if village else None
