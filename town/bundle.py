"""One event, one message per person: the parts an event has for someone are gathered and sent as one.

A home-isolation declaration tells the village's cadres about it and gives them their place in the 四包一; a
cadre who is both reads one alert that carries both, so the quota and their attention are spent once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.outbox import enqueue
from models.sql import Sql
from town.alerts import ALERT, send_alert

PART_BREAK = "\n\n"


@dataclass
class _Letter:
    key: str  # the first part's key: the same event gathered again makes the same message
    openid: str
    kind: str
    parts: list[str] = field(default_factory=list)


class Bundle:
    """The messages of one event, gathered by person until `send`."""

    def __init__(self, *, origin_openid: str | None = None) -> None:
        self._letters: dict[int, _Letter] = {}
        self.origin_openid = origin_openid  # the villager whose message caused the event, if one did

    def add(self, *, person_id: int, openid: str, key: str, text: str, kind: str = ALERT, first: bool = False) -> None:
        """A part for this person (`first`: it leads the message and names it); an alert part makes it an alert."""
        letter = self._letters.setdefault(person_id, _Letter(key, openid, kind))
        if text not in letter.parts:
            letter.parts.insert(0, text) if first else letter.parts.append(text)
        if first:
            letter.key = key
        if kind == ALERT:
            letter.kind = ALERT

    def has(self, person_id: int) -> bool:
        """Whether this person already has a part of the event."""
        return person_id in self._letters

    def people(self) -> set[int]:
        """Everyone the event tells."""
        return set(self._letters)

    def messages(self) -> list[dict]:
        """One message per person for `enqueue_many`, the bundle emptied (an event with no villager behind it: an
        alert from one is counted against the sender's limit, which only `send` does)."""
        assert self.origin_openid is None, "an origin's alerts go through send_alert"
        found = [
            {"key": letter.key, "openid": letter.openid, "kind": letter.kind, "text": PART_BREAK.join(letter.parts)}
            for letter in self._letters.values()
        ]
        self._letters.clear()
        return found

    def send(self, sql: Sql, *, now: dt.datetime) -> int:
        """Queue one message per person; the number queued (a key queued before is not queued again)."""
        sent = 0
        for letter in self._letters.values():
            text = PART_BREAK.join(letter.parts)
            if letter.kind == ALERT:
                sent += send_alert(
                    sql, key=letter.key, recipient_openid=letter.openid, text=text, now=now,
                    origin_openid=self.origin_openid,
                )  # fmt: skip
            else:
                sent += enqueue(
                    sql, key=letter.key, recipient_openid=letter.openid, kind=letter.kind, text=text, now=now
                )
        self._letters.clear()
        return sent
