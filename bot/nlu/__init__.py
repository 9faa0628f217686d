"""Natural-language understanding: `understand(text, today)` -> intent and slots (shared/nlu/README.md).

jieba with a user dictionary of the national divisions for places, rule parsers for dates, quantities and
temperatures, and intent rules over what was found. `warm_up()` loads it all once at start-up.

`.secondary` holds what the message also says beyond its intent: `fever` (True when a temperature >= 37.3
or a symptom is reported, whatever the intent), `temperature`, `symptoms` (list), `intents` (the other
intents found, strongest first; `ask_policy` among them when a declaration also asks a question: 「俺从厦门回来了
要报备不」 declares the return and asks), `village` (a village of the town named), `offtopic` (True for a message
not about the epidemic: a lost dog, the price of fertiliser), and any slot of another intent
(`items`, `origin`, `date`, `doses`, ...), and `new_phone` (True for 「俺换手机号了」, an `unknown` message).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from bot.nlu import numbers, resources, sounds
from bot.nlu.dates import arrival_date, event_date, find_date
from bot.nlu.features import Features, extract
from bot.nlu.intents import decide, fever, new_phone
from bot.nlu.places import ABROAD, any_place, origin
from town import clock
from town.divisions import as_slot

INTENTS = (
    "declare_return",
    "request_supplies",
    "report_fever",
    "health_checkin",
    "report_event",
    "report_vaccination",
    "query_risk",
    "ask_policy",
    "report_checkpoint",
    "help",
    "cancel",
    "unknown",
)


@dataclass
class Understanding:
    """What a message means: one intent, the slots found, and secondary findings."""

    intent: str
    slots: dict = field(default_factory=dict)
    secondary: dict = field(default_factory=dict)
    # Every place named, in order, with its role: origin, destination, local or neutral.
    places: list[dict] = field(default_factory=list)


def _place_slot(chain) -> dict | None:
    if chain is None:
        return None
    return {"abroad": True} if chain == ABROAD else as_slot(chain) or None


def _slots(intent: str, f: Features, today: dt.date) -> dict:
    """Every slot the message fills, for any intent; the caller keeps the intent's own."""
    slots: dict = {}
    put = slots.__setitem__
    if (o := _place_slot(origin(f.places))) is not None:
        put("origin", o)
    if (p := _place_slot(any_place(f.places))) is not None:
        put("place", p)
    reader = {"report_event": event_date, "declare_return": arrival_date}.get(intent, find_date)
    date = reader(f.text, today)
    if date is not None:
        put("date", date.isoformat())
    for name in ("transport", "items", "temperature", "event", "doses"):
        value = getattr(f, name) if name != "temperature" or f.exact_temperature else None
        if value not in (None, []):
            put(name, value)
    return slots


# What a message says is read from its first MAX_CHARS characters: a villager's longest messages are a few hundred,
# and a 20,000-character paste would otherwise hold the event loop for most of a second.
MAX_CHARS = 2000

_OWN = {
    "declare_return": ("origin", "date", "transport"),
    "request_supplies": ("items",),
    "report_fever": ("temperature",),
    "health_checkin": ("temperature",),
    "report_event": ("event", "date"),
    "report_vaccination": ("doses",),
    "query_risk": ("place",),
}


def understand(text: str, today: dt.date | None = None) -> Understanding:
    """Read one message."""
    today = today or clock.today()
    res = resources.get()
    f = extract((text or "")[:MAX_CHARS], res, today)
    intent, others = decide(f, res)
    found = _slots(intent, f, today)
    own = {k: v for k, v in found.items() if k in _OWN.get(intent, ())}
    secondary = {k: v for k, v in found.items() if k not in own and k != "place"}
    if others:
        secondary["intents"] = others
    if fever(f):
        secondary["fever"] = True
    if f.symptoms:
        secondary["symptoms"] = f.symptoms
    if f.village:
        secondary["village"] = f.village
    if intent == "unknown" and new_phone(f):
        secondary["new_phone"] = True  # the dialogue asks for the new number (我的信息)
    if intent == "unknown" and "offtopic" in f.cues:
        secondary["offtopic"] = True  # the dialogue answers with what the account does, in one short message
    return Understanding(intent, own, secondary, _roles(f.places))


ROLE_NAMES = {
    "from": "origin",
    "from_back": "origin",
    "back": "origin",
    "at": "origin",
    "to": "destination",
    "local": "local",
    "neutral": "neutral",
}


def _roles(places: list) -> list[dict]:
    """The places with their roles, in the order they were written."""
    found = []
    for place in sorted(places, key=lambda p: p.start):
        slot = _place_slot(place.chain)
        if slot:
            found.append({"role": ROLE_NAMES.get(place.role, place.role), **slot})
    return found


def warm_up(town_file: Path | None = None) -> None:
    """Load the keyword tables, the division data and jieba's dictionary (one thread, at start-up).

    The town (its county is local, its villages are recognised) is `town_file`, else the service's TOWN_FILE.
    """
    sounds.warm_up(resources.get(town_file).gazetteer)
    numbers.to_number("三十八")  # imports the numeral reader now rather than on a villager's first message
